using System.Buffers;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Normalizing;

/// <summary>A WeChat official-account article address (mp.weixin.qq.com) reduced to what identifies the article.</summary>
/// <remarks>
/// Three forms exist (DIYgod/RSSHub lib/utils/wechat-mp.ts <c>normalizeUrl</c>, sources.md §3):
/// the short link <c>/s/CODE</c>, whose path is the whole identity; the permanent long link
/// <c>/s?__biz=&amp;mid=&amp;idx=&amp;sn=</c> (aliases <c>appmsgid</c>, <c>itemidx</c>, <c>sign</c>), identified by
/// (<c>__biz</c>, <c>mid</c>, <c>idx</c>) because <c>sn</c> differs between some mirrors; and the temporary
/// <c>/s?src=&amp;timestamp=&amp;ver=&amp;signature=</c> link, which expires and is identified by all four.
/// Every other parameter (<c>chksm</c>, <c>scene</c>, <c>srcid</c>, <c>sharer_*</c> …) and the fragment are noise.
/// A short and a long link to one article cannot be matched from the URLs alone; the article page tells the long
/// form (see <c>Sources/WeChat</c>), and storage records the alias.
/// </remarks>
public sealed partial record WeChatArticleLink
{
    private WeChatArticleLink(WeChatLinkForm form, string key, string url)
    {
        Form = form;
        Key = key;
        Url = url;
    }

    public WeChatLinkForm Form { get; }

    /// <summary>
    /// The entry key: <c>wx:CODE</c> (short), <c>wx:BIZ:MID:IDX</c> (long), <c>wx:sn:SN</c> (long link missing
    /// mid or idx) or <c>wx:tmp:HASH</c> (temporary).
    /// </summary>
    public string Key { get; }

    /// <summary>The clean https address with only the essential parameters, as shown in the draft.</summary>
    public string Url { get; }

    public override string ToString() => Url;

    /// <summary>True when <paramref name="uri"/> is on mp.weixin.qq.com.</summary>
    public static bool IsWeChatHost(Uri uri) => uri.Host.Equals("mp.weixin.qq.com", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads an article address written as text (tolerates <c>&amp;amp;</c> and surrounding spaces).</summary>
    public static WeChatArticleLink? TryParse(string? text) => CanonicalUrl.TryParse(text) is { } uri ? TryParse(uri) : null;

    /// <summary>The article <paramref name="uri"/> points to, or null when it is not an article address.</summary>
    public static WeChatArticleLink? TryParse(Uri uri) => TryParse(uri, uri.Host, uri.AbsolutePath);

    /// <summary>As <see cref="TryParse(Uri)"/>, with the URL's host and path read once (<see cref="EntryKey.For"/> hands them to each recognizer).</summary>
    internal static WeChatArticleLink? TryParse(Uri uri, string host, string absolutePath)
    {
        if (!host.Equals("mp.weixin.qq.com", StringComparison.OrdinalIgnoreCase)) return null;
        var path = absolutePath.AsSpan().TrimEnd('/');
        // ^/s/([A-Za-z0-9_-]{6,})$ read in place: the short link, the most common form.
        if (path.StartsWith("/s/") && path[3..] is { Length: >= 6 } shortCode && shortCode.IndexOfAnyExcept(CodeChars) < 0)
        {
            var code = shortCode.ToString();
            return new WeChatArticleLink(WeChatLinkForm.Short, "wx:" + code, "https://mp.weixin.qq.com/s/" + code);
        }
        if (path is not ("/s" or "/mp/appmsg/show")) return null;

        var query = ReadQuery(uri.Query);
        string? Get(params string[] names) => names.Select(n => query.GetValueOrDefault(n)).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        var biz = Get("__biz", "biz");
        var mid = Get("mid", "appmsgid");
        var idx = Get("idx", "itemidx");
        var sn = Get("sn", "sign");
        if (biz is not null && mid is not null && idx is not null && Digits().IsMatch(mid) && Digits().IsMatch(idx))
        {
            var url = $"https://mp.weixin.qq.com/s?__biz={Uri.EscapeDataString(biz)}&mid={mid}&idx={idx}" + (sn is null ? "" : $"&sn={Uri.EscapeDataString(sn)}");
            return new WeChatArticleLink(WeChatLinkForm.Long, $"wx:{biz}:{mid}:{idx}", url);
        }
        if (sn is not null)
        {
            var url = "https://mp.weixin.qq.com/s?" + string.Join('&',
                new[] { ("__biz", biz), ("mid", mid), ("idx", idx), ("sn", sn) }.Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
            return new WeChatArticleLink(WeChatLinkForm.Long, "wx:sn:" + sn, url);
        }
        var src = Get("src");
        var timestamp = Get("timestamp");
        var ver = Get("ver");
        var signature = Get("signature");
        if (src is not null && timestamp is not null && signature is not null)
        {
            var essential = $"src={Uri.EscapeDataString(src)}&timestamp={Uri.EscapeDataString(timestamp)}&ver={Uri.EscapeDataString(ver ?? "")}&signature={Uri.EscapeDataString(signature)}";
            var hash = TextDigest.Sha256HexLower(essential, 12);
            return new WeChatArticleLink(WeChatLinkForm.Temporary, "wx:tmp:" + hash, "https://mp.weixin.qq.com/s?" + essential);
        }
        return null;
    }

    // Query values are unescaped once: __biz is base64 and arrives both as "MzA3==" and "MzA3%3D%3D".
    // '+' stays '+' (a base64 digit in signatures), unlike form decoding.
    private static Dictionary<string, string> ReadQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var cleaned = query.TrimStart('?').Replace("&amp;", "&", StringComparison.Ordinal).Replace("\\x26amp;", "&", StringComparison.Ordinal);
        foreach (var pair in cleaned.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var name = Uri.UnescapeDataString(parts[0]);
            var value = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]).Trim() : "";
            result.TryAdd(name, value);   // the first occurrence wins, as WeChat's own server reads it
        }
        return result;
    }

    private static readonly SearchValues<char> CodeChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex Digits();
}
