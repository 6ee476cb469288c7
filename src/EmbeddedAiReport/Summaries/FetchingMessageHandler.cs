using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EmbeddedAiReport.Fetching;

namespace EmbeddedAiReport.Summaries;

/// <summary>
/// The summarizer's HTTP transport: hands each request of the OpenAI client to <see cref="Fetcher"/>, so a model call gets
/// what every fetch gets (per-request timeout on the injected clock, retries of 408/429/5xx honouring Retry-After up to
/// Fetching:MaxRetryAfter, a circuit breaker, a body size cap), and turns the <see cref="FetchOutcome"/> back into a response.
/// A context overflow is never retried, whatever its status.
/// </summary>
/// <remarks>
/// Private and loopback addresses are allowed: the endpoint is the operator's own configured server (usually a llama.cpp or
/// Ollama on 127.0.0.1 or the LAN), not an address taken from fetched data; since a POST is never redirected, that address is
/// the only one contacted. The breaker is the endpoint's own (key <c>summaries@host:port</c>), apart from sources on that host.
/// </remarks>
internal sealed class FetchingMessageHandler(Fetcher fetcher, SummariesOptions options) : HttpMessageHandler
{
    /// <summary>Largest answer accepted: a chat completion of a few hundred tokens is a few KiB.</summary>
    public const long MaxAnswerBytes = 1024 * 1024;

    /// <summary>Most of an error's body kept for its message (an error JSON is well under 1 KiB).</summary>
    public const int MaxErrorBytes = 16 * 1024;

    // A prompt longer than the server's context fails the same way each time, even as a 500 (older llama-server builds): not retried.
    private static bool IsContextOverflow(FetchOutcome.HttpFailure failure) =>
        failure.Body is { } body && EndpointMessage.IsContextOverflow(failure.Status, EndpointMessage.Of(Encoding.UTF8.GetString(body), null));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("a request without an address");
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
            if (!name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase)) headers[name] = string.Join(", ", values);   // Fetching sets ours

        var outcome = await fetcher.FetchAsync(new FetchRequest(uri, HttpValidators.None, options.Timeout, MaxAnswerBytes, AllowPrivateNetwork: true,
            Headers: headers, Body: body ?? [], BodyType: request.Content?.Headers.ContentType?.ToString() ?? "application/json",
            CircuitKey: $"summaries@{uri.Authority}", MaxErrorBytes: MaxErrorBytes, Permanent: IsContextOverflow), cancellationToken);
        switch (outcome)
        {
            case FetchOutcome.Fetched fetched:
                // A 200 the client would choke on (an error, a proxy's HTML page, no choices) fails here with what it is.
                var (error, problem) = EndpointMessage.NotACompletion(fetched.Document.Body.Span);
                if (error is not null) throw new ErrorAnswerException(error);
                if (problem is not null) throw new HttpRequestException(problem);
                var content = new ReadOnlyMemoryContent(fetched.Document.Body);
                if (fetched.Document.ContentType is { } mediaType)
                    content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = fetched.Document.Charset };
                return new HttpResponseMessage((HttpStatusCode)fetched.Status) { Content = content, RequestMessage = request };
            case FetchOutcome.HttpFailure failure:
                var response = new HttpResponseMessage((HttpStatusCode)failure.Status)
                {
                    ReasonPhrase = failure.Reason, Content = new ByteArrayContent(failure.Body ?? []), RequestMessage = request,
                };
                if (failure.RetryAfter is { } wait) response.Headers.RetryAfter = new RetryConditionHeaderValue(wait);
                return response;
            default:
                // Unreachable, timed out, circuit open, refused, too large: the client turns this into its own exception.
                throw new HttpRequestException(outcome is FetchOutcome.Unreachable { Reason: var reason } && reason.StartsWith("timed out", StringComparison.Ordinal)
                    ? $"no answer within {options.Timeout.TotalSeconds:0}s (raise Summaries:Timeout if the model is slow)"
                    : outcome.Describe());
        }
    }
}

/// <summary>A 200 answer whose body is the server's error (<see cref="EndpointMessage.NotACompletion"/>); <see cref="SummaryClient"/> reads it as it reads an HTTP error.</summary>
internal sealed class ErrorAnswerException(string body) : HttpRequestException("an error answered with HTTP 200")
{
    /// <summary>The answer's body.</summary>
    public string Body => body;
}
