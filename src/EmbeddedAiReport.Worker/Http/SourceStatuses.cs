using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>The status of every configured source, as <c>/sources</c>, <c>/healthz</c>, <c>/metrics</c> and <c>sources</c> show it.</summary>
internal sealed class SourceStatuses(SourceStore store, SourceCatalog catalog, LoadedConfig config, TimeProvider timeProvider)
{
    public async Task<IReadOnlyList<SourceStatus>> LoadAsync(CancellationToken cancellationToken)
    {
        var health = (await store.ListHealthAsync(cancellationToken)).ToDictionary(h => h.Id);
        var now = timeProvider.GetUtcNow();
        return config.Current.Sources
            .Select(s => SourceStatus.Of(s, health.GetValueOrDefault(s.Id), catalog.Kinds.GetValueOrDefault(s.Kind), now))
            .ToList();
    }
}
