namespace EmbeddedAiReport.Sources;

/// <summary>The body and headers of one successful fetch.</summary>
/// <param name="Body">The (decompressed) response body, within the size cap.</param>
/// <param name="ContentType">Media type without parameters, lower case, or null.</param>
/// <param name="Charset">The charset parameter of Content-Type, or null.</param>
/// <param name="FinalUri">The address after redirects.</param>
/// <param name="Received">When the body was read (the injected clock): "now" for parsers (a date in the future, the last N days).</param>
/// <param name="Headers">The response headers (an API's <c>Link</c> to its next page), when there was a response.</param>
public sealed record FetchedDocument(byte[] Body, string? ContentType, string? Charset, Uri FinalUri, DateTimeOffset Received,
    Fetching.ResponseHeaders? Headers = null);
