namespace EmbeddedAiReport.Sources;

/// <summary>What reading one fetched document gave: entries, or why there are none.</summary>
public abstract record ParseOutcome
{
    private ParseOutcome() { }

    /// <summary>The document was read; <paramref name="Skipped"/> says why items were left out; <paramref name="Next"/> is a further page to fetch.</summary>
    /// <param name="Warning">Set when the document was broken and only partly read (the lenient path), so the operator hears of it.</param>
    /// <param name="Stopped">Set when the document was whole but paging ended before the results did (an arXiv API page that
    /// came back empty inside its total): why, so the operator hears of it without being told the feed is broken.</param>
    public sealed record Parsed(IReadOnlyList<CandidateEntry> Entries, IReadOnlyList<string> Skipped, Uri? Next = null, string? Warning = null, string? Stopped = null) : ParseOutcome;

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
