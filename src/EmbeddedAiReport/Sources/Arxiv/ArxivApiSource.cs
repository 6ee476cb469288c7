namespace EmbeddedAiReport.Sources.Arxiv;

/// <summary>A keyword query against arXiv's export API, newest submissions first, within a date window: kind <c>arxiv-api</c>.</summary>
/// <remarks>
/// Fields: <c>query</c> (API <c>search_query</c> syntax, e.g. <c>all:quantization AND cat:cs.LG</c>; required unless
/// <c>url</c> is set), <c>days</c> (window back from now by submission date; default 7), <c>maxResults</c> (page size,
/// 1 … 2000; default 100) and <c>limit</c> (most results one poll reads; default 1000). Paging stops at the first
/// paper older than the window (results are sorted by submitted date, descending), at totalResults or at the limit.
/// </remarks>
public sealed class ArxivApiSource : ISourceKind
{
    public const string KindName = "arxiv-api";

    private const string QueryField = "query";
    private const string DaysField = "days";
    private const string MaxResultsField = "maxResults";
    private const string LimitField = "limit";
    private const int DefaultDays = 7;
    internal const int DefaultMaxResults = 100;
    internal const int MaxPageSize = 2000;
    private const int DefaultLimit = 1000;

    public string Kind => KindName;

    public IReadOnlyCollection<string> Fields { get; } = [QueryField, DaysField, MaxResultsField, LimitField];

    public string DefaultSection => ArxivPaper.Section;

    public IEnumerable<string> Validate(SourceDefinition source)
    {
        if (source.Url is null && string.IsNullOrWhiteSpace(source.GetString(QueryField)))
            yield return $"{QueryField}: required unless url is set (e.g. \"all:quantization AND cat:cs.LG\")";
        else if (source.Settings.ContainsKey(QueryField) && string.IsNullOrWhiteSpace(source.GetString(QueryField)))
            yield return $"{QueryField}: expected a non-empty string";
        if (source.Settings.ContainsKey(DaysField) && source.GetInt(DaysField, 0) is < 1 or > 36500)
            yield return $"{DaysField}: expected a whole number of days from 1 to 36500";
        // The API serves slices of at most 2000 and at most 30000 results in total (user manual).
        if (source.Settings.ContainsKey(MaxResultsField) && source.GetInt(MaxResultsField, 0) is < 1 or > MaxPageSize)
            yield return $"{MaxResultsField}: expected a page size from 1 to {MaxPageSize}";
        if (source.Settings.ContainsKey(LimitField) && source.GetInt(LimitField, 0) is < 1 or > 30000)
            yield return $"{LimitField}: expected a whole number from 1 to 30000";
    }

    public IReadOnlyList<SourceRequest> Requests(SourceDefinition source)
    {
        var pageSize = source.GetInt(MaxResultsField, DefaultMaxResults);
        if (source.Url is { } url) return [new SourceRequest(url)];
        var query = ArxivQuery.Escape(source.GetString(QueryField) ?? "");
        return [new SourceRequest(new Uri(
            $"https://export.arxiv.org/api/query?search_query={query}&sortBy=submittedDate&sortOrder=descending&start=0&max_results={pageSize}"))];
    }

    public ParseOutcome Parse(FetchedDocument document, SourceDefinition source, SourceRequest request)
    {
        var now = document.Received;
        var page = ArxivApiParser.Parse(document, now);
        if (page.Error is { } error) return new ParseOutcome.WrongFormat(error);

        var since = now.AddDays(-source.GetInt(DaysField, DefaultDays));
        var entries = new List<CandidateEntry>(page.Papers.Count);
        var older = 0;
        foreach (var paper in page.Papers)
        {
            if (paper.Published is { } published && published < since) older++;
            else entries.Add(paper.ToCandidate(source, now));
        }
        var leftOut = older > 0 ? $"{older} paper(s) submitted before {since:yyyy-MM-dd} (outside 'days')" : null;
        return new ParseOutcome.Parsed(entries, page.Skipped, older > 0 ? null : Next(document.FinalUri, page, source), Stopped: EmptyPage(document.FinalUri, page),
            LeftOut: leftOut);
    }

    /// <summary>
    /// The API now and then answers a page inside its own totalResults with no entries (arXiv.py retries such an
    /// "unexpectedly empty" page): paging stops there, so the poll says it read only part of the results.
    /// </summary>
    private static string? EmptyPage(Uri current, ArxivApiParser.ApiResult page)
    {
        var start = ArxivQuery.Get(current, "start") ?? 0;
        return page.EntryCount == 0 && page.Total is { } total && start < total
            ? $"arXiv sent an empty page at start={start} of {total} results (its API does so now and then); the rest is read at the next poll"
            : null;
    }

    /// <summary>The next slice while the query has more results and the limit allows.</summary>
    private static Uri? Next(Uri current, ArxivApiParser.ApiResult page, SourceDefinition source)
    {
        if (page.EntryCount == 0 || page.Total is not { } total) return null;
        var start = ArxivQuery.Get(current, "start") ?? 0;
        var next = start + page.EntryCount;
        if (next >= total || next >= source.GetInt(LimitField, DefaultLimit)) return null;
        var pageSize = ArxivQuery.Get(current, "max_results") ?? source.GetInt(MaxResultsField, DefaultMaxResults);
        return ArxivQuery.With(current, ("start", next), ("max_results", pageSize));
    }
}
