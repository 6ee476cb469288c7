using System.Text;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace EmbeddedAiReport.Sources;

/// <summary>Fetched HTML bytes in, an AngleSharp document out, with the charset decided as browsers do; shared by every HTML kind.</summary>
/// <remarks>
/// The HTTP charset wins; without one, AngleSharp reads a BOM or <c>&lt;meta charset&gt;</c> and otherwise assumes
/// UTF-8 (sources.md §5: no byte sniffing). Scripts never run: the parser has no browsing context.
/// </remarks>
internal static class HtmlDocumentLoader
{
    static HtmlDocumentLoader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Parses <paramref name="document"/>; null with a reason when its charset is unknown.</summary>
    public static (IHtmlDocument? Document, string? Error) Load(FetchedDocument document)
    {
        var parser = new HtmlParser();
        if (string.IsNullOrWhiteSpace(document.Charset)) return (parser.ParseDocument(document.OpenBody()), null);
        try
        {
            return (parser.ParseDocument(Encoding.GetEncoding(document.Charset).GetString(document.Body.Span)), null);
        }
        catch (ArgumentException ex)
        {
            return (null, $"unknown charset '{document.Charset}': {ex.Message}");
        }
    }
}
