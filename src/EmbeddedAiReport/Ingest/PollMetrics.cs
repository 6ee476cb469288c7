using System.Diagnostics.Metrics;

namespace EmbeddedAiReport.Ingest;

/// <summary>The poll counters and the duration histogram (meter <see cref="MeterName"/>), which the daemon exports at <c>/metrics</c>.</summary>
/// <remarks>Instrument names are dotted here; the Prometheus exporter writes them with underscores, units and <c>_total</c>.</remarks>
public sealed class PollMetrics
{
    public const string MeterName = "EmbeddedAiReport";

    private readonly Counter<long> _polls;
    private readonly Counter<long> _entries;
    private readonly Histogram<double> _duration;

    public PollMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _polls = meter.CreateCounter<long>("eair.polls", description: "Polls per source and outcome (ok, not_modified, failed)");
        _entries = meter.CreateCounter<long>("eair.entries", description: "Entries stored per source, new or updated");
        _duration = meter.CreateHistogram<double>("eair.poll.duration", unit: "s", description: "Time one poll of one source took",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
    }

    /// <summary>Counts one finished poll.</summary>
    public void Record(PollResult result)
    {
        var source = new KeyValuePair<string, object?>("source", result.SourceId);
        var outcome = result.Failed ? "failed" : result.NotModified ? "not_modified" : "ok";
        _polls.Add(1, source, new KeyValuePair<string, object?>("outcome", outcome));
        if (result.New > 0) _entries.Add(result.New, source, new KeyValuePair<string, object?>("change", "new"));
        if (result.Updated > 0) _entries.Add(result.Updated, source, new KeyValuePair<string, object?>("change", "updated"));
        _duration.Record(result.Elapsed.TotalSeconds, source);
    }
}
