using System.Diagnostics.Metrics;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using EmbeddedAiReport.Worker.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// <c>eair_draft_items</c> (README, Metrics) counts the current week's draft without building it at every scrape: only when
/// something was written since the last one, by this process or another.
/// </summary>
public sealed class DraftGaugeTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Now = new(2020, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly TestServices _seeding = new(Now);
    private readonly TempDirectory _directory = new();
    private CommandServices? _app;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        _seeding.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Refresh_NothingWrittenSinceTheLastScrape_CountsTheSameDraftWithoutBuildingItAgain_AWriteOfAnotherConnectionIsCountedAtTheNext()
    {
        await EntrySeeder.SeedAsync(_seeding, "s",
            EntrySeeder.Entry("arxiv:2011.00001", "INT8 quantization of MobileNet on an NPU", "papers", Now.AddDays(-1), score: 0.99),
            EntrySeeder.Entry("arxiv:2011.00002", "Structured pruning of ResNet for microcontrollers", "papers", Now.AddDays(-1), score: 0.99),
            EntrySeeder.Entry("gh:acme/tinyrt@v1.0", "acme/tinyrt: v1.0", "opensource", Now.AddDays(-1), score: 0.99));
        _app = WorkerHost.BuildCommand(WorkerHost.LoadConfig(_directory.ConfigWithSources("""{"sources": []}"""), _seeding.DatabasePath),
            services => services.AddSingleton<TimeProvider>(_seeding.Clock));
        await using var gauges = ActivatorUtilities.CreateInstance<ReportGauges>(_app.Services);

        var first = await ScrapeAsync(gauges);
        var second = await ScrapeAsync(gauges);
        var builtBeforeTheWrite = gauges.DraftsBuilt;
        var rejected = (await _seeding.Get<EntryStore>().ListWindowAsync(Now.AddDays(-7), Now, CancellationToken.None)).Single(e => e.CanonicalKey == "arxiv:2011.00002");
        await _seeding.Get<EntryStore>().SetStatusAsync([rejected.Id], "rejected", CancellationToken.None);   // README: rejected entries never appear
        var third = await ScrapeAsync(gauges);

        Assert.Equal((2, 1), (first["papers"], first["opensource"]));
        Assert.Equal(first, second);
        Assert.Equal(1, builtBeforeTheWrite);
        Assert.Equal((1, 1), (third["papers"], third["opensource"]));
        Assert.Equal(2, gauges.DraftsBuilt);
    }

    // What a scrape reads: the gauges refreshed, then eair.draft.items observed (by section).
    private async Task<Dictionary<string, long>> ScrapeAsync(ReportGauges gauges)
    {
        await gauges.RefreshAsync(CancellationToken.None);
        var items = new Dictionary<string, long>();
        var meters = _app!.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "eair.draft.items" && instrument.Meter.Scope == meters) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => items[(string)tags.ToArray().Single(t => t.Key == "section").Value!] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return items;
    }
}
