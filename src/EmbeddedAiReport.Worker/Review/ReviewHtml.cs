using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace EmbeddedAiReport.Worker.Review;

/// <summary>Builds an HTML document: markup is written as given, every value through the HTML encoder.</summary>
/// <remarks>The encoder allows all Unicode ranges, so Chinese text stays text (not entities); <c>&lt; &gt; &amp; " '</c> are always encoded.</remarks>
internal sealed class ReviewHtml
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);
    private readonly StringBuilder _builder = new(64 * 1024);
    private readonly StringWriter _writer;

    public ReviewHtml() => _writer = new StringWriter(_builder);

    /// <summary>Appends trusted markup (constants of this folder, never data).</summary>
    public ReviewHtml Raw(string markup)
    {
        _builder.Append(markup);
        return this;
    }

    /// <summary>
    /// Starts a page of the review site: the doctype, <c>&lt;html lang="en"&gt;</c> (the page's own words are English), the
    /// head with <paramref name="title"/> and the stylesheet; the caller writes the body.
    /// </summary>
    public ReviewHtml Head(string title) =>
        Raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<title>").Text(title).Raw("</title><link rel=\"stylesheet\" href=\"/review/assets/review.css\"></head>\n");

    /// <summary>Appends a value, HTML-encoded (safe in element content and in quoted attributes).</summary>
    public ReviewHtml Text(string? value)
    {
        if (!string.IsNullOrEmpty(value)) Encoder.Encode(_writer, value);
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
