using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Summaries;

/// <summary>What an OpenAI-compatible server's answer says when it is not a chat completion: its error message, or what the body is.</summary>
/// <remarks>
/// Error bodies as the servers send them: OpenAI, vLLM's and llama-server's OpenAI API and Ollama's <c>/v1</c>
/// <c>{"error":{"message":…}}</c>, Ollama's own API <c>{"error":"…"}</c>, vLLM's older <c>{"object":"error","message":…}</c>,
/// FastAPI-based servers <c>{"detail":"…"}</c>, plain text (Ollama's router: <c>404 page not found</c>), or a proxy's HTML page.
/// The message is shown to the operator (run, health, log): on one line, at most <see cref="MaxLength"/> characters, and
/// without anything that looks like an API key (OpenAI echoes a wrong key, masked).
/// </remarks>
internal static partial class EndpointMessage
{
    /// <summary>Longest message kept, in characters.</summary>
    public const int MaxLength = 300;

    /// <summary>The server's message in <paramref name="body"/>, cleaned; null when it has none.</summary>
    /// <param name="apiKey">The key sent, never shown even if the server echoes it.</param>
    public static string? Of(string body, string? apiKey)
    {
        var text = body.Trim().TrimStart('\uFEFF');
        if (text.Length == 0) return null;
        var message = text[0] switch
        {
            '{' => FromJson(text),
            '<' => HtmlTitle(text),
            _ => text,
        };
        return message is null ? null : Clean(message, apiKey);
    }

    /// <summary>
    /// Whether an answer of <paramref name="status"/> whose <paramref name="message"/> is the server's says the prompt is longer
    /// than the model's context. Asking again cannot help.
    /// </summary>
    /// <remarks>
    /// The servers' own words (each in <c>EndpointMessageTests</c>): llama-server's "request (N tokens) exceeds the available
    /// context size (M tokens)" (a 400 in current builds, a 500 in some older ones, ggml-org/llama.cpp#15780; LocalAI passes it
    /// on as a 500 "rpc error: … desc = …"), vLLM's and OpenAI's "maximum context length is … tokens", LM Studio's "context
    /// length of only N tokens" (413 behind some proxies; Ollama's chat API refuses nothing, it cuts the prompt); vLLM's
    /// engine check "The decoder prompt (length N) is longer than the maximum model length of M" (a 400,
    /// vllm/v1/engine/input_processor.py); text-generation-inference's 422 validation errors "`inputs` tokens +
    /// `max_new_tokens` must be &lt;= N" and "`inputs` must have less than N tokens" (router/src/validation.rs). Left out:
    /// llama-server's older 500 "Input prompt is too big compared to KV size", which it also sends when the GPU runs out of
    /// memory or parallel requests fill the cache (asking again may help then). A 200 counts when its body is an error
    /// (<see cref="NotACompletion"/>): LM Studio 0.4.21 answers a prompt beyond the loaded context length so
    /// (lmstudio-bug-tracker#2322, "Input does not fit in context length").
    /// </remarks>
    public static bool IsContextOverflow(int status, string? message) =>
        status is 200 or 400 or 413 or 422 or >= 500 && message is not null && ContextLimit().IsMatch(message);

    /// <summary>
    /// The server setting that sets the context, named by the words of an overflow <paramref name="message"/> (the servers of
    /// <see cref="IsContextOverflow"/>); a generic description when the words name no server.
    /// </summary>
    public static string ContextSetting(string? message) => message is null ? Servers[^1].Setting
        : Servers.First(server => server.Words is null || server.Words.IsMatch(message)).Setting;

    // llama-server (and LocalAI, which passes its words on), vLLM (its OpenAI server's "maximum context length", its engine's
    // "maximum model length"; OpenAI's hosted models use the first wording and have no setting: MaxInputChars is the way
    // there), text-generation-inference's launcher, LM Studio's load setting (lms load --context-length), llama-cpp-python.
    private static readonly (Regex? Words, string Setting)[] Servers =
    [
        (LlamaServerWords(), "llama-server -c"),
        (VllmWords(), "vLLM --max-model-len"),
        (TgiWords(), "text-generation-inference --max-input-tokens and --max-total-tokens"),
        (LmStudioWords(), "LM Studio's Context Length: lms load --context-length"),
        (LlamaCppPythonWords(), "llama-cpp-python --n_ctx"),
        (null, "the server's context setting"),
    ];

