using EmbeddedAiReport.Sources;

namespace EmbeddedAiReport.Summaries;

/// <summary>The optional LLM-written Chinese 摘要 (section <c>Summaries</c> of appsettings.json); off while <see cref="Endpoint"/> is empty.</summary>
public sealed class SummariesOptions
{
    /// <value>
    /// Base URL of an OpenAI-compatible API (the part before <c>/chat/completions</c>; the full address is accepted too):
    /// <c>http://127.0.0.1:8080/v1</c> for a llama.cpp server, <c>http://127.0.0.1:11434/v1</c> for Ollama. Default: empty, summaries are off.
    /// </value>
    public string Endpoint { get; set; } = "";

    /// <value>Model name sent with each request, and half of the cache key. Required when <see cref="Endpoint"/> is set.</value>
    public string Model { get; set; } = "";

    /// <value>Name of the environment variable holding the API key (never the key itself; never logged). Default: none (local servers need none).</value>
    public string ApiKeyEnv { get; set; } = "";

    /// <value>Most model answers stored for one week (a draft window), across runs. Default: 30.</value>
    public int MaxPerWeek { get; set; } = 30;

    /// <value>Time allowed for one request (a CPU-only local model is slow). Default: 2 min.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <value>Time <c>export --summaries</c> may spend filling missing summaries before it writes the draft. Default: 5 min.</value>
    public TimeSpan ExportBudget { get; set; } = TimeSpan.FromMinutes(5);

    /// <value>Template of the prompt, relative to the config folder. Default: <c>templates/summary.liquid</c>.</value>
    public string Prompt { get; set; } = "templates/summary.liquid";

    /// <value>Longest source text (characters) put into the prompt; an arXiv abstract is at most 1,920. Default: 2,000.</value>
    public int MaxInputChars { get; set; } = 2000;

    /// <value>Token limit of one answer. Default: 400 (a 4-sentence Chinese summary is about 150–250 tokens).</value>
    public int MaxOutputTokens { get; set; } = 400;

    /// <value>Sampling temperature. Default: 0.2 (a summary, not a story).</value>
    public float Temperature { get; set; } = 0.2f;

    /// <value>Shortest accepted answer, in characters. Default: 20 (the 2020 issues' 摘要 are 27–467).</value>
    public int MinLength { get; set; } = 20;

    /// <value>Longest accepted answer, in characters. Default: 400.</value>
    public int MaxLength { get; set; } = 400;

    /// <value>
    /// Least share of Chinese characters among the letters (Chinese characters plus Latin letters) of an accepted answer.
    /// Default: 0.3 (every Chinese 摘要 of the 2020 issues is at or above 0.32; names like MobileNetV2 lower it).
    /// </value>
    public double MinChineseShare { get; set; } = 0.3;

    /// <value>Also summarize entries whose source text is already Chinese. Default: false (they need no translation).</value>
    public bool IncludeChinese { get; set; }

    /// <summary>True when an endpoint is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>The endpoint as a URI, or null when it is not an absolute http(s) address.</summary>
    /// <remarks>
    /// The full address of the call (<c>…/v1/chat/completions</c>, as servers' docs print it) names the same base: the client
    /// appends <c>/chat/completions</c> itself, so that suffix is dropped rather than sent twice.
    /// </remarks>
    public Uri? EndpointUri
    {
        get
        {
            if (!Uri.TryCreate(Endpoint.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return null;
            var path = uri.AbsolutePath.TrimEnd('/');
            return path.EndsWith(ChatCompletions, StringComparison.OrdinalIgnoreCase)
                ? new UriBuilder(uri) { Path = path[..^ChatCompletions.Length] + "/" }.Uri
                : uri;
        }
    }

    private const string ChatCompletions = "/chat/completions";

    /// <summary>The problem with <see cref="Timeout"/> given Fetching:TotalTimeout (which bounds a request with its retries), or null.</summary>
    public string? TimeoutProblem(TimeSpan fetchingTotalTimeout) =>
        Enabled && Timeout > fetchingTotalTimeout ? $"Summaries:Timeout: must be at most Fetching:TotalTimeout ({Duration.Format(fetchingTotalTimeout)}), got {Duration.Format(Timeout)}" : null;

    /// <summary>Every problem with these settings, each naming its field; none while summaries are off.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Enabled) yield break;
        if (EndpointUri is null) yield return $"Summaries:Endpoint: not an absolute http(s) URL: '{Endpoint}'";
        if (string.IsNullOrWhiteSpace(Model)) yield return "Summaries:Model: required when Summaries:Endpoint is set (e.g. qwen2.5:7b-instruct)";
        if (ApiKeyEnv.Length > 0 && ApiKeyEnv.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
            yield return $"Summaries:ApiKeyEnv: the name of an environment variable (letters, digits, _), not the key";
        if (MaxPerWeek is < 0 or > 1000) yield return $"Summaries:MaxPerWeek: must be 0..1000, got {MaxPerWeek}";
        if (Timeout <= TimeSpan.Zero) yield return $"Summaries:Timeout: must be positive, got {Duration.Format(Timeout)}";
        // Zero, export --summaries would ask the model nothing while saying it ran.
        if (ExportBudget <= TimeSpan.Zero) yield return $"Summaries:ExportBudget: must be positive, got {Duration.Format(ExportBudget)}";
        if (string.IsNullOrWhiteSpace(Prompt)) yield return "Summaries:Prompt: must name the prompt template";
        if (MaxInputChars is < 100 or > 100_000) yield return $"Summaries:MaxInputChars: must be 100..100000, got {MaxInputChars}";
        if (MaxOutputTokens is < 16 or > 8192) yield return $"Summaries:MaxOutputTokens: must be 16..8192, got {MaxOutputTokens}";
        if (Temperature is < 0 or > 2) yield return $"Summaries:Temperature: must be 0..2, got {Temperature}";
        if (MinLength < 1 || MaxLength < MinLength) yield return $"Summaries:MinLength/MaxLength: 1 ≤ MinLength ≤ MaxLength, got {MinLength}/{MaxLength}";
        if (MinChineseShare is < 0 or > 1) yield return $"Summaries:MinChineseShare: must be 0..1, got {MinChineseShare}";
    }
}
