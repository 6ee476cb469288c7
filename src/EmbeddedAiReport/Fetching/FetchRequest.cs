namespace EmbeddedAiReport.Fetching;

/// <summary>One GET to make: the address, the validators from last time, and the source's limits.</summary>
/// <param name="Timeout">Per-request limit; null: <see cref="FetchingOptions.Timeout"/>.</param>
/// <param name="MaxBytes">Body cap; null: <see cref="FetchingOptions.MaxBytes"/>.</param>
/// <param name="PolitenessDelay">The source's own minimum gap to its host; the configured host gap wins when larger.</param>
public sealed record FetchRequest(
    Uri Uri,
    HttpValidators Validators,
    TimeSpan? Timeout = null,
    long? MaxBytes = null,
    bool AllowPrivateNetwork = false,
    TimeSpan? PolitenessDelay = null,
    IReadOnlyDictionary<string, string>? Headers = null);
