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
    public CandidateEntry ToCandidate(SourceDefinition source)
    {
        var text = TextCleaner.CollapseWhiteSpace(Abstract);
        var summary = TextCleaner.Excerpt(text, MaxSummaryLength);
        return new CandidateEntry
        {
            CanonicalKey = Id.Key,
            Url = Id.AbsUrl,
            Title = TextCleaner.Truncate(TextCleaner.CollapseWhiteSpace(Title), MaxTitleLength),
            Summary = summary,
            Text = text.Length > summary.Length ? text : null,
            Account = Authors is { Length: > 0 } authors ? TextCleaner.Truncate(TextCleaner.CollapseWhiteSpace(authors), MaxAuthorsLength) : source.Account,
            Published = Published,
            Section = Section,
            Prefix = Id.Versioned,
            Version = Id.Version,
            Links = Mentions.Find(Id.Key, [Abstract, Comments, .. LinkTargets]),
        };
    }
}
