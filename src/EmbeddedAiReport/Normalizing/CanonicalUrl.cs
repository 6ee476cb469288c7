using System.Text;

namespace EmbeddedAiReport.Normalizing;

/// <summary>The identity of a generic URL: lower-case host without <c>www.</c>, no fragment, no tracking parameters, no trailing slash, <c>( )</c> unescaped.</summary>
/// <remarks>Source-specific forms (arXiv, WeChat, GitHub) get their own keys in their folders; this is the fallback.</remarks>
public static class CanonicalUrl
{
    // Tracking parameters on any site: utm_* (Google Analytics), spm/scm (Alibaba), share-link and ad click ids. Same spirit
    // as miniflux's urlcleaner list: names that only ever track. Names that are often real parameters elsewhere (version,
    // lang, source, ref, timestamp …) are dropped only on WeChat's own pages, where they are share noise; "from" only with
    // the values WeChat appends to any link shared from it (?from=timeline&isappinstalled=0).
    private static readonly HashSet<string> TrackingParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "spm", "scm", "ref_src", "share_source", "share_medium", "share_token", "fbclid", "gclid", "dclid", "gbraid", "wbraid",
        "yclid", "msclkid", "mc_cid", "mc_eid", "igshid", "isappinstalled", "wfr", "utm_id", "_hsenc", "_hsmi", "mkt_tok",
    };

    private static readonly HashSet<string> WeChatNoise = new(StringComparer.OrdinalIgnoreCase)
    {
        "from", "ref", "source", "s_r", "timestamp", "chksm", "scene", "srcid", "clicktime", "enterid", "mpshare", "pass_ticket",
        "exportkey", "sessionid", "ascene", "devicetype", "version", "nettype", "lang", "subscene", "sharer_shareinfo", "sharer_shareinfo_first",
    };

    private static readonly HashSet<string> WeChatShareFrom = new(StringComparer.OrdinalIgnoreCase)
    {
        "timeline", "singlemessage", "groupmessage", "message",
    };

    /// <summary>True for query parameters that only track where a click came from, on any site.</summary>
    public static bool IsTrackingParameter(string name) =>
        TrackingParameters.Contains(name) || name.StartsWith("utm_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("sharer_", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the query parameter <c>name=value</c> on <paramref name="host"/> tracks rather than names content.</summary>
    public static bool IsTrackingParameter(string host, string name, string value) =>
        IsTrackingParameter(name)
        || (name.Equals("from", StringComparison.OrdinalIgnoreCase) && WeChatShareFrom.Contains(value))
        || (IsWeChatHost(host) && WeChatNoise.Contains(name));

    private static bool IsWeChatHost(string host) => host is "mp.weixin.qq.com" or "weixin.qq.com" || host.EndsWith(".weixin.qq.com", StringComparison.Ordinal);

    /// <summary>Parses an absolute http(s) URL, tolerating surrounding spaces and HTML-escaped ampersands.</summary>
    public static Uri? TryParse(string? text, Uri? baseUri = null)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var cleaned = text.Trim().Replace("&amp;", "&", StringComparison.Ordinal);
        if (Uri.TryCreate(cleaned, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
        if (baseUri is not null && Uri.TryCreate(baseUri, cleaned, out var resolved) && resolved.Scheme is "http" or "https") return resolved;
        return null;
    }

    /// <summary>The canonical form of <paramref name="uri"/> as <c>host/path?sorted-query</c>, without scheme.</summary>
    public static string Normalize(Uri uri)
    {
        var host = uri.IdnHost.ToLowerInvariant();
        if (host.StartsWith("www.", StringComparison.Ordinal)) host = host[4..];
        var builder = new StringBuilder(host.Length + uri.AbsolutePath.Length + 16).Append(host);
        if (!uri.IsDefaultPort) builder.Append(':').Append(uri.Port);

        var path = Parentheses(uri.AbsolutePath);
        if (path.Length > 1) path = path.TrimEnd('/');
        if (path != "/") builder.Append(path);

        var query = Parentheses(uri.Query.TrimStart('?'));
        if (query.Length > 0)
        {
            var kept = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Where(p => p.Split('=', 2) is var pair && !IsTrackingParameter(host, pair[0], pair.Length > 1 ? pair[1] : ""))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (kept.Count > 0) builder.Append('?').AppendJoin('&', kept);
        }
        return builder.ToString();
    }

    // A parenthesis and its escape name the same page (RFC 3986 §6.2.2.2 leaves sub-delims alone, but servers treat
    // them alike): Wikipedia-style /a_(b)_c links appear in both forms, and drafts write %28 %29 so that the markdown link
    // stays whole (DraftRenderer.EscapeUrl). Both forms get the key with the plain parentheses.
    private static string Parentheses(string text) =>
        text.Contains('%', StringComparison.Ordinal) ? text.Replace("%28", "(", StringComparison.Ordinal).Replace("%29", ")", StringComparison.Ordinal) : text;

    /// <summary>The entry key for a generic URL: <c>url:</c> + <see cref="Normalize"/>.</summary>
    public static string Key(Uri uri) => "url:" + Normalize(uri);
}
