using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources.Feeds;

namespace EmbeddedAiReport.Sources.Arxiv;

/// <summary>Bytes of an arXiv export API response (Atom with opensearch totals) in, the papers and the result count out; no I/O.</summary>
/// <remarks>
/// Read with <see cref="XDocument"/> rather than the shared feed parser because paging needs the feed-level
/// <c>opensearch:totalResults</c>, which FeedReader drops. DTDs are prohibited. An error comes back as a feed with
/// one entry whose id is <c>http://arxiv.org/api/errors#…</c> and whose summary is the message. Elements nested deeper
/// than the feeds' <see cref="FeedDocumentParser.MaxDepth"/> are refused after one pass of a reader, before the tree is
/// built: LINQ to XML walks up to the root for every element it adds, so a tree costs time in the square of its depth
/// (64,000 unclosed tags took 10 s; a 2 MB response of them, by the square, some 20 minutes).
/// </remarks>
internal static class ArxivApiParser
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace OpenSearch = "http://a9.com/-/spec/opensearch/1.1/";

    internal const string TooDeep = "malformed XML: elements nested more than 256 deep (not an arXiv API response)";

    /// <summary>The papers in the response (any announcement type is <see cref="ArxivAnnouncement.New"/>: the API has none), or why there are none.</summary>
    public static ApiResult Parse(FetchedDocument document, DateTimeOffset now)
    {
        if (FeedDocumentParser.NestsTooDeep(document)) return ApiResult.Fail(TooDeep);
        XDocument xml;
        try
        {
            using var reader = XmlReader.Create(document.OpenBody(),
                new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            xml = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            var head = Encoding.UTF8.GetString(document.Body.Span[..Math.Min(document.Body.Length, 200)]).TrimStart();
            return ApiResult.Fail(head.StartsWith('<') && head.Contains("html", StringComparison.OrdinalIgnoreCase)
                ? "got an HTML page, not an arXiv API response"
                : $"malformed XML: {ex.Message}");
        }
        if (xml.Root?.Name != Atom + "feed") return ApiResult.Fail("not an arXiv API response (no Atom feed)");

        var entries = xml.Root.Elements(Atom + "entry").ToList();
        var error = entries.FirstOrDefault(e => (e.Element(Atom + "id")?.Value ?? "").Contains("arxiv.org/api/errors", StringComparison.Ordinal));
        if (error is not null) return ApiResult.Fail($"arXiv API error: {TextCleaner.CollapseWhiteSpace(error.Element(Atom + "summary")?.Value ?? "unknown")}");

        var papers = new List<ArxivPaper>(entries.Count);
        var skipped = new List<string>();
        foreach (var entry in entries)
        {
            if (Read(entry, now) is { } paper) papers.Add(paper);
            else skipped.Add($"API entry '{entry.Element(Atom + "id")?.Value}': no arXiv id or title");
        }
        var total = int.TryParse(xml.Root.Element(OpenSearch + "totalResults")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : (int?)null;
        return new ApiResult(papers, skipped, entries.Count, total, null);
    }

    private static ArxivPaper? Read(XElement entry, DateTimeOffset now)
    {
        var idText = entry.Element(Atom + "id")?.Value.Trim();
        var id = idText is not null && Uri.TryCreate(idText, UriKind.Absolute, out var uri) ? ArxivId.TryFromUrl(uri) : ArxivId.TryParse(idText);
        var title = TextCleaner.CollapseWhiteSpace(entry.Element(Atom + "title")?.Value ?? "");
        if (id is not { } paperId || title.Length == 0) return null;
        var authors = string.Join(", ", entry.Elements(Atom + "author").Select(a => TextCleaner.CollapseWhiteSpace(a.Element(Atom + "name")?.Value ?? "")).Where(n => n.Length > 0));
        var ns = ArxivRssSource.ArxivNamespace;
        // <published> is the v1 submission date, the one the query sorts and the window is bounded by.
        return new ArxivPaper(paperId, title, entry.Element(Atom + "summary")?.Value ?? "",
            authors.Length == 0 ? null : authors,
            entry.Element(ns + "comment")?.Value,
            entry.Element(ns + "primary_category")?.Attribute("term")?.Value,
            ArxivAnnouncement.New,
            SourceDates.Parse(entry.Element(Atom + "published")?.Value, now) ?? SourceDates.Parse(entry.Element(Atom + "updated")?.Value, now),
            []);
    }

    /// <summary>Papers of one API page, or why there are none.</summary>
    /// <param name="EntryCount">Entries on the page, including skipped ones, for the next <c>start</c>.</param>
    /// <param name="Total">opensearch:totalResults, or null when absent.</param>
    internal sealed record ApiResult(IReadOnlyList<ArxivPaper> Papers, IReadOnlyList<string> Skipped, int EntryCount, int? Total, string? Error)
    {
        public static ApiResult Fail(string error) => new([], [], 0, null, error);
    }
}
