using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EmbeddedAiReport.Ingest;

/// <summary>The poll counters and the duration histogram (meter <see cref="MeterName"/>), which the daemon exports at <c>/metrics</c>.</summary>
/// <remarks>
/// Instrument names are dotted here; the Prometheus exporter writes them with underscores, units and <c>_total</c>.
/// <para>
/// A source removed from sources.json loses its series (<see cref="Keep"/>), as a removed target's do in Prometheus. The
/// exporter keeps every series a synchronous instrument ever recorded, so the counters are observed from totals kept here
/// (only what is reported is exported); a histogram cannot be observed, so the duration histogram is made anew on its own
/// meter when a source that has one goes: the remaining sources' histograms then restart from zero, a counter reset
/// Prometheus' <c>rate</c> and <c>histogram_quantile</c> handle. A poll of a removed source that was still running at the
/// reload is not counted when it ends: it would bring the series back until the next restart.
/// </para>
/// </remarks>
public sealed class PollMetrics : IDisposable
{
    public const string MeterName = "EmbeddedAiReport";

    private const string DurationName = "eair.poll.duration";

    private readonly IMeterFactory _meters;
    private readonly ConcurrentDictionary<(string Source, string Outcome), long> _polls = new();
    private readonly ConcurrentDictionary<(string Source, string Change), long> _entries = new();
    private readonly Lock _lock = new();
    private readonly HashSet<string> _timed = new(StringComparer.Ordinal);
    // The sources sources.json configures since the last reload; null until one: every source polled is counted.
    private HashSet<string>? _configured;
    private Meter _durationMeter;
    private Histogram<double> _duration;

    public PollMetrics(IMeterFactory meters)
    {
        _meters = meters;
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("eair.polls", () => Observe(_polls, "outcome"), description: "Polls per source and outcome (ok, not_modified, failed)");
        meter.CreateObservableCounter("eair.entries", () => Observe(_entries, "change"), description: "Entries stored per source, new or updated");
        (_durationMeter, _duration) = CreateDuration();
    }

    /// <summary>Counts one finished poll, unless its source is no longer configured (<see cref="Keep"/>).</summary>
    public void Record(PollResult result)
    {
        var outcome = result.Failed ? "failed" : result.NotModified ? "not_modified" : "ok";
        // Under the lock Keep drops series under, so a poll ending during a reload is counted before its series go or not at all.
        lock (_lock)
        {
            if (_configured is { } configured && !configured.Contains(result.SourceId)) return;
            _polls.AddOrUpdate((result.SourceId, outcome), 1, (_, count) => count + 1);
            if (result.New > 0) _entries.AddOrUpdate((result.SourceId, "new"), result.New, (_, count) => count + result.New);
            if (result.Updated > 0) _entries.AddOrUpdate((result.SourceId, "updated"), result.Updated, (_, count) => count + result.Updated);
            _timed.Add(result.SourceId);
            _duration.Record(result.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("source", result.SourceId));
        }
    }

    /// <summary>
    /// Drops the series of every source but <paramref name="sourceIds"/> (those sources.json configures now), and from now on
    /// counts polls of those sources only.
    /// </summary>
    public void Keep(IEnumerable<string> sourceIds)
    {
        var kept = sourceIds.ToHashSet(StringComparer.Ordinal);
        lock (_lock)
        {
            _configured = kept;
            foreach (var key in _polls.Keys.Where(k => !kept.Contains(k.Source))) _polls.TryRemove(key, out _);
            foreach (var key in _entries.Keys.Where(k => !kept.Contains(k.Source))) _entries.TryRemove(key, out _);
            if (_timed.All(kept.Contains)) return;
            _durationMeter.Dispose();   // its histogram's series go at the next collection
            _timed.Clear();
            (_durationMeter, _duration) = CreateDuration();
        }
    }

    public void Dispose()
    {
        lock (_lock) _durationMeter.Dispose();
    }

    // A meter of its own (the factory's are disposed only with it), in the factory's scope, which the daemon exports.
    private (Meter, Histogram<double>) CreateDuration()
    {
        var meter = new Meter(new MeterOptions(MeterName) { Scope = _meters });
        return (meter, meter.CreateHistogram<double>(DurationName, unit: "s", description: "Time one poll of one source took",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] }));
    }

    private static IEnumerable<Measurement<long>> Observe(ConcurrentDictionary<(string Source, string Label), long> counts, string label) =>
        counts.Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>("source", c.Key.Source), new KeyValuePair<string, object?>(label, c.Key.Label)));
}
