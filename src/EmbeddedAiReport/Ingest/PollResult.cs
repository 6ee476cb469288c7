namespace EmbeddedAiReport.Ingest;

/// <summary>What one poll of one source did, as <c>poll</c> prints it and jobs log it.</summary>
/// <param name="Error">Null when the poll succeeded; otherwise what went wrong and what to do.</param>
public sealed record PollResult(string SourceId, int Seen, int New, int Updated, bool NotModified, string? Error, TimeSpan Elapsed)
{
    public bool Failed => Error is not null;

    /// <summary>What was wrong although the poll succeeded (a feed only partly read, some of several requests failing), or null.</summary>
    public string? Warning { get; init; }

    /// <summary>Article pages this poll wanted and did not read (enrichment): later polls read them, <c>enrichLimit</c> per poll.</summary>
    public int PagesLeft { get; init; }

    /// <summary>What the source's own settings left out (papers older than an arXiv API source's <c>days</c>), or null: why a poll that stored none did.</summary>
    public string? LeftOut { get; init; }

    /// <summary>Why <c>poll</c> left the source out (its host's politeness gap left no turn for it in the run's budget), or null: no failure.</summary>
    public string? NotPolled { get; init; }

    /// <summary>Entries seen again with no change.</summary>
    public int Unchanged => Math.Max(0, Seen - New - Updated);

    /// <summary>
    /// One line: <c>id: 3 new, 1 updated, 20 unchanged</c>, <c>id: error: …</c> or <c>id: not polled: …</c>, with <c>; left out: 8 paper(s) submitted
    /// before 2025-05-02 (outside 'days')</c> and <c>; 3 article pages left to read</c> when there are.
    /// </summary>
    public string Describe() => NotPolled is not null ? $"{SourceId}: not polled: {NotPolled}" : (Error is not null
        ? $"{SourceId}: error: {Error}"
        : NotModified && Seen == 0 && Warning is null
            ? $"{SourceId}: not modified"
            : $"{SourceId}: {New} new, {Updated} updated, {Unchanged} unchanged" + (Warning is null ? "" : $" (warning: {Warning})"))
        + (LeftOut is null || Error is not null ? "" : $"; left out: {LeftOut}")
        + (PagesLeft == 0 ? "" : $"; {Counted.Of(PagesLeft, "article page", "article pages")} left to read");
}
