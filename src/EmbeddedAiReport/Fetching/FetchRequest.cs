namespace EmbeddedAiReport.Fetching;

/// <summary>One request to make: the address, the validators from last time, and the source's limits; a GET unless it has a body.</summary>
/// <param name="Timeout">Per-request limit; null: <see cref="FetchingOptions.Timeout"/>.</param>
/// <param name="MaxBytes">Body cap; null: <see cref="FetchingOptions.MaxBytes"/>.</param>
/// <param name="PolitenessDelay">The source's own minimum gap to its host; the configured host gap wins when larger.</param>
/// <param name="Body">A body to POST (an API call), or null for a GET. A POST is never redirected.</param>
/// <param name="BodyType">The body's Content-Type.</param>
/// <param name="CircuitKey">The resilience pipeline (circuit breaker) to use; null: the host's.</param>
public sealed record FetchRequest(
    Uri Uri,
    HttpValidators Validators,
    TimeSpan? Timeout = null,
    long? MaxBytes = null,
    bool AllowPrivateNetwork = false,
    TimeSpan? PolitenessDelay = null,
    IReadOnlyDictionary<string, string>? Headers = null,
    byte[]? Body = null,
    string? BodyType = null,
    string? CircuitKey = null);
