using System.Data.Common;
using System.Diagnostics.Metrics;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>
/// The gauges of <c>/metrics</c> that describe state rather than events: last success per source, sources per state, draft
/// items per section of the current week, database size. <see cref="RefreshAsync"/> reads them before each scrape.
/// </summary>
/// <remarks>
/// The draft's items are counted from the week's draft, built again only when the week, the relevance model or the data
/// changed since the last scrape (<see cref="ReportDatabase.ChangeStampAsync"/>): on SQLite a scraper every 15 s costs a
/// cheap query, not a draft each time. On PostgreSQL, which offers no such stamp, the draft is built at every scrape.
/// </remarks>
internal sealed class ReportGauges : IAsyncDisposable
{
    private readonly SourceStatuses _statuses;
    private readonly DraftExporter _drafts;
    private readonly ReportDatabase _database;
    private readonly LoadedConfig _config;
    private readonly TimeProvider _timeProvider;
    private readonly IOptionsMonitor<TaggingModel> _models;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile Snapshot _snapshot = new([], [], [], 0);
    private DbConnection? _stampConnection;   // data_version compares only on one connection
    private DraftCount? _draftCount;

    public ReportGauges(IMeterFactory meters, SourceStatuses statuses, DraftExporter drafts, ReportDatabase database, LoadedConfig config, TimeProvider timeProvider,
        IOptionsMonitor<TaggingModel> models)
    {
        (_statuses, _drafts, _database, _config, _timeProvider, _models) = (statuses, drafts, database, config, timeProvider, models);
        var meter = meters.Create(PollMetrics.MeterName);
        meter.CreateObservableGauge("eair.source.last_success_timestamp", () => _snapshot.LastSuccess, unit: "s",
            description: "When each source last polled successfully (Unix time)");
        meter.CreateObservableGauge("eair.sources", () => _snapshot.States, description: "Configured sources per state (ok, warning, failing, stale, never, disabled)");
        meter.CreateObservableGauge("eair.draft.items", () => _snapshot.DraftItems, description: "Items per section in the current week's draft");
        // Nothing else a scraper sees changes when an operator's edit is refused (the log says why, event 4103): the daemon runs
        // on as before, so an alert needs this.
        meter.CreateObservableGauge("eair.config.rejected_files", () => (long)_config.RejectedFiles.Count,
            description: "Config files whose last edit the daemon refused (their problems are in the log); it runs their last good content");
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
            var items = await DraftItemsAsync(cancellationToken);
            var bytes = await _database.SizeAsync(cancellationToken);
            _snapshot = new Snapshot(lastSuccess, states, items, bytes);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>How many times the week's draft was built for the gauges (for tests).</summary>
    internal int DraftsBuilt { get; private set; }

    public async ValueTask DisposeAsync()
    {
        if (_stampConnection is not null) await _stampConnection.DisposeAsync();
    }

    // The items per section of the current week's draft: the last count while the week, the model and the data are the same.
    private async Task<IReadOnlyList<Measurement<long>>> DraftItemsAsync(CancellationToken cancellationToken)
    {
        var zone = _config.Draft.Zone();
        var window = DraftWindow.Of(EditorialWeek.Containing(_timeProvider.GetUtcNow(), zone), zone);
        var model = _models.CurrentValue;
        var stamp = await ChangeStampAsync(cancellationToken);
        if (stamp is not null && _draftCount is { } last && last.Window == window && ReferenceEquals(last.Model, model) && last.Stamp == stamp) return last.Items;
        var draft = await _drafts.BuildAsync(window, cancellationToken);
        DraftsBuilt++;
        var items = draft.Sections.Select(s => new Measurement<long>(s.Items.Count, Tag("section", s.Slug))).ToList();
        _draftCount = new DraftCount(window, model, stamp, items);
        return items;
    }

    // Read before the draft: a change committed while it is built makes the next scrape build it again.
    // Null (PostgreSQL): no stamp worth keeping a count for, the draft is built at every scrape.
    private async Task<string?> ChangeStampAsync(CancellationToken cancellationToken)
    {
        if (!_database.HasChangeStamp) return null;
        try
        {
            _stampConnection ??= await _database.OpenAsync(cancellationToken);
            return await _database.ChangeStampAsync(_stampConnection, cancellationToken);
        }
        catch
        {
            // A failed or replaced database: the next scrape starts over on a new connection, and builds the draft.
            if (_stampConnection is not null) await _stampConnection.DisposeAsync();
            _stampConnection = null;
            _draftCount = null;
            throw;
        }
    }

    private sealed record DraftCount(DraftWindow Window, TaggingModel Model, string? Stamp, IReadOnlyList<Measurement<long>> Items);

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

    private sealed record Snapshot(IReadOnlyList<Measurement<double>> LastSuccess, IReadOnlyList<Measurement<long>> States,
        IReadOnlyList<Measurement<long>> DraftItems, long DatabaseBytes);
}
