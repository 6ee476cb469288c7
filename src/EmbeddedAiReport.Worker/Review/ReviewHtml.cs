using System.Buffers;
using System.Globalization;
using System.Text;

namespace EmbeddedAiReport.Worker.Review;

/// <summary>Builds an HTML document: markup is written as given, every value through the HTML encoder.</summary>
/// <remarks>
/// A value's <c>&lt; &gt; &amp; " '</c> and control characters are written as references, everything else as it is (Chinese
/// text, emoji, <c>+</c>).
/// </remarks>
internal sealed class ReviewHtml
{
    // What a value does not carry as it is: the five characters that end a text or an attribute or start markup; the control
    // characters, as references as before (raw, most are parse errors, and a CR would be read as a line feed); the surrogates,
    // looked at in pairs (a lone one becomes U+FFFD, as UTF-8 cannot carry it). System.Text.Encodings.Web's HtmlEncoder, used
    // until round 41, also wrote '+' as "&#x2B;" (a guard against UTF-7, which a page sent as UTF-8 does not need) and every
    // character past the BMP as a reference: on a flooded week's review page, 4,371 of the reasons' signs, 22 KB.
    private static readonly SearchValues<char> Referenced = SearchValues.Create(
        "&<>\"'" + string.Concat(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Concat(Enumerable.Range(0xD800, 0x800)).Select(c => (char)c)));

    private readonly StringBuilder _builder = new(64 * 1024);

    /// <summary>Appends trusted markup (constants of this folder, never data).</summary>
    public ReviewHtml Raw(string markup)
    {
        _builder.Append(markup);
        return this;
    }

    /// <summary>
    /// Starts a page of the review site: the doctype, <c>&lt;html lang="en"&gt;</c> (the page's own words are English), the
    /// head with <paramref name="title"/>, the stylesheet and an empty icon; the caller writes the body.
    /// </summary>
    public ReviewHtml Head(string title) =>
        Raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<title>").Text(title).Raw("</title><link rel=\"stylesheet\" href=\"/review/assets/review.css\">")
            // An empty icon (the CSP's img-src allows data:): without one, a browser asks /favicon.ico on every page load.
            .Raw("<link rel=\"icon\" href=\"data:,\"></head>\n");

    /// <summary>Appends a value, HTML-encoded (safe in element content and in quoted attributes).</summary>
    public ReviewHtml Text(string? value)
    {
        var rest = value.AsSpan();
        while (rest.IndexOfAny(Referenced) is var i and >= 0)
        {
            _builder.Append(rest[..i]);
            var c = rest[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < rest.Length && char.IsLowSurrogate(rest[i + 1]);
            _ = c switch
            {
                '&' => _builder.Append("&amp;"),
                '<' => _builder.Append("&lt;"),
                '>' => _builder.Append("&gt;"),
                '"' => _builder.Append("&quot;"),
                '\'' => _builder.Append("&#39;"),
                _ when pair => _builder.Append(rest.Slice(i, 2)),
                _ when char.IsSurrogate(c) => _builder.Append('\uFFFD'),
                _ => _builder.Append("&#x").Append(((int)c).ToString("X", CultureInfo.InvariantCulture)).Append(';'),
            };
            rest = rest[(i + (pair ? 2 : 1))..];
        }
        _builder.Append(rest);
        return this;
    }

    /// <summary>Appends <c> name="value"</c> with the value encoded.</summary>
    public ReviewHtml Attr(string name, string? value) => Raw(" ").Raw(name).Raw("=\"").Text(value).Raw("\"");

    /// <summary>
    /// Appends <c> lang="zh-CN"</c> when <paramref name="text"/> has a Chinese character: the page's own words are English
    /// (<c>lang="en"</c>), a title, summary or section name in Chinese is read by a screen reader's Chinese voice.
    /// </summary>
    public ReviewHtml Lang(string? text) => IsChinese(text) ? Raw(" lang=\"zh-CN\"") : this;

    /// <summary>Whether <paramref name="text"/> has a Chinese character (CJK Unified Ideographs and Extension A).</summary>
    public static bool IsChinese(string? text) => text is not null && text.AsSpan().ContainsAnyInRange('\u3400', '\u9FFF');

    public override string ToString() => _builder.ToString();
}
