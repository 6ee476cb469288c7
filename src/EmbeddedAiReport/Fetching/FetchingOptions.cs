namespace EmbeddedAiReport.Fetching;

/// <summary>HTTP settings shared by all sources (section <c>Fetching</c> of appsettings.json).</summary>
public sealed class FetchingOptions
{
    /// <value>User-Agent sent with every request. Default: <c>EmbeddedAiReport/1.0</c> followed by the contact.</value>
    public string UserAgent { get; set; } = "EmbeddedAiReport/1.0";

    /// <value>Contact (mail or URL) appended to the User-Agent, as arXiv asks of API clients. Default: empty.</value>
    public string Contact { get; set; } = "";

    /// <value>Time allowed for one request, headers and body. Default: 30 s.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <value>Largest (decompressed) body accepted. Default: 10 MiB.</value>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <value>Redirects followed before giving up. Default: 5.</value>
    public int MaxRedirects { get; set; } = 5;

    /// <value>How many sources a <c>poll --all</c> fetches at once. Default: 4.</value>
    public int MaxParallelSources { get; set; } = 4;

    /// <value>
    /// Minimum gap between requests per host, by domain; the domain covers its subdomains, so every
    /// *.arxiv.org host shares one gate. Default: arxiv.org 3 s, mp.weixin.qq.com 5 s.
    /// </value>
    public Dictionary<string, TimeSpan> HostDelays { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["arxiv.org"] = TimeSpan.FromSeconds(3),
        ["mp.weixin.qq.com"] = TimeSpan.FromSeconds(5),
    };

    /// <summary>The full User-Agent header value.</summary>
    public string UserAgentHeader => string.IsNullOrWhiteSpace(Contact) ? UserAgent : $"{UserAgent} (+{Contact})";

    /// <summary>Every problem with these settings, each naming its field.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(UserAgent)) yield return "Fetching:UserAgent: must not be empty";
        if (Timeout <= TimeSpan.Zero) yield return $"Fetching:Timeout: must be positive, got {Timeout}";
        if (MaxBytes <= 0) yield return $"Fetching:MaxBytes: must be positive, got {MaxBytes}";
        if (MaxRedirects is < 0 or > 20) yield return $"Fetching:MaxRedirects: must be 0..20, got {MaxRedirects}";
        if (MaxParallelSources is < 1 or > 64) yield return $"Fetching:MaxParallelSources: must be 1..64, got {MaxParallelSources}";
        foreach (var (host, delay) in HostDelays)
            if (delay < TimeSpan.Zero) yield return $"Fetching:HostDelays:{host}: must not be negative";
    }
}
