using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.Arxiv;

/// <summary>One paper as any arXiv document (listing page, RSS item, API entry) describes it, before it becomes an entry.</summary>
/// <param name="Abstract">Plain text; empty when the document has none (the /recent listing).</param>
/// <param name="Authors">Comma-separated names, or null.</param>
/// <param name="Comments">The author's comments line (often "Code: https://github.com/…"), or null.</param>
/// <param name="Published">When the paper (or this version) was announced or submitted, UTC; null when unknown.</param>
/// <param name="LinkTargets">Addresses the document links to beside the text (the href behind "this https URL").</param>
internal sealed record ArxivPaper(
    ArxivId Id,
    string Title,
    string Abstract,
    string? Authors,
    string? Comments,
    string? PrimaryCategory,
    ArxivAnnouncement Announcement,
    DateTimeOffset? Published,
    IReadOnlyList<string> LinkTargets)
{
    /// <summary>Longest summary kept, in characters, as for feeds; the editor writes the real 摘要.</summary>
    internal const int MaxSummaryLength = 400;

    private const int MaxTitleLength = 300;
    private const int MaxAuthorsLength = 120;

    /// <summary>Section slug of every paper (论文).</summary>
    public const string Section = "papers";

    /// <summary>
    /// The entry for this paper: keyed by the id without version, so every URL form and version is one entry;
    /// the version goes to <see cref="CandidateEntry.Version"/> (a higher one updates the entry) and to the draft prefix.
    /// </summary>
    /// <param name="now">When the document was received: the date of a replacement that carries none.</param>
    public CandidateEntry ToCandidate(SourceDefinition source, DateTimeOffset now)
    {
        var text = TextCleaner.CollapseWhiteSpace(Abstract);
        var summary = TextCleaner.Excerpt(text, MaxSummaryLength);
        var (published, estimate) = Announcement is ArxivAnnouncement.Replace or ArxivAnnouncement.ReplaceCross
            ? ReplacedPaperDate(Published ?? now)
            : (Published, false);
        return new CandidateEntry
        {
            CanonicalKey = Id.Key,
            Url = Id.AbsUrl,
            Title = TextCleaner.Truncate(TextCleaner.CollapseWhiteSpace(Title), MaxTitleLength),
            Summary = summary,
            Text = text.Length > summary.Length ? text : null,
            Account = Authors is { Length: > 0 } authors ? TextCleaner.Truncate(TextCleaner.CollapseWhiteSpace(authors), MaxAuthorsLength) : source.Account,
            Published = published,
            PublishedIsEstimate = estimate,
            Section = Section,
            Prefix = Id.Versioned,
            Version = Id.Version,
            Links = Mentions.Find(Id.Key, [Abstract, Comments, .. LinkTargets]),
        };
    }

    /// <summary>
    /// The date a replacement's entry is filed under: the feeds and listings date it by the day the new version was
    /// announced, but the paper is as old as its first version, whose month the id names. So the month after the id's
    /// (the latest the v1 can be from), or the announcement when that is earlier: an entry already stored keeps its own date
    /// (the writer keeps the first), and a paper the database never had (its v1 before the source was polled, or not
    /// kept) stays in its own past instead of reaching this week's draft as if new, also when that month's start falls in
    /// the last published issue's window (Estimate, <see cref="CandidateEntry.PublishedIsEstimate"/>: not a late arrival).
    /// </summary>
    private (DateTimeOffset? Date, bool Estimate) ReplacedPaperDate(DateTimeOffset announced) =>
        Id.SubmittedBefore < announced ? (Id.SubmittedBefore, true) : (announced, false);
}
