using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Sources;

/// <summary>What an operator needs to know about one configured source: its state and why, for <c>sources</c> and <c>GET /sources</c>.</summary>
/// <param name="State"><c>disabled</c>, <c>never</c> (not polled yet), <c>failing</c>, <c>stale</c> or <c>ok</c>.</param>
/// <param name="Note">The last error, or why the source is stale; null when there is nothing to say.</param>
/// <param name="PausedUntil">When scheduled polls resume after failures, if that is still ahead.</param>
public sealed record SourceStatus(SourceDefinition Source, SourceHealth? Health, string State, string? Note, DateTimeOffset? PausedUntil)
{
    /// <summary>The status of <paramref name="source"/> given its stored health, its kind's cadence and the time now.</summary>
    public static SourceStatus Of(SourceDefinition source, SourceHealth? health, ISourceKind? kind, DateTimeOffset now)
    {
        var paused = health?.PausedUntil is { } until && until > now ? until : (DateTimeOffset?)null;
        if (!source.Enabled) return new(source, health, "disabled", health?.LastError, paused);
        if (health is null) return new(source, null, "never", null, null);
        if (health.ConsecutiveFailures > 0) return new(source, health, "failing", health.LastError, paused);
        // A mirror that answers 200 with nothing new for longer than its cadence has probably lost its login.
        if (kind?.StaleAfter(source) is { } staleAfter && health.IsStale(staleAfter, now))
            return new(source, health, "stale",
                $"no new entry since {Time(health.LastNewEntry ?? health.FirstPoll)} (expected within {staleAfter.TotalDays:0.#}d; check the mirror's login)", paused);
        return new(source, health, "ok", null, paused);
    }

    /// <summary>An instant as the operator's views print it, or <c>-</c>.</summary>
    public static string Time(DateTimeOffset? value) => value is { } v ? v.ToString("yyyy-MM-dd HH:mm:ss'Z'") : "-";
}
