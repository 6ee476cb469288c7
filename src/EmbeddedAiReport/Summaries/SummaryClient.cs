using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using EmbeddedAiReport.Fetching;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace EmbeddedAiReport.Summaries;

/// <summary>Asks the configured OpenAI-compatible endpoint for one answer through Microsoft.Extensions.AI's <see cref="IChatClient"/>.</summary>
/// <remarks>
/// Resilience is Fetching's, through <see cref="FetchingMessageHandler"/>: the OpenAI client's own retries are off, so a call is
/// retried once by one policy, on the injected clock. Every failure becomes a <see cref="SummaryAnswer.Failed"/>: this is the one
/// call site of the library, where its exceptions are converted.
/// </remarks>
public sealed class SummaryClient(IHttpClientFactory httpClientFactory, IOptions<SummariesOptions> options, IOptions<FetchingOptions> fetching,
    TimeProvider timeProvider)
{
    /// <summary>Name of the <see cref="HttpClient"/> registered for the summarizer.</summary>
    public const string HttpClientName = "summaries";

    /// <summary>A chat client for one run (the HTTP client comes from the factory; a singleton must not keep one).</summary>
    public IChatClient Create()
    {
        var settings = options.Value;
        var key = Key(settings);
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = settings.EndpointUri ?? throw new InvalidOperationException("Summaries:Endpoint is not set"),
            Transport = new HttpClientPipelineTransport(httpClientFactory.CreateClient(HttpClientName)),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // Timeouts are Fetching's, on the injected clock; this real-time limit is only a backstop above them.
            NetworkTimeout = fetching.Value.TotalTimeout + TimeSpan.FromMinutes(1),
        };
        // Local servers take any key; the OpenAI client insists on a non-empty one.
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(key) ? "none" : key);
        return new OpenAI.Chat.ChatClient(settings.Model, credential, clientOptions).AsIChatClient();
    }

    /// <summary>Sends <paramref name="prompt"/> as one user message and returns the answer's text or why there is none.</summary>
    public async Task<SummaryAnswer> AskAsync(IChatClient client, string prompt, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var chatOptions = new ChatOptions { ModelId = settings.Model, Temperature = settings.Temperature, MaxOutputTokens = settings.MaxOutputTokens };
        try
        {
            var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], chatOptions, cancellationToken);
            return new SummaryAnswer.Answered(response.Text ?? "", response.FinishReason == ChatFinishReason.Length, response.FinishReason?.Value);
        }
        catch (ClientResultException ex) when (ex.Status > 0)
        {
            var retryAfter = RetryAfter(ex);
            var wait = retryAfter is { } w ? $" (retry after {w.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s)" : "";
            // The server's own words (Ollama: model "x" not found, try pulling it first) and which setting to look at.
            var body = ex.GetRawResponse()?.Content?.ToString();
            return Refused(ex.Status, $"HTTP {ex.Status} from the endpoint{wait}", body, settings, retryAfter is { } r ? timeProvider.GetUtcNow() + r : null);
        }
        catch (ClientResultException ex) when (ex.InnerException is ErrorAnswerException answer)
        {
            return Refused(200, "an error answered with HTTP 200 by the endpoint", answer.Body, settings, null);
        }
        catch (ClientResultException ex)
        {
            // No response: the transport's own description (unreachable, timed out, circuit open) is the innermost message.
            return new SummaryAnswer.Failed(ex.InnerException?.Message ?? ex.Message, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SummaryAnswer.Failed($"no answer within {fetching.Value.TotalTimeout.TotalSeconds:0}s", null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A 200 whose body is not a chat completion (an HTML page, truncated or malformed JSON).
            return new SummaryAnswer.Failed($"malformed answer: {ex.GetBaseException().Message}", null);
        }
    }

    // A refusal in the server's words (none when its body has none) with the setting to look at; an overflow fails only that entry.
    private static SummaryAnswer.Failed Refused(int status, string what, string? body, SummariesOptions settings, DateTimeOffset? retryAt)
    {
        var message = body is null ? null : EndpointMessage.Of(body, Key(settings));
        var said = message is null ? "" : $": {message}";
        var overflow = EndpointMessage.IsContextOverflow(status, message);
        var hint = Hint(status, overflow, message, settings) is { } h ? $" ({h})" : "";
        return new SummaryAnswer.Failed($"{what}{said}{hint}", retryAt, overflow);
    }

    private static string? Key(SummariesOptions settings) => settings.ApiKeyEnv.Length > 0 ? Environment.GetEnvironmentVariable(settings.ApiKeyEnv) : null;

    // What an operator can change about a status; none for the transient ones (429, 5xx), which Fetching retries, unless the
    // server said the prompt exceeds its context (overflow).
    private static string? Hint(int status, bool overflow, string? message, SummariesOptions settings) => status switch
    {
        404 when settings.EndpointUri is { AbsolutePath: "/" } endpoint =>
            $"Summaries:Endpoint has no path; Ollama, vLLM, LM Studio and OpenAI serve the API under /v1: {endpoint.GetLeftPart(UriPartial.Authority)}/v1",
        404 => "check Summaries:Model and Summaries:Endpoint",
        401 or 403 => settings.ApiKeyEnv.Length == 0
            ? "the server wants an API key: set Summaries:ApiKeyEnv to the name of the variable that holds it"
            : $"check the key in {settings.ApiKeyEnv} (named by Summaries:ApiKeyEnv)",
        _ when overflow =>
            $"this entry's prompt is too long for the server: lower Summaries:MaxInputChars ({settings.MaxInputChars}) or give the server a larger context ({EndpointMessage.ContextSetting(message)})",
        _ => null,
    };

    private static TimeSpan? RetryAfter(ClientResultException ex)
    {
        if (ex.GetRawResponse()?.Headers.TryGetValue("Retry-After", out var value) != true || value is null) return null;
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;
    }
}
