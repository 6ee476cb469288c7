using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Sources;

/// <summary>What an operator needs to know about one configured source: its state and why, for <c>sources</c> and <c>GET /sources</c>.</summary>
/// <param name="State"><c>disabled</c>, <c>never</c> (not polled yet), <c>failing</c>, <c>stale</c>, <c>warning</c> (the last poll succeeded
/// with something wrong: a feed only partly read, some accounts failing) or <c>ok</c>.</param>
/// <param name="Note">
/// The last error, the warning, or why the source is stale, then what the last poll left out (<c>left out: 10 paper(s) …</c>,
/// which leaves the state as it is); null when there is nothing to say.
/// </param>
/// <param name="PausedUntil">When scheduled polls resume after failures, if that is still ahead.</param>
public sealed record SourceStatus(SourceDefinition Source, SourceHealth? Health, string State, string? Note, DateTimeOffset? PausedUntil)
{
    /// <summary>When the scheduler polls the source next (null outside the daemon's schedules, or for a disabled source).</summary>
    public DateTimeOffset? NextPoll { get; init; }

    /// <summary>The status of <paramref name="source"/> given its stored health, its kind's cadence and the time now.</summary>
    public static SourceStatus Of(SourceDefinition source, SourceHealth? health, ISourceKind? kind, DateTimeOffset now, TimeZoneInfo zone)
    {
        var paused = health?.PausedAt(now);
        if (!source.Enabled) return new(source, health, "disabled", health?.LastError, paused);
        if (health is null) return new(source, null, "never", null, null);
        if (health.ConsecutiveFailures > 0) return new(source, health, "failing", health.LastError, paused);
        // A mirror that answers 200 with nothing new for longer than its cadence has probably lost its login.
        if (kind?.StaleAfter(source) is { } staleAfter && health.IsStale(staleAfter, now))
            return new(source, health, "stale", WithLeftOut(
                $"no new entry since {Time(health.LastNewEntry ?? health.FirstPoll, zone)} (expected within {Duration.Format(staleAfter)}; check the mirror's login)"), paused);
        if (health.LastWarning is { } warning) return new(source, health, "warning", WithLeftOut(warning), paused);
        return new(source, health, "ok", WithLeftOut(null), paused);

        // As the poll's line says it: why a source that works stored fewer items than it was sent.
        string? WithLeftOut(string? note) => health.LastLeftOut is not { } leftOut ? note : $"{(note is null ? "" : $"{note}; ")}left out: {leftOut}";
    }

    /// <summary>An instant as the operator's views print it, in <paramref name="zone"/> (the draft's) with its offset, or <c>-</c>.</summary>
    public static string Time(DateTimeOffset? value, TimeZoneInfo zone) =>
        value is { } v ? TimeZoneInfo.ConvertTime(v, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
