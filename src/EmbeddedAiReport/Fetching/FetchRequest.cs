namespace EmbeddedAiReport.Fetching;

/// <summary>One request to make: the address, the validators from last time, and the source's limits; a GET unless it has a body.</summary>
/// <param name="Timeout">Per-request limit; null: <see cref="FetchingOptions.Timeout"/>.</param>
/// <param name="MaxBytes">Body cap; null: <see cref="FetchingOptions.MaxBytes"/>.</param>
/// <param name="PolitenessDelay">The source's own minimum gap to its host; the configured host gap wins when larger.</param>
/// <param name="Headers">
/// Extra request headers (an API's Accept, a source's Authorization or Cookie); a <c>User-Agent</c> among them replaces
/// <see cref="FetchingOptions.UserAgent"/>. Sent only while redirects stay on the origin of <see cref="Uri"/> (see <see cref="SameOrigin"/>);
/// past a redirect to another, only those <see cref="CrossOrigin"/> names.
/// </param>
/// <param name="Body">A body to POST (an API call), or null for a GET. A POST is never redirected.</param>
/// <param name="BodyType">The body's Content-Type.</param>
/// <param name="CircuitKey">The resilience pipeline (circuit breaker) to use; null: the host's.</param>
/// <param name="MaxErrorBytes">Bytes of a failure's body kept in <see cref="FetchOutcome.HttpFailure.Body"/> (an API's error message); 0: none is read.</param>
/// <param name="Permanent">
/// Whether a failure (with its body, see <paramref name="MaxErrorBytes"/>) says that asking again cannot help although its status
/// is one retried (a model server's "request exceeds the available context size" sent as a 500): such a failure is neither
/// retried nor counted by the circuit breaker. Null: the status decides.
/// </param>
/// <param name="Retry">
/// False for a caller that spaces its own attempts (a WeChat article page, asked again by a later poll after its backoff):
/// a transient failure is returned at once instead of retried (<see cref="FetchingOptions.Retries"/>), so each request it
/// counts was one request.
/// </param>
/// <param name="PooledBody">
/// True for a caller that parses the body at once and keeps none of it (a source's feed or API page): the body stays in the
/// buffer it was read into, rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>, and the caller disposes the outcome's
/// <see cref="FetchOutcome.Fetched.Lease"/> when it has parsed it. False: the body is an array of its own.
/// </param>
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
    string? CircuitKey = null,
    int MaxErrorBytes = 0,
    Func<FetchOutcome.HttpFailure, bool>? Permanent = null,
    bool Retry = true,
    bool PooledBody = false)
{
    /// <summary>
    /// Headers kept on a redirect to another origin: they carry no credentials. The list is the Fetch standard's
    /// CORS-safelisted request headers that apply to a GET, plus the User-Agent a site may insist on.
    /// </summary>
    public static readonly IReadOnlySet<string> CrossOrigin = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "User-Agent", "Accept", "Accept-Language" };

    /// <summary>Of <paramref name="headers"/>, those that may go on to another origin (<see cref="CrossOrigin"/>).</summary>
    public static IReadOnlyDictionary<string, string> CrossOriginOnly(IReadOnlyDictionary<string, string> headers) =>
        headers.Where(h => CrossOrigin.Contains(h.Key)).ToDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether <paramref name="next"/> is the origin of <paramref name="from"/> (scheme, host, port), so the headers meant for
    /// <paramref name="from"/> may go there; an upgrade from http to https on the same host and default ports counts as the same.
    /// </summary>
    public static bool SameOrigin(Uri from, Uri next) =>
        string.Equals(from.IdnHost, next.IdnHost, StringComparison.OrdinalIgnoreCase)
        && (from.Scheme == next.Scheme && from.Port == next.Port
            || from.Scheme == Uri.UriSchemeHttp && next.Scheme == Uri.UriSchemeHttps && from.IsDefaultPort && next.IsDefaultPort);
}
