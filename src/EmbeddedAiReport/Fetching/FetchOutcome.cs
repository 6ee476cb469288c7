using EmbeddedAiReport.Sources;

namespace EmbeddedAiReport.Fetching;

/// <summary>What one HTTP fetch gave: a body, "not modified", or a categorized failure.</summary>
public abstract record FetchOutcome
{
    private FetchOutcome() { }

    /// <summary>A 2xx body within the size cap, with the validators to send next time.</summary>
    public sealed record Fetched(FetchedDocument Document, int Status, HttpValidators Validators, ResponseHeaders? Headers = null) : FetchOutcome;

    /// <summary>A 304: the stored validators still hold; nothing to parse.</summary>
    public sealed record NotModified(HttpValidators Validators, ResponseHeaders? Headers = null) : FetchOutcome;

    /// <summary>A non-success status; <paramref name="RetryAfter"/> is the server's requested wait, if any.</summary>
    public sealed record HttpFailure(int Status, TimeSpan? RetryAfter, string Reason, ResponseHeaders? Headers = null) : FetchOutcome;

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
    public sealed record Unreachable(string Reason) : FetchOutcome;

    /// <summary>The address was refused before any request (scheme, private network).</summary>
    public sealed record Refused(string Reason) : FetchOutcome;

    /// <summary>A one-line description for logs and source health.</summary>
    public string Describe() => this switch
    {
        Fetched f => $"HTTP {f.Status}, {f.Document.Body.Length} bytes",
        NotModified => "HTTP 304 not modified",
        HttpFailure h => h.RetryAfter is { } wait ? $"HTTP {h.Status} {h.Reason} (retry after {wait.TotalSeconds:0}s)" : $"HTTP {h.Status} {h.Reason}",
        TooLarge t => $"response larger than the {t.Limit} byte cap (raise maxBytes if the source is legitimate)",
        Unreachable u => $"unreachable: {u.Reason}",
        Refused r => $"refused: {r.Reason}",
        _ => GetType().Name,
    };
}

/// <summary>ETag and Last-Modified of a response, sent back as If-None-Match / If-Modified-Since.</summary>
public sealed record HttpValidators(string? ETag, string? LastModified)
{
    public static readonly HttpValidators None = new(null, null);
}
