using System.Text;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>Decodes feed bytes to text: the HTTP charset, then the XML declaration, then UTF-8, then a Chinese or Western guess.</summary>
/// <remarks>
/// Each candidate must decode without invalid sequences before it is accepted, so a server that claims UTF-8 for a GBK
/// body still gets the declaration's (or GB18030's) reading. Feeds without any declaration that are not valid UTF-8 are
/// read as GB18030 when that decodes cleanly into CJK text (Chinese sites), else as Windows-1252 (a superset of Latin-1).
/// </remarks>
internal static partial class FeedText
{
    static FeedText() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The text of <paramref name="body"/> and the encoding chosen.</summary>
    public static (string Text, string Encoding) Decode(byte[] body, string? httpCharset)
    {
        if (HasUtf8Bom(body)) return (Encoding.UTF8.GetString(body, 3, body.Length - 3), "utf-8");
        var head = Encoding.ASCII.GetString(body, 0, Math.Min(body.Length, 256));
        var declared = DeclaredEncoding().Match(head) is { Success: true } m ? m.Groups[1].Value : null;
        // A server default of Latin-1 (Apache's old text/* default) decodes any bytes without error, so it would always
        // win and turn a declared GB2312 feed into mojibake; when the document itself names another encoding, trust that.
        if (IsServerDefault(httpCharset) && declared is not null && !IsServerDefault(declared)) httpCharset = null;
        foreach (var name in new[] { httpCharset, declared, "utf-8" })
        {
            if (string.IsNullOrWhiteSpace(name) || Strict(name) is not { } encoding) continue;
            try { return (encoding.GetString(body), encoding.WebName); }
            catch (DecoderFallbackException) { }
        }
        var gb = Strict("gb18030")!;
        try
        {
            var text = gb.GetString(body);
            if (text.Any(c => c is >= '\u4e00' and <= '\u9fff')) return (text, "gb18030");
        }
        catch (DecoderFallbackException) { }
        return (Encoding.GetEncoding(1252).GetString(body), "windows-1252");
    }

    private static Encoding? Strict(string name)
    {
        try
        {
            var normalized = name.Trim().Trim('"').ToLowerInvariant() is "gb2312" or "gbk" or "x-gbk" ? "gb18030" : name.Trim().Trim('"');
            return Encoding.GetEncoding(normalized, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsServerDefault(string? charset) =>
        charset?.Trim().Trim('"').ToLowerInvariant() is "iso-8859-1" or "latin1" or "iso_8859-1" or "us-ascii" or "ascii" or "windows-1252";

    private static bool HasUtf8Bom(byte[] body) => body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF;

    [GeneratedRegex("""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")]
    private static partial Regex DeclaredEncoding();
}
