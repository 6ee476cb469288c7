using System.Buffers;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using EmbeddedAiReport.Sources;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Fetching;

/// <summary>Makes one conditional GET with the source's limits and turns every result into a <see cref="FetchOutcome"/>.</summary>
/// <remarks>Never throws for network or HTTP faults; only cancellation of <c>cancellationToken</c> propagates.</remarks>
public sealed class Fetcher(IHttpClientFactory httpClientFactory, HostPoliteness politeness, HostResilience resilience, IOptions<FetchingOptions> options,
    TimeProvider timeProvider, FetchProxy proxy, HostResolver resolver)
{
    /// <summary>Name of the <see cref="HttpClient"/> registered for sources.</summary>
    public const string ClientName = "sources";

    private const int ChunkSize = 81920;

    /// <summary>Where bodies are read into; a test's counting pool sees that every buffer is given back, once.</summary>
    internal ArrayPool<byte> BodyPool { get; set; } = ArrayPool<byte>.Shared;

    /// <summary>Fetches <paramref name="request"/>, retrying transient failures through the host's resilience pipeline.</summary>
    public async Task<FetchOutcome> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        if (request.Uri.Scheme is not ("http" or "https"))
            return new FetchOutcome.Refused($"only http and https URLs are fetched, not {request.Uri.Scheme}:");
        return await resilience.ExecuteAsync(request.CircuitKey ?? request.Uri.Host, token => FetchOnceAsync(request, token), cancellationToken, request.Retry);
    }

    /// <summary>One attempt: wait for the host's turn, send, read the body within the cap.</summary>
    private async Task<FetchOutcome> FetchOnceAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var gate = HostPoliteness.GateFor(request.Uri.Host, settings.HostDelays, request.PolitenessDelay);
        using var lease = gate is { } g ? await politeness.AcquireAsync(g.Key, g.Gap, cancellationToken) : null;

        var timeout = request.Timeout ?? settings.Timeout;
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            return await SendAsync(request, settings, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FetchOutcome.Unreachable($"timed out after {timeout.TotalSeconds:0.#}s (raise the source's timeout if it is slow)");
        }
        catch (Exception ex) when (ex is HttpRequestException or PrivateAddressException && FindInner<PrivateAddressException>(ex) is { } refused)
        {
            return new FetchOutcome.Refused(refused.Message, PrivateNetwork: true);
        }
        catch (HttpRequestException ex)
        {
            return new FetchOutcome.Unreachable(Describe(ex));
        }
        catch (IOException ex)
        {
            return new FetchOutcome.Unreachable($"connection broke while reading: {ex.Message}");
        }
    }

    private async Task<FetchOutcome> SendAsync(FetchRequest request, FetchingOptions settings, CancellationToken cancellationToken)
    {
        // Redirects are followed here, not by the handler: each hop is checked (scheme, count) and a hostile
        // Location (file:, a loop, an unparsable address) becomes an outcome instead of an exception.
        var address = request.Uri;
        var headers = request.Headers ?? new Dictionary<string, string>();
        // While the chain is permanent redirects only, where it has led: a moved address a source kind may remember.
        PermanentRedirect? moved = null;
        var permanent = true;
        for (var hop = 0; ; hop++)
        {
            using var response = await SendOnceAsync(request, address, headers, settings, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location && request.Body is null)
            {
                if (hop >= settings.MaxRedirects)
                    return new FetchOutcome.HttpFailure(status, null, $"still redirecting after {settings.MaxRedirects} redirects (a redirect loop?)");
                if (!Uri.TryCreate(address, location, out var target) || target.Scheme is not ("http" or "https"))
                    return new FetchOutcome.Refused($"redirected to '{location.OriginalString}', which is not an http(s) address; check the URL");
                // A source's Authorization, Cookie or token is for its own host: one redirect elsewhere (a CDN, a login page,
                // a hostile Location) must not carry it on, and it stays dropped if the chain comes back.
                if (!FetchRequest.SameOrigin(address, target)) headers = FetchRequest.CrossOriginOnly(headers);
                permanent &= status is 301 or 308;
                if (permanent) moved = new PermanentRedirect(target, moved?.Status ?? status);
                address = target;
                continue;
            }
            var outcome = await ReadAsync(request, settings, address, response, cancellationToken);
            return moved is null ? outcome : outcome with { Moved = moved };
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(FetchRequest request, Uri address, IReadOnlyDictionary<string, string> headers,
        FetchingOptions settings, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Body is null ? HttpMethod.Get : HttpMethod.Post, address);
        if (request.Body is { } body)
        {
            message.Content = new ByteArrayContent(body);
            if (request.BodyType is { } type) message.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        message.Options.Set(AddressGuard.AllowPrivateNetwork, request.AllowPrivateNetwork);
        if (!headers.Keys.Contains("User-Agent", StringComparer.OrdinalIgnoreCase))   // a source's own replaces it, not joins it
            message.Headers.TryAddWithoutValidation("User-Agent", settings.UserAgentHeader);
        if (request.Validators.ETag is { } etag) message.Headers.TryAddWithoutValidation("If-None-Match", etag);
        if (request.Validators.LastModified is { } lastModified) message.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
        foreach (var (name, value) in headers)
            message.Headers.TryAddWithoutValidation(name, value);
        // Through a proxy the connection is the proxy's: each hop's own address is checked here instead (AddressGuard).
        if (!request.AllowPrivateNetwork && proxy.Applies(address)) await AddressGuard.CheckTargetAsync(address, resolver, cancellationToken);
        var client = httpClientFactory.CreateClient(ClientName);
        return await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private async Task<FetchOutcome> ReadAsync(FetchRequest request, FetchingOptions settings, Uri address, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var validators = new HttpValidators(
            response.Headers.ETag?.ToString() ?? request.Validators.ETag,
            response.Content.Headers.LastModified?.ToString("R") ?? request.Validators.LastModified);

        var headers = ResponseHeaders.From(response);
        if (response.StatusCode == HttpStatusCode.NotModified)
            return new FetchOutcome.NotModified(validators, headers);
        if (!response.IsSuccessStatusCode)
        {
            var failure = new FetchOutcome.HttpFailure((int)response.StatusCode, RetryAfter(response.Headers.RetryAfter), response.ReasonPhrase ?? "", headers,
                request.MaxErrorBytes > 0 ? await ReadPrefixAsync(response, request.MaxErrorBytes, cancellationToken) : null);
            return request.Permanent?.Invoke(failure) == true ? failure with { Permanent = true } : failure;
        }

        var maxBytes = request.MaxBytes ?? settings.MaxBytes;
        if (response.Content.Headers.ContentLength > maxBytes)
            return new FetchOutcome.TooLarge(maxBytes);

        // Content-Length is the compressed size when the handler decompresses, so count what is read.
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        Body? body;
        try
        {
            body = await ReadBodyAsync(stream, response.Content.Headers.ContentLength, maxBytes, request.PooledBody, cancellationToken);
        }
        // The handler has taken the Content-Encoding header off by then.
        catch (Exception ex) when (Undecodable(ex))
        {
            return new FetchOutcome.Unreachable(
                $"the body does not decode as its Content-Encoding says ({ex.Message.TrimEnd('.')}); the server or a proxy before it compresses wrongly");
        }
        if (body is null) return new FetchOutcome.TooLarge(maxBytes);
        // A feed.xml.gz served as it is (application/xml, application/octet-stream) is gzip without a Content-Encoding, so the
        // handler leaves it: the two magic bytes say so. Inflated under the same cap, so a small bomb cannot fill memory.
        if (body.Value.Bytes.Span is [0x1F, 0x8B, ..])
        {
            var inflated = await GunzipAsync(body.Value, maxBytes, request.PooledBody, cancellationToken);
            if (inflated?.Lease != body.Value.Lease) body.Value.Lease?.Dispose();   // the compressed bytes' buffer, unless they were the body after all
            if (inflated is null) return new FetchOutcome.TooLarge(maxBytes);
            body = inflated;
        }

        var contentType = response.Content.Headers.ContentType;
        var document = new FetchedDocument(body.Value.Bytes, contentType?.MediaType?.ToLowerInvariant(), contentType?.CharSet?.Trim('"'),
            response.RequestMessage?.RequestUri ?? address, timeProvider.GetUtcNow(), headers);
        return new FetchOutcome.Fetched(document, (int)response.StatusCode, validators, headers) { Lease = body.Value.Lease };
    }

    // A body read: its bytes, and the rented buffer they lie in when the request asked for a pooled body.
    private readonly record struct Body(ReadOnlyMemory<byte> Bytes, BodyLease? Lease);

    // The body read into a pooled buffer (sized from Content-Length when the server sends one, else grown by doubling);
    // null past maxBytes. Pooled: the buffer is handed on with its lease. Otherwise copied once into an array of its
    // length: a feed of a few hundred KB otherwise left a MemoryStream's doubled buffers and a copy behind on the
    // large-object heap for each fetch (a cold 200-feed poll: ~50 MB).
    private async Task<Body?> ReadBodyAsync(Stream stream, long? declared, long maxBytes, bool pooled, CancellationToken cancellationToken)
    {
        var size = declared is { } length && length >= 0 && length < maxBytes ? (int)length + 1 : ChunkSize;   // +1: EOF is seen without growing
        var pool = BodyPool;
        var buffer = pool.Rent(Math.Max(size, 4096));
        try
        {
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    var larger = pool.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    pool.Return(buffer);
                    buffer = larger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    if (!pooled) return new Body(buffer.AsSpan(0, filled).ToArray(), null);
                    var handedOn = new Body(buffer.AsMemory(0, filled), new BodyLease(buffer, pool));
                    buffer = null;   // the lease returns it
                    return handedOn;
                }
                if (filled + (long)read > maxBytes) return null;
                filled += read;
            }
        }
        finally
        {
            if (buffer is not null) pool.Return(buffer);
        }
    }

    // The handler's decoder refusing a body its Content-Encoding mislabels (gzip, deflate: InvalidDataException; br:
    // InvalidOperationException).
    private static bool Undecodable(Exception ex) => ex is InvalidDataException or InvalidOperationException;

    // The first maxBytes of a failure's body (an API's error message), or null when it cannot be read: the status is the outcome either way.
    private static async Task<byte[]?> ReadPrefixAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[maxBytes];
            var filled = 0;
            while (filled < maxBytes && await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken) is var read and > 0) filled += read;
            return buffer[..filled];
        }
        // A cut body, or one its Content-Encoding mislabels (as in FetchAsync): the failure stands without its words.
        catch (Exception ex) when (ex is IOException or HttpRequestException || Undecodable(ex))
        {
            return null;
        }
    }

    // The inflated body; null past maxBytes; the body itself when it only began like gzip (the parser then says what it is).
    private async Task<Body?> GunzipAsync(Body body, long maxBytes, bool pooled, CancellationToken cancellationToken)
    {
        try
        {
            await using var gzip = new GZipStream(FetchedDocument.Open(body.Bytes), CompressionMode.Decompress);
            return await ReadBodyAsync(gzip, null, maxBytes, pooled, cancellationToken);
        }
        catch (InvalidDataException)
        {
            return body;
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    private static T? FindInner<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is T match) return match;
        return null;
    }

    private static string Describe(HttpRequestException ex) => ex.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => $"host name not found ({ex.Message})",
        HttpRequestError.ConnectionError => $"could not connect ({ex.InnerException?.Message ?? ex.Message})",
        HttpRequestError.SecureConnectionError => $"TLS failed ({ex.InnerException?.Message ?? ex.Message})",
        HttpRequestError.ResponseEnded => "the server closed the connection before the response ended",
        _ => ex.InnerException?.Message ?? ex.Message,
    };
}