    /// <summary>
    /// What a 200 answer is when the client cannot read it as a chat completion: the server's error (<c>ErrorBody</c>, the
    /// body as text for <see cref="Of"/>: an <c>error</c> member and no <c>choices</c>) or why else it is none (<c>Problem</c>:
    /// an HTML page, no choices); both null for anything the client can read or say more about itself.
    /// </summary>
    /// <remarks>
    /// LM Studio 0.4.21 sends a prompt longer than the loaded context length as a 200 whose body is
    /// <c>{"error":{"message":"Input does not fit in context length. …"},"message":…}</c> (lmstudio-bug-tracker#2322); the
    /// OpenAI client would read it as a completion and fail on the missing choices with words of its own.
    /// </remarks>
    public static (string? ErrorBody, string? Problem) NotACompletion(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body).Trim().TrimStart('\uFEFF');
        if (text.StartsWith('<'))
        {
            var title = HtmlTitle(text) is { } t ? $" (\"{Clean(t, null)}\")" : "";
            return (null, $"not a chat completion: an HTML page{title}, perhaps a proxy's or a login page; check Summaries:Endpoint");
        }
        if (!text.StartsWith('{')) return (null, null);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (!root.TryGetProperty("choices", out var choices))
                return (root.TryGetProperty("error", out var error) && error.ValueKind is JsonValueKind.Object or JsonValueKind.String ? text : null, null);
            return (null, choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() == 0 ? "malformed answer: a chat completion without choices" : null);
        }
        catch (JsonException)
        {
            return (null, null);   // the client says what is wrong with it
        }
    }

    private static string? FromJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String) return error.GetString();
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var inner) && inner.ValueKind == JsonValueKind.String)
                    return inner.GetString();
            }
            foreach (var name in (string[])["message", "detail"])
                if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String) return value.GetString();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? HtmlTitle(string html) =>
        Title().Match(html) is { Success: true } match && WebUtility.HtmlDecode(match.Groups[1].Value).Trim() is { Length: > 0 } title ? title : null;

    private static string? Clean(string message, string? apiKey)
    {
        if (!string.IsNullOrEmpty(apiKey) && apiKey.Length >= 8) message = message.Replace(apiKey, "…", StringComparison.Ordinal);
        message = Whitespace().Replace(SecretLike().Replace(message, "$1…"), " ").Trim();
        if (message.Length == 0) return null;
        return message.Length <= MaxLength ? message : message[..MaxLength].TrimEnd() + "…";
    }

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Title();

    // OpenAI-style keys (sk-…, sk-proj-…, also masked with *) and bearer tokens.
    [GeneratedRegex(@"\b(sk-|Bearer\s+)[A-Za-z0-9_\-*]{6,}", RegexOptions.IgnoreCase)]
    private static partial Regex SecretLike();

    [GeneratedRegex(@"\bcontext (size|length|window)\b|\blonger than the maximum model length\b|`inputs` tokens \+ `max_new_tokens` must be <=|`inputs` must have less than \d+ tokens",
        RegexOptions.IgnoreCase)]
    private static partial Regex ContextLimit();

    [GeneratedRegex(@"\bavailable context size\b", RegexOptions.IgnoreCase)]
    private static partial Regex LlamaServerWords();

    [GeneratedRegex(@"\bmaximum (context|model) length\b", RegexOptions.IgnoreCase)]
    private static partial Regex VllmWords();

    [GeneratedRegex(@"`inputs`")]
    private static partial Regex TgiWords();

    [GeneratedRegex(@"\bcontext length of only\b|\bload the model with a larger context length\b|\bcontext size has been exceeded\b|\bexceeds context length\b|\bdoes not fit in context length\b", RegexOptions.IgnoreCase)]
    private static partial Regex LmStudioWords();

    [GeneratedRegex(@"\bexceed context window\b", RegexOptions.IgnoreCase)]
    private static partial Regex LlamaCppPythonWords();

    [GeneratedRegex(@"[\s\p{Cc}]+")]
    private static partial Regex Whitespace();
}
