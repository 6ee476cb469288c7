using EmbeddedAiReport.Sources;

namespace EmbeddedAiReport.Fetching;

/// <summary>What one HTTP fetch gave: a body, "not modified", or a categorized failure.</summary>
public abstract record FetchOutcome
{
    private FetchOutcome() { }

    /// <summary>A 2xx body within the size cap, with the validators to send next time.</summary>
    public sealed record Fetched(FetchedDocument Document, int Status, HttpValidators Validators, ResponseHeaders? Headers = null) : FetchOutcome
    {
        /// <summary>
        /// The rented buffer the document's body lies in, when the request asked for a pooled body (<see cref="FetchRequest.PooledBody"/>);
        /// the caller disposes it once it has read the body, and the body is not read after that.
        /// </summary>
        public BodyLease? Lease { get; init; }
    }

    /// <summary>A 304: the stored validators still hold; nothing to parse.</summary>
    public sealed record NotModified(HttpValidators Validators, ResponseHeaders? Headers = null) : FetchOutcome;

    /// <summary>A non-success status; <paramref name="RetryAfter"/> is the server's requested wait, if any.</summary>
    /// <param name="Body">The start of the body, when the request asked for it (<see cref="FetchRequest.MaxErrorBytes"/>); else null.</param>
    public sealed record HttpFailure(int Status, TimeSpan? RetryAfter, string Reason, ResponseHeaders? Headers = null, byte[]? Body = null) : FetchOutcome
    {
        /// <summary>The request judged this failure not worth another attempt whatever its status (<see cref="FetchRequest.Permanent"/>).</summary>
        public bool Permanent { get; init; }
    }

    /// <summary>
    /// The redirects that led to this answer began with permanent ones (301, 308): the last address they named, and the
    /// first one's status. Null when the address answered itself or the first redirect was temporary.
    /// </summary>
    public PermanentRedirect? Moved { get; init; }

    /// <summary>The response headers, when there was a response (rate-limit headers of an API, for example).</summary>
    public ResponseHeaders? ResponseHeaders => this switch
    {
        Fetched f => f.Headers,
        NotModified n => n.Headers,
        HttpFailure h => h.Headers,
        _ => null,
    };

    /// <summary>The body passed the size cap (declared or while streaming) and was abandoned.</summary>
    public sealed record TooLarge(long Limit) : FetchOutcome;

    /// <summary>No answer: DNS, connection, TLS, reset or timeout.</summary>
    /// <param name="CircuitOpen">True when no request was sent: the host's circuit breaker is open after its failures.</param>
    public sealed record Unreachable(string Reason, bool CircuitOpen = false) : FetchOutcome;

    /// <summary>The address was refused before any request (scheme, private network).</summary>
    /// <param name="PrivateNetwork">The SSRF guard refused a loopback or private address (the source lacks <c>allowPrivateNetwork</c>).</param>
    public sealed record Refused(string Reason, bool PrivateNetwork = false) : FetchOutcome;

    /// <summary>A one-line description for logs and source health.</summary>
    public string Describe() => this switch
    {
        Fetched f => $"HTTP {f.Status}, {f.Document.Body.Length} bytes",
        NotModified => "HTTP 304 not modified",
        HttpFailure h => h.RetryAfter is { } wait
            ? $"HTTP {h.Status} {h.Reason} (retry after {wait.TotalSeconds:0}s; {Hint(h.Status)})"
            : $"HTTP {h.Status} {h.Reason} ({Hint(h.Status)})",
        TooLarge t => $"response larger than the {t.Limit} byte cap (raise maxBytes if the source is legitimate)",
        Unreachable u => $"unreachable: {u.Reason}",
        Refused r => $"refused: {r.Reason}",
        _ => GetType().Name,
    };

    /// <summary>
    /// <see cref="Describe"/> without the hint of what to do about a feed's failing status (its pause, its schedule, its URL):
    /// for an article page, which is no source of the operator's and is not polled.
    /// </summary>
    public string DescribeWithoutHint() => this is HttpFailure h
        ? h.RetryAfter is { } wait ? $"HTTP {h.Status} {h.Reason} (retry after {wait.TotalSeconds:0}s)" : $"HTTP {h.Status} {h.Reason}"
        : Describe();

    // What an operator can do about a status; the poller pauses failing sources, so transient ones need nothing.
    private static string Hint(int status) => status switch
    {
        >= 300 and < 400 => "check the URL and use the address it finally redirects to",
        401 or 403 => "access refused: the site may block bots or need a login; open the URL in a browser",
        404 or 410 => "check the URL: the feed may have moved or been removed",
        408 or 429 => "rate limited or slow: the source is paused and polled again later; lengthen its schedule if this repeats",
        >= 500 => "server error: the source is paused and polled again later",
        _ => "check the URL",
    };
}

/// <summary>Where a chain of permanent redirects (301, 308) led, and the status of its first hop.</summary>
public sealed record PermanentRedirect(Uri Target, int Status);
