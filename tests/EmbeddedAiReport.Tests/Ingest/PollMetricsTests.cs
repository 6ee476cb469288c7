using System.Diagnostics.Metrics;
using EmbeddedAiReport.Ingest;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Ingest;

/// <summary>The <c>/metrics</c> series of polls (README, Metrics): a source removed from sources.json loses them at the reload.</summary>
public sealed class PollMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Record_PollOfARemovedSourceEndingAfterTheReload_IsNotCountedAndBringsNoSeriesBack()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        using var metrics = new PollMetrics(meters);
        metrics.Record(Result("kept"));
        metrics.Record(Result("removed"));

        // The reload drops "removed" while a poll of it is still running; that poll ends afterwards.
        metrics.Keep(["kept"]);
        var seen = new List<(string Instrument, string Source)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PollMetrics.MeterName && instrument.Meter.Scope == meters) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => seen.Add((instrument.Name, Source(tags))));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => seen.Add((instrument.Name, Source(tags))));
        listener.Start();
        metrics.Record(Result("removed"));
        metrics.Record(Result("kept"));
        listener.RecordObservableInstruments();

        Assert.Equal(["kept"], seen.Select(s => s.Source).Distinct());
        Assert.Equal(["eair.entries", "eair.poll.duration", "eair.polls"], seen.Select(s => s.Instrument).Distinct().Order());
    }

    [Fact]
    public void Record_SourceAddedAtTheReload_IsCounted()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        using var metrics = new PollMetrics(meters);
        metrics.Keep(["kept", "fresh"]);
        var polls = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "eair.polls" && instrument.Meter.Scope == meters) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => polls[Source(tags)] = value);
        listener.Start();

        metrics.Record(Result("fresh"));
        listener.RecordObservableInstruments();

        Assert.Equal(new Dictionary<string, long> { ["fresh"] = 1 }, polls);
    }

    private static PollResult Result(string source) => new(source, 3, 2, 1, false, null, TimeSpan.FromSeconds(1.5));

    private static string Source(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
            if (tag.Key == "source") return (string)tag.Value!;
        return "";
    }
}
