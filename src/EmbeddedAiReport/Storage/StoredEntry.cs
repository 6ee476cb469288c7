using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Storage;

/// <summary>An entry as read back from the database, with its links.</summary>
public sealed record StoredEntry(
    long Id,
    string SourceId,
    string Kind,
    string CanonicalKey,
    string Url,
    string Title,
    string Summary,
    string? Account,
    DateTimeOffset? Published,
    DateTimeOffset FirstSeen,
    string? Section,
    string? Prefix,
    int? Version,
    double Score,
    string Status,
    long? StoryId,
    IReadOnlyList<EntryLink> Links)
{
    /// <summary>True when this entry is the primary of its story (the one the draft shows).</summary>
    public bool IsStoryPrimary { get; init; }

    /// <summary>True when <see cref="Summary"/> is the editor's own text (markdown the editor wrote), not the source's.</summary>
    /// <remarks>Set only by <see cref="EntryStore.ListWindowAsync"/>, the read drafts are built from.</remarks>
    public bool EditorSummary { get; init; }

    /// <summary>The editor's 1-based place for the entry within its section of the draft, or null (ordered by the selector).</summary>
    public int? Position { get; init; }

    /// <summary>True when the editor made this entry its story's primary (<c>mark --primary</c>); read by the window's list only.</summary>
    public bool IsPinnedPrimary { get; init; }

    /// <summary>True when the editor gave the entry a title, 摘要, section or place of their own; read by the window's list only.</summary>
    public bool IsEditedByEditor { get; init; }

    /// <summary>
    /// The time windows place the entry by: published, else first seen, or the first instant of the next window for a late
    /// arrival (see <see cref="IsLateArrival"/>); null where the query did not read it.
    /// </summary>
    public DateTimeOffset? WindowTime { get; init; }

    /// <summary>
    /// True when the entry sits in a later window than its date: it was first seen after the issue whose window holds its
    /// date was published, so the ingest writer placed it at the start of the next window.
    /// </summary>
    public bool IsLateArrival => WindowTime is { } time && time != (Published ?? FirstSeen);

    /// <summary>True for an arXiv paper whose latest version, as its source gave it, is a withdrawal notice.</summary>
    public bool IsWithdrawnPaper => ArxivWithdrawal.Withdraws(CanonicalKey, SourceSummary ?? Summary);

    /// <summary>
    /// True when the entry's page was found gone (a deleted or expired WeChat article) after the entry was stored: drafts
    /// leave it out, as a fresh read would not have stored it. Read by the window's lists only.
    /// </summary>
    public bool IsPageGone { get; init; }

    /// <summary>The title as the source gave it, when <see cref="Title"/> is the editor's (a read that applies overrides); else null.</summary>
    public string? SourceTitle { get; init; }

    /// <summary>The summary as the source gave it, when <see cref="Summary"/> is the editor's (a read that applies overrides); else null.</summary>
    public string? SourceSummary { get; init; }

    /// <summary>
    /// The entry as its source delivered it (text, account, links), e.g. to score it again with another model: the source's
    /// title and summary, not the editor's, since stored scores are made from those.
    /// </summary>
    public CandidateEntry ToCandidate() => new()
    {
        CanonicalKey = CanonicalKey,
        Url = Url,
        Title = SourceTitle ?? Title,
        Summary = SourceSummary ?? Summary,
        Account = Account,
        Published = Published,
        Section = Section,
        Prefix = Prefix,
        Version = Version,
        Links = Links,
    };
}
