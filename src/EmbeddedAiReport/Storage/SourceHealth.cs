namespace EmbeddedAiReport.Storage;

/// <summary>A source's poll history as the <c>sources</c> command and <c>GET /sources</c> show it.</summary>
public sealed record SourceHealth(
    string Id,
    string Kind,
    DateTimeOffset? LastPoll,
    DateTimeOffset? LastSuccess,
    string? LastError,
    int ConsecutiveFailures,
    DateTimeOffset? PausedUntil,
    DateTimeOffset? LastNewEntry,
    long Entries)
{
    /// <summary>When the source was first polled, or null.</summary>
    public DateTimeOffset? FirstPoll { get; init; }

    /// <summary>What was wrong with the last poll although it succeeded (a feed only partly read, some requests failing), or null.</summary>
    public string? LastWarning { get; init; }

    /// <summary>
    /// What the last poll's source settings left out (<c>10 paper(s) submitted before 2025-05-02 (outside 'days')</c>), or
    /// null: nothing wrong with the source, but why it stored fewer papers than its query found.
    /// </summary>
    public string? LastLeftOut { get; init; }

    /// <summary>When the pause after failures ends, if it still runs at <paramref name="at"/>; else null.</summary>
    public DateTimeOffset? PausedAt(DateTimeOffset at) => PausedUntil is { } until && until > at ? until : null;

    /// <summary>
    /// True when polls succeed but nothing new arrived for longer than <paramref name="staleAfter"/> (counted from
    /// the newest item the source delivered — <see cref="LastNewEntry"/> — or from the first poll when there never was
    /// one): a mirror that lost its login still answers 200 with the same old items. A failing source is failing, not stale.
    /// </summary>
    public bool IsStale(TimeSpan staleAfter, DateTimeOffset now) =>
        LastSuccess is not null && ConsecutiveFailures == 0 && (LastNewEntry ?? FirstPoll) is { } since && now - since > staleAfter;
}
