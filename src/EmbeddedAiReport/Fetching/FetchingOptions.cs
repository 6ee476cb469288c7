using EmbeddedAiReport.Sources;

namespace EmbeddedAiReport.Fetching;

/// <summary>HTTP settings shared by all sources (section <c>Fetching</c> of appsettings.json).</summary>
public sealed class FetchingOptions
{
    /// <value>User-Agent sent with every request. Default: <c>EmbeddedAiReport/1.0</c> followed by the contact.</value>
    public string UserAgent { get; set; } = "EmbeddedAiReport/1.0";

    /// <value>Contact (mail or URL) appended to the User-Agent, as arXiv asks of API clients. Default: empty.</value>
    public string Contact { get; set; } = "";

    /// <value>Time allowed for one request, headers and body. Default: 30 s.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <value>Largest (decompressed) body accepted. Default: 10 MiB.</value>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <value>Retries of one request after a transient failure (408, 429, 5xx, connection error, timeout). Default: 2.</value>
    public int Retries { get; set; } = 2;

    /// <value>First retry delay; it doubles each retry, with jitter. Default: 2 s.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <value>
    /// Longest Retry-After waited inside one poll. A server asking for longer is not retried now: the source is paused
    /// until then instead. Default: 60 s.
    /// </value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <value>Time allowed for one request including its retries and waits. Default: 3 min.</value>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <value>
    /// Time one poll of one source may take, every request, retry, Retry-After and politeness wait included; a source's
    /// <c>budget</c> overrides it, and <c>timeout</c> still caps each attempt. <c>poll</c> also ends a whole run by then.
    /// Default: 60 s.
    /// </value>
    public TimeSpan PollBudget { get; set; } = TimeSpan.FromSeconds(60);

    /// <value>Transient failures in a row (across sources) that open a host's circuit. Default: 5.</value>
    public int CircuitBreakerFailures { get; set; } = 5;

    /// <value>How long an open circuit refuses requests to the host before trying again. Default: 5 min.</value>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <value>First pause of a source after a failed poll; it doubles with each failure in a row. Default: 5 min.</value>
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <value>Longest pause of a failing source. Default: 1 day.</value>
    public TimeSpan MaxFailureBackoff { get; set; } = TimeSpan.FromDays(1);

    /// <value>Redirects followed before giving up. Default: 5.</value>
    public int MaxRedirects { get; set; } = 5;

    /// <value>How many sources a <c>poll --all</c> fetches at once. Default: 4.</value>
    public int MaxParallelSources { get; set; } = 4;

    /// <value>
    /// Minimum gap between requests per host, by domain; the domain covers its subdomains, so every
    /// *.arxiv.org host shares one gate. Default: arxiv.org 3 s, mp.weixin.qq.com 5 s.
    /// </value>
    public Dictionary<string, TimeSpan> HostDelays { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["arxiv.org"] = TimeSpan.FromSeconds(3),
        ["mp.weixin.qq.com"] = TimeSpan.FromSeconds(5),
    };

    /// <summary>The full User-Agent header value.</summary>
    public string UserAgentHeader => string.IsNullOrWhiteSpace(Contact) ? UserAgent : $"{UserAgent} (+{Contact})";

    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);

    /// <summary>Every problem with these settings, each naming its field.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(UserAgent)) yield return "Fetching:UserAgent: must not be empty";
        if (Timeout <= TimeSpan.Zero) yield return $"Fetching:Timeout: must be positive, got {Duration.Format(Timeout)}";
        if (MaxBytes <= 0) yield return $"Fetching:MaxBytes: must be positive, got {MaxBytes}";
        if (MaxRedirects is < 0 or > 20) yield return $"Fetching:MaxRedirects: must be 0..20, got {MaxRedirects}";
        if (Retries is < 0 or > 10) yield return $"Fetching:Retries: must be 0..10, got {Retries}";
        // Polly's retry and circuit breaker refuse these beyond their ranges, and the timers of waits beyond ~49 days: each
        // such value made every poll an "internal error" on a config validate had passed.
        if (RetryBaseDelay < TimeSpan.Zero) yield return "Fetching:RetryBaseDelay: must not be negative";
        else if (RetryBaseDelay > OneDay) yield return $"Fetching:RetryBaseDelay: must be at most 1 day, got {Duration.Format(RetryBaseDelay)}";
        if (MaxRetryAfter < TimeSpan.Zero) yield return "Fetching:MaxRetryAfter: must not be negative";
        if (PollBudget <= TimeSpan.Zero) yield return $"Fetching:PollBudget: must be positive, got {Duration.Format(PollBudget)}";
        else if (PollBudget > OneDay) yield return $"Fetching:PollBudget: must be at most 1 day, got {Duration.Format(PollBudget)}";
        if (TotalTimeout < Timeout) yield return $"Fetching:TotalTimeout: must be at least Fetching:Timeout ({Duration.Format(Timeout)})";
        // Polly's timeout strategy accepts at most one day; a longer value would fail every fetch instead of starting.
        if (TotalTimeout > TimeSpan.FromDays(1)) yield return $"Fetching:TotalTimeout: must be at most 1 day, got {Duration.Format(TotalTimeout)}";
        if (CircuitBreakerFailures < 2) yield return $"Fetching:CircuitBreakerFailures: must be at least 2, got {CircuitBreakerFailures}";
        if (CircuitBreakDuration < TimeSpan.FromSeconds(0.5) || CircuitBreakDuration > OneDay)
            yield return $"Fetching:CircuitBreakDuration: must be from 0.5 s to 1 day, got {Duration.Format(CircuitBreakDuration)}";
        if (FailureBackoff < TimeSpan.Zero || MaxFailureBackoff < FailureBackoff) yield return "Fetching:FailureBackoff/MaxFailureBackoff: 0 ≤ FailureBackoff ≤ MaxFailureBackoff";
        if (MaxParallelSources is < 1 or > 64) yield return $"Fetching:MaxParallelSources: must be 1..64, got {MaxParallelSources}";
        foreach (var (host, delay) in HostDelays)
            if (delay < TimeSpan.Zero || delay > OneDay) yield return $"Fetching:HostDelays:{host}: must be from 0 to 1 day, got {Duration.Format(delay)}";
    }
}
