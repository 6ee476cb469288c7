using System.Text.Json;

namespace EmbeddedAiReport;

/// <summary>One source from sources.json: the common fields plus the kind-specific ones as raw JSON.</summary>
public sealed record SourceDefinition
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    /// <summary>Full address to fetch; overrides what the kind-specific fields would build.</summary>
    public Uri? Url { get; init; }
    /// <summary>A Quartz cron expression (Asia/Shanghai) or an interval such as <c>30m</c>, <c>6h</c>.</summary>
    public string Schedule { get; init; } = DefaultSchedule;

    /// <summary>The schedule of a source that names none: every hour.</summary>
    public const string DefaultSchedule = "1h";

    public bool Enabled { get; init; } = true;
    /// <summary>Section slug hint (<c>news</c>, <c>papers</c>, <c>opensource</c>, <c>blogs</c>); null: the kind's default.</summary>
    public string? Section { get; init; }
    /// <summary>Display name of the author/account shown as <c>| account</c> in the draft; null: from the feed.</summary>
    public string? Account { get; init; }
    public IReadOnlyList<string> Include { get; init; } = [];
    public IReadOnlyList<string> Exclude { get; init; } = [];
    /// <summary>Minimum gap between two requests to this source's host; null: the host's default.</summary>
    public TimeSpan? PolitenessDelay { get; init; }
    public TimeSpan? Timeout { get; init; }
    /// <summary>Time one poll may take, every request, retry and wait included; null: <c>Fetching:PollBudget</c>.</summary>
    public TimeSpan? PollBudget { get; init; }
    public long? MaxBytes { get; init; }
    /// <summary>Allow URLs on loopback/private networks (false by default; tests set it).</summary>
    public bool AllowPrivateNetwork { get; init; }
    /// <summary>Request headers of this source (<c>headers</c>), name → value as written; see <see cref="Sources.SourceHeaders"/>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    /// <summary>Request headers whose value is an environment variable's (<c>headersEnv</c>), name → variable; the value is never kept here.</summary>
    public IReadOnlyDictionary<string, string> HeadersEnv { get; init; } = new Dictionary<string, string>();
    /// <summary>Relevance weight added to this source's entries.</summary>
    public double Weight { get; init; }
    /// <summary>Kind-specific fields (<c>category</c>, <c>repos</c>, <c>accounts</c> …) as they appear in the file.</summary>
    public IReadOnlyDictionary<string, JsonElement> Settings { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>A kind-specific string field, or null when absent.</summary>
    public string? GetString(string name) =>
        Settings.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A kind-specific field that may be one string or a list of strings.</summary>
    public IReadOnlyList<string> GetStrings(string name)
    {
        if (!Settings.TryGetValue(name, out var value)) return [];
        return value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList(),
            _ => [],
        };
    }

    /// <summary>A kind-specific boolean field, or <paramref name="fallback"/> when absent.</summary>
    public bool GetBool(string name, bool fallback) =>
        Settings.TryGetValue(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean() : fallback;

    /// <summary>A kind-specific integer field, or <paramref name="fallback"/> when absent.</summary>
    public int GetInt(string name, int fallback) =>
        Settings.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : fallback;
}
