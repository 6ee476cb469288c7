using System.Diagnostics.Metrics;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>
/// The gauges of <c>/metrics</c> that describe state rather than events: last success per source, sources per state, draft
/// items per section of the current week, database size. <see cref="RefreshAsync"/> reads them before each scrape.
/// </summary>
internal sealed class ReportGauges
{
    private readonly SourceStatuses _statuses;
    private readonly DraftExporter _drafts;
    private readonly ReportDatabase _database;
    private readonly LoadedConfig _config;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile Snapshot _snapshot = new([], [], [], 0);

    public ReportGauges(IMeterFactory meters, SourceStatuses statuses, DraftExporter drafts, ReportDatabase database, LoadedConfig config, TimeProvider timeProvider)
    {
        (_statuses, _drafts, _database, _config, _timeProvider) = (statuses, drafts, database, config, timeProvider);
        var meter = meters.Create(PollMetrics.MeterName);
        meter.CreateObservableGauge("eair.source.last_success_timestamp", () => _snapshot.LastSuccess, unit: "s",
            description: "When each source last polled successfully (Unix time)");
        meter.CreateObservableGauge("eair.sources", () => _snapshot.States, description: "Configured sources per state (ok, warning, failing, stale, never, disabled)");
        meter.CreateObservableGauge("eair.draft.items", () => _snapshot.DraftItems, description: "Items per section in the current week's draft");
        meter.CreateObservableGauge("eair.database.size", () => _snapshot.DatabaseBytes, unit: "By", description: "Size of the database: the SQLite file and its WAL, or the PostgreSQL database");
    }

    /// <summary>Reads the state the gauges show; one refresh runs at a time.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var statuses = await _statuses.LoadAsync(cancellationToken);
            var lastSuccess = statuses.Where(s => s.Health?.LastSuccess is not null)
                .Select(s => new Measurement<double>(s.Health!.LastSuccess!.Value.ToUnixTimeMilliseconds() / 1000.0, Tag("source", s.Source.Id)))
                .ToList();
            var states = statuses.GroupBy(s => s.State).Select(g => new Measurement<long>(g.Count(), Tag("state", g.Key))).ToList();
            var zone = _config.Draft.Zone();
            var draft = await _drafts.BuildAsync(DraftWindow.Of(EditorialWeek.Containing(_timeProvider.GetUtcNow(), zone), zone), cancellationToken);
            var items = draft.Sections.Select(s => new Measurement<long>(s.Items.Count, Tag("section", s.Slug))).ToList();
            var bytes = await _database.SizeAsync(cancellationToken);
            _snapshot = new Snapshot(lastSuccess, states, items, bytes);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

    private sealed record Snapshot(IReadOnlyList<Measurement<double>> LastSuccess, IReadOnlyList<Measurement<long>> States,
        IReadOnlyList<Measurement<long>> DraftItems, long DatabaseBytes);
}
