namespace EmbeddedAiReport;

/// <summary>One normalized item a source produced, ready to be stored as an entry.</summary>
/// <remarks>
/// <see cref="CanonicalKey"/> is the entry's identity across sources and URL forms
/// (<c>arxiv:2011.12289</c>, <c>wx:…</c>, <c>gh:owner/repo@tag</c>, <c>url:host/path</c>).
/// <see cref="Published"/> is UTC or null when the source gave no usable date.
/// </remarks>
public sealed record CandidateEntry
{
    public required string CanonicalKey { get; init; }
    public required string Url { get; init; }
    public required string Title { get; init; }
    public string Summary { get; init; } = "";
    /// <summary>
    /// The whole plain text the item arrived with (a feed's description or content:encoded, an abstract, release notes, an
    /// article page), or null when <see cref="Summary"/> is all of it. Near-duplicate fingerprints cover it; it is not stored.
    /// </summary>
    public string? Text { get; init; }
    public string? Account { get; init; }
    public DateTimeOffset? Published { get; init; }
    /// <summary>
    /// <see cref="Published"/> is a bound the source inferred, not the item's date: an arXiv replacement of a paper never stored
    /// is dated by its id's month (the latest its v1 can be from). Such an entry stays where that date puts it: it is never a
    /// late arrival moved into the next window, since an old paper's new version is no news the last issue missed.
    /// </summary>
    public bool PublishedIsEstimate { get; init; }
    /// <summary>
    /// <see cref="Published"/> is the publish time an article page states (WeChat's <c>ct</c>), truer than a mirror feed's
    /// date: it replaces the date of a stored entry still a candidate (its page read at a later poll), as it would have been
    /// taken had the page been read when the entry was first stored.
    /// </summary>
    public bool PublishedFromPage { get; init; }
    /// <summary>Section slug chosen by the source kind (e.g. <c>papers</c> for arXiv), or null to use the source's hint.</summary>
    public string? Section { get; init; }
    /// <summary>Short label shown before the link in the draft, e.g. an arXiv id with its version.</summary>
    public string? Prefix { get; init; }
    /// <summary>Version of the item when the source has versions (arXiv v2 …); a higher version updates the entry.</summary>
    public int? Version { get; init; }
    public IReadOnlyList<EntryLink> Links { get; init; } = [];
    /// <summary>Other keys of the same item (a WeChat article's long-link key learned from its page); storage merges them into one entry.</summary>
    public IReadOnlyList<string> AliasKeys { get; init; } = [];
}
