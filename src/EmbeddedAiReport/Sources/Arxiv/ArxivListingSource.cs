using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.Arxiv;

/// <summary>arXiv's listing pages (<c>https://arxiv.org/list/CAT/new|recent|pastweek</c>): kind <c>arxiv-listing</c>.</summary>
/// <remarks>
/// Fields: <c>category</c> (required unless <c>url</c> is set), <c>list</c> (<c>new</c> by default, <c>recent</c>,
/// <c>pastweek</c>), <c>show</c> (entries per page, one of arXiv's 25 … 2000; default 250), <c>limit</c> (most entries
/// one poll reads across pages; default 500) and <c>keep</c> (new, cross, replace; default new and cross).
/// Only /new carries abstracts. Pages are followed with <c>skip</c> while the "Total of N entries" line says there are more.
/// </remarks>
public sealed class ArxivListingSource : ISourceKind
{
    public const string KindName = "arxiv-listing";

    private const string ListField = "list";
    private const string ShowField = "show";
    private const string LimitField = "limit";
    internal const int DefaultShow = 250;
    private const int DefaultLimit = 500;

    // arXiv answers 400 to any other page size (arxiv-browse list_page controller).
    internal static readonly int[] AllowedShow = [25, 50, 100, 250, 500, 1000, 2000];
    private static readonly string[] Lists = ["new", "recent", "pastweek"];
    private static readonly string[] KeepNames = ["new", "cross", "replace"];

    public string Kind => KindName;

    public IReadOnlyCollection<string> Fields { get; } = [ArxivCategory.Field, ListField, ShowField, LimitField, ArxivKeep.Field];

    public string DefaultSection => ArxivPaper.Section;

    public IEnumerable<string> Validate(SourceDefinition source)
    {
        foreach (var problem in ArxivCategory.Validate(source, required: source.Url is null, many: false)) yield return problem;
        if (source.Settings.ContainsKey(ListField) && !Lists.Contains(source.GetString(ListField)))
            yield return $"{ListField}: expected one of {string.Join(", ", Lists)}";
        if (source.Settings.ContainsKey(ShowField) && !AllowedShow.Contains(source.GetInt(ShowField, 0)))
            yield return $"{ShowField}: arXiv accepts only {string.Join(", ", AllowedShow)}";
        if (source.Settings.ContainsKey(LimitField) && source.GetInt(LimitField, 0) is < 1 or > 10000)
            yield return $"{LimitField}: expected a whole number from 1 to 10000";
        foreach (var problem in ArxivKeep.Validate(source, KeepNames)) yield return problem;
    }

    public IReadOnlyList<SourceRequest> Requests(SourceDefinition source) =>
        [new SourceRequest(source.Url ?? new Uri(
            $"https://arxiv.org/list/{ArxivCategory.Joined(source)}/{source.GetString(ListField) ?? "new"}?skip=0&show={source.GetInt(ShowField, DefaultShow)}"))];

    public ParseOutcome Parse(FetchedDocument document, SourceDefinition source, SourceRequest request)
    {
        var listing = ArxivListingParser.Parse(document);
        if (listing.Error is { } error) return new ParseOutcome.WrongFormat(error);
        var keep = ArxivKeep.Of(source);
        var entries = new List<CandidateEntry>(listing.Papers.Count);
        var skipped = listing.Skipped.ToList();
        foreach (var paper in listing.Papers)
        {
            // A withdrawal is a replacement whose abstract is the notice (/new shows replacements' abstracts too): stored
            // whatever 'keep' says, as arxiv-rss does. The page names no version; a withdrawal without one updates the stored
            // paper whatever version it holds (see EntryBatch), and its prefix and link stay without a version (the latest).
            if (ArxivWithdrawal.IsNotice(paper.Abstract)) entries.Add(paper.ToCandidate(source, document.Received));
            else if (keep.Keeps(paper.Announcement)) entries.Add(paper.ToCandidate(source, document.Received));
            else skipped.Add($"{paper.Id}: {paper.Announcement} not kept (see 'keep')");
        }
        return new ParseOutcome.Parsed(entries, skipped, Next(document.FinalUri, listing, source));
    }

    /// <summary>The next page while the listing has more entries than were read and the limit allows.</summary>
    private static Uri? Next(Uri page, ArxivListingParser.ListingResult listing, SourceDefinition source)
    {
        if (listing.Total is not { } total || listing.Papers.Count == 0) return null;
        var skip = ArxivQuery.Get(page, "skip") ?? 0;
        var show = ArxivQuery.Get(page, ShowField) ?? listing.Papers.Count + listing.Skipped.Count;
        var next = skip + show;
        return next < total && next < source.GetInt(LimitField, DefaultLimit) ? ArxivQuery.With(page, ("skip", next), (ShowField, show)) : null;
    }
}
