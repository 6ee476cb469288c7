using System.Runtime.InteropServices;

namespace EmbeddedAiReport.Sources;

/// <summary>The body and headers of one successful fetch.</summary>
/// <param name="Body">
/// The (decompressed) response body, within the size cap. When the request asked for a pooled body
/// (<see cref="Fetching.FetchRequest.PooledBody"/>) it lies in a rented buffer, valid until the outcome's
/// <see cref="Fetching.FetchOutcome.Fetched.Lease"/> is disposed: a parser reads it and keeps none of it.
/// </param>
/// <param name="ContentType">Media type without parameters, lower case, or null.</param>
/// <param name="Charset">The charset parameter of Content-Type, or null.</param>
/// <param name="FinalUri">The address after redirects.</param>
/// <param name="Received">When the body was read (the injected clock): "now" for parsers (a date in the future, the last N days).</param>
/// <param name="Headers">The response headers (an API's <c>Link</c> to its next page), when there was a response.</param>
public sealed record FetchedDocument(ReadOnlyMemory<byte> Body, string? ContentType, string? Charset, Uri FinalUri, DateTimeOffset Received,
    Fetching.ResponseHeaders? Headers = null)
{
    /// <summary>The body as a read-only stream over the same bytes (no copy).</summary>
    public MemoryStream OpenBody() => Open(Body);

    /// <summary>A read-only stream over <paramref name="bytes"/> (no copy when they lie in an array, as a fetched body does).</summary>
    internal static MemoryStream Open(ReadOnlyMemory<byte> bytes) => MemoryMarshal.TryGetArray(bytes, out var segment)
        ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
        : new MemoryStream(bytes.ToArray(), writable: false);
}
