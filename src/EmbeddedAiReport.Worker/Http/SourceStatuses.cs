using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Worker.Jobs;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>The status of every configured source, as <c>/sources</c>, <c>/healthz</c>, <c>/metrics</c> and <c>sources</c> show it.</summary>
/// <remarks>
/// Only sources (and accounts, repos) in sources.json now are listed: a removed one's stored health stays in the database
/// (history), unshown and uncounted. The next poll comes from the persistent job store, so the <c>sources</c> command
/// shows it too while the daemon runs elsewhere; for a paused source it is the first firing at or after the pause's end.
/// </remarks>
internal sealed class SourceStatuses(SourceStore store, SchedulerTables schedules, SourceCatalog catalog, LoadedConfig config, TimeProvider timeProvider)
{
    public async Task<IReadOnlyList<SourceStatus>> LoadAsync(CancellationToken cancellationToken)
    {
        var health = (await store.ListHealthAsync(cancellationToken)).ToDictionary(h => h.Id);
        var next = await schedules.NextFireTimesAsync(SourceScheduler.SourcesGroup, cancellationToken);
        var now = timeProvider.GetUtcNow();
        var zone = config.Draft.Zone();
        return config.Current.Sources
            .Select(s => SourceStatus.Of(s, health.GetValueOrDefault(s.Id), catalog.Kinds.GetValueOrDefault(s.Kind), now, zone))
            .Select(status => status with { NextPoll = NextPoll(status, next.GetValueOrDefault(status.Source.Id), zone) })
            .Select(status => Unscheduled(status, next, now, zone) ? status with { Note = status.Note is { } said ? $"{said}; {NotScheduled}" : NotScheduled } : status)
            .ToList();
    }

    /// <summary>The note of an enabled source the job store has no trigger for while it has others'.</summary>
    internal const string NotScheduled =
        "not scheduled in the database: its schedules come from a sources.json without this source; a daemon's start or reload with this file adds it";

    // The schedules in the database are those of the last daemon that applied its sources.json (at start or reload): with
    // several daemons on PostgreSQL, another daemon's copy without this source; with one, a daemon that has not loaded this
    // file. An empty job store (no daemon has run yet) says nothing, nor does a cron with no time left (the daemon says it).
    private static bool Unscheduled(SourceStatus status, IReadOnlyDictionary<string, DateTimeOffset> next, DateTimeOffset now, TimeZoneInfo zone) =>
        status.Source.Enabled && next.Count > 0 && !next.ContainsKey(status.Source.Id) && !Schedules.NeverFires(status.Source.Schedule, now, zone);

    // The next firing that polls: a paused source's firings before its pause ends are skipped.
    private static DateTimeOffset? NextPoll(SourceStatus status, DateTimeOffset next, TimeZoneInfo zone)
    {
        if (!status.Source.Enabled || next == default) return null;
        return status.PausedUntil is { } until ? Schedules.FirstFiringFrom(status.Source.Schedule, next, until, zone) : next;
    }

    /// <summary>The health of each request a source with several (accounts, repos) is configured to make, by label.</summary>
    /// <remarks>
    /// An account or repo removed from sources.json keeps its stored row (its history) but is not shown: the poller no
    /// longer tracks it (as it tracks no request of a source left with one), so its last error would never clear.
    /// </remarks>
    public async Task<IReadOnlyDictionary<string, RequestHealth>> RequestsAsync(SourceDefinition source, CancellationToken cancellationToken)
    {
        var labels = catalog.Kinds.GetValueOrDefault(source.Kind)?.Requests(source).Select(r => r.Label).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (labels is not { Count: > 1 }) return new Dictionary<string, RequestHealth>();
        var stored = await store.GetRequestHealthAsync(source.Id, cancellationToken);
        return stored.Where(r => labels.Contains(r.Key)).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
    }
}
