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

    /// <summary>Appends a value, HTML-encoded (safe in element content and in quoted attributes).</summary>
    public ReviewHtml Text(string? value)
    {
        if (!string.IsNullOrEmpty(value)) Encoder.Encode(_writer, value);
        return this;
    }

    /// <summary>Appends <c> name="value"</c> with the value encoded.</summary>
    public ReviewHtml Attr(string name, string? value) => Raw(" ").Raw(name).Raw("=\"").Text(value).Raw("\"");

    public override string ToString() => _builder.ToString();
}
