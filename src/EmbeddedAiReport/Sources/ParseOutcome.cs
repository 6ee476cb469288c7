namespace EmbeddedAiReport.Sources;

/// <summary>What reading one fetched document gave: entries, or why there are none.</summary>
public abstract record ParseOutcome
{
    private ParseOutcome() { }

    /// <summary>The document was read; <paramref name="Skipped"/> says why items were left out; <paramref name="Next"/> is a further page to fetch.</summary>
    /// <param name="Warning">Set when the document was broken and only partly read (the lenient path), so the operator hears of it.</param>
    /// <param name="Stopped">Set when the document was whole but paging ended before the results did (an arXiv API page that
    /// came back empty inside its total): why, so the operator hears of it without being told the feed is broken.</param>
    /// <param name="Slice">
    /// Set when the document is the newest part of a longer newest-first list (a repo's releases): <paramref name="Next"/>
    /// is then read only while the slice is newer than everything the source stored before, and the operator is warned
    /// when it is and no further page is read.
    /// </param>
    /// <param name="LeftOut">Items the source's own settings left out that the operator should hear of (papers older than an
    /// arXiv API source's <c>days</c>): said on <c>poll</c>'s line, so that a poll storing none says why. Not a warning.</param>
    /// <param name="Name">What the document calls the list it holds, when that may differ from the request's (a repo's
    /// <c>owner/name</c> after a rename): read by <see cref="ISourceKind.Moved"/>, which so need not parse the document again.</param>
    public sealed record Parsed(IReadOnlyList<CandidateEntry> Entries, IReadOnlyList<string> Skipped, Uri? Next = null, string? Warning = null, string? Stopped = null,
        NewestFirst? Slice = null, string? Name = null, string? LeftOut = null) : ParseOutcome;

    /// <summary>Not the expected format (an HTML error page where a feed was expected, broken XML).</summary>
    public sealed record WrongFormat(string Reason) : ParseOutcome;

    /// <summary>The content no longer exists (a deleted article, an expired link).</summary>
    public sealed record Gone(string Reason) : ParseOutcome;

    /// <summary>An anti-bot or captcha page: the source should back off.</summary>
    public sealed record Blocked(string Reason) : ParseOutcome;

    /// <summary>
    /// An HTML page where a feed was expected that names its feed (<c>&lt;link rel="alternate" type="application/rss+xml"&gt;</c>):
    /// <paramref name="Feed"/> is read instead, one hop only, and the source warns that its URL should be the feed's.
    /// </summary>
    public sealed record Discovered(Uri Feed) : ParseOutcome;
}

/// <summary>A document that holds only the newest items of a longer list, newest first (a repo's releases.atom, a REST page).</summary>
/// <param name="Oldest">The date of the oldest item in the document, kept or filtered out.</param>
/// <param name="MayMiss">The warning when the items stored before are older than <paramref name="Oldest"/> and no further page is read.</param>
/// <param name="KeyPrefix">
/// The canonical key prefix of the list's items (a repo's releases, <c>gh:owner/repo@</c>): what is stored is judged by the newest
/// stored item with that prefix, not by the source's newest, which another list of the source (a busier repo) may have set.
/// </param>
public sealed record NewestFirst(DateTimeOffset Oldest, string MayMiss, string? KeyPrefix = null);
