using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Sources;

/// <summary>
/// Health per request for a source that makes several (the accounts of a WeChat mirror, the repos of a GitHub source):
/// a failing request pauses itself, and the source fails only when all of them do.
/// </summary>
/// <remarks>A source with one request keeps the source-level rules alone; this then only collects warnings.</remarks>
internal sealed class RequestTracker
{
    private readonly Dictionary<string, RequestHealth> _stored;
    private readonly bool _respectPauses;
    private readonly DateTimeOffset _due;
    private readonly TimeZoneInfo _zone;
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
    private readonly List<string> _paused = [];
    private readonly List<string> _warnings = [];
    private readonly int _labelled;
    private bool _sourceWide;

    private RequestTracker(IReadOnlyDictionary<string, RequestHealth> stored, int labelled, bool respectPauses, DateTimeOffset due, TimeZoneInfo zone)
    {
        _zone = zone;
        _stored = new(stored, StringComparer.Ordinal);
        _labelled = labelled;
        _respectPauses = respectPauses;
        _due = due;
    }

    /// <param name="due">When the poll's firing was due (else when the poll started): pauses are judged at it, and a failure's pause counts from it.</param>
    /// <param name="zone">The report's time zone, in which a pause's end is worded (as <c>sources</c> shows times).</param>
    public static async Task<RequestTracker> LoadAsync(SourceStore store, SourceDefinition source, IReadOnlyList<SourceRequest> requests,
        bool respectPauses, DateTimeOffset due, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var labelled = requests.Count(r => r.Label is not null);
        var stored = labelled > 1 ? await store.GetRequestHealthAsync(source.Id, cancellationToken) : new Dictionary<string, RequestHealth>();
        return new RequestTracker(stored, labelled, respectPauses, due, zone);
    }

    private bool PerRequest => _labelled > 1;

    /// <summary>True when a scheduled poll leaves <paramref name="request"/> alone: it is paused after failures of its own.</summary>
    public bool Skip(SourceRequest request)
    {
        if (!PerRequest || !_respectPauses || request.Label is not { } label) return false;
        if (_stored.GetValueOrDefault(label)?.PausedUntil is not { } until || until <= _due) return false;
        _paused.Add($"{label}: paused until {SourceStatus.Time(until, _zone)} after: {_stored[label].Error}");
        return true;
    }

    /// <summary>Records how <paramref name="request"/> went: the errors it added.</summary>
    public void Done(SourceRequest request, IEnumerable<string> errors)
    {
        if (request.Label is { } label) _errors[label] = errors.ToList();
    }

    /// <summary>Notes a failure of the whole source rather than of one request (an API rate limit held every request).</summary>
    public void SourceWide() => _sourceWide = true;

    /// <summary>Notes something wrong that did not fail the poll (a feed only partly read).</summary>
    public void Warn(string warning) => _warnings.Add(warning);

    /// <summary>The source's error (null unless every request failed), its warning, and each request's new health.</summary>
    /// <param name="answered">When the poll's answers were in: a Retry-After counts from it (<see cref="FailureBackoff.Until"/>).</param>
    public (string? Error, string? Warning, IReadOnlyList<RequestHealth> Requests) Summarize(IReadOnlyList<string> errors, TimeSpan? retryAfter,
        DateTimeOffset answered, FetchingOptions options)
    {
        var warnings = new List<string>(_warnings);
        if (!PerRequest || _sourceWide)
            return (errors.Count == 0 ? null : string.Join("; ", errors), warnings.Count == 0 ? null : string.Join("; ", warnings), []);

        var requests = new List<RequestHealth>();
        var failed = new List<string>();
        foreach (var (label, own) in _errors)
        {
            if (own.Count == 0)
            {
                requests.Add(new RequestHealth(label, null, 0, null));
                continue;
            }
            var failures = (_stored.GetValueOrDefault(label)?.ConsecutiveFailures ?? 0) + 1;
            var until = FailureBackoff.Until(_due, answered, failures, retryAfter, options);
            requests.Add(new RequestHealth(label, string.Join("; ", own), failures, until));
            failed.Add(string.Join("; ", own));
        }
        var succeeded = requests.Count(r => r.Error is null);
        // Every request failed (or was paused): the source is failing. Otherwise the failing ones are a warning.
        var error = succeeded == 0 && (failed.Count > 0 || _paused.Count > 0) ? Said(failed.Concat(_paused)) : null;
        if (error is null && failed.Count + _paused.Count > 0)
            warnings.Insert(0, $"{failed.Count + _paused.Count} of {_labelled} requests failing: {Said(failed.Concat(_paused))}");
        var errorsOutsideRequests = errors.Count > 0 && _errors.Count == 0 ? string.Join("; ", errors) : null;
        return (error ?? errorsOutsideRequests, warnings.Count == 0 ? null : string.Join("; ", warnings), requests);
    }

    // Requests that failed alike are said once, counted, as a refused host is (SourceReader): on a host that is down, every
    // repo after the first few gets the circuit's refusal, which quotes the failure that opened it, and the line repeated it
    // once per repo. Each request's own line stays whole in its health.
    private static string Said(IEnumerable<string> lines) =>
        string.Join("; ", lines.Select(Cause).GroupBy(l => l.Cause, StringComparer.Ordinal)
            .Select(g => g.Count() == 1 ? g.First().Line : $"{g.First().Address} and {g.Count() - 1} more request(s): {g.Key}"));

    // A line is "ADDRESS: cause" (or "LABEL: paused until …"); an absolute URI holds no ": " (a space is %20), so the first one ends it.
    private static (string Line, string Address, string Cause) Cause(string line)
    {
        var end = line.IndexOf(": ", StringComparison.Ordinal);
        return end < 0 ? (line, line, line) : (line, line[..end], line[(end + 2)..]);
    }
}
