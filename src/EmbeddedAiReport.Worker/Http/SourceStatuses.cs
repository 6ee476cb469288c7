using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Worker.Jobs;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>The status of every configured source, as <c>/sources</c>, <c>/healthz</c>, <c>/metrics</c> and <c>sources</c> show it.</summary>
/// <remarks>The next poll comes from the persistent job store, so the <c>sources</c> command shows it too while the daemon runs elsewhere.</remarks>
internal sealed class SourceStatuses(SourceStore store, SchedulerTables schedules, SourceCatalog catalog, LoadedConfig config, TimeProvider timeProvider)
{
    public async Task<IReadOnlyList<SourceStatus>> LoadAsync(CancellationToken cancellationToken)
    {
        var health = (await store.ListHealthAsync(cancellationToken)).ToDictionary(h => h.Id);
        var next = await schedules.NextFireTimesAsync(SourceScheduler.SourcesGroup, cancellationToken);
        var now = timeProvider.GetUtcNow();
        var zone = config.Draft.Zone();
        return config.Current.Sources
            .Select(s => SourceStatus.Of(s, health.GetValueOrDefault(s.Id), catalog.Kinds.GetValueOrDefault(s.Kind), now, zone) with
            {
                NextPoll = s.Enabled ? next.GetValueOrDefault(s.Id) is { } at && at != default ? at : null : null,
            })
            .ToList();
    }

    /// <summary>The health of each request of a source with several (accounts, repos), by label.</summary>
    public Task<IReadOnlyDictionary<string, RequestHealth>> RequestsAsync(string sourceId, CancellationToken cancellationToken) =>
        store.GetRequestHealthAsync(sourceId, cancellationToken);
}
