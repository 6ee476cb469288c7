using System.Net.Http.Headers;

namespace EmbeddedAiReport.Fetching;

/// <summary>The headers of one HTTP response, looked up case-insensitively; repeated headers are joined with ", ".</summary>
public sealed class ResponseHeaders
{
    private readonly Dictionary<string, string> _values;

    public ResponseHeaders(IEnumerable<KeyValuePair<string, string>> values)
    {
        _values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values) _values[name] = value;
    }

    /// <summary>The value of <paramref name="name"/>, or null when the response did not carry it.</summary>
    public string? this[string name] => _values.GetValueOrDefault(name);

    /// <summary>The value of <paramref name="name"/> as a whole number, or null when absent or not a number.</summary>
    public long? GetInt64(string name) => long.TryParse(this[name], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Copies the response and content headers of <paramref name="response"/>.</summary>
    public static ResponseHeaders From(HttpResponseMessage response) =>
        new(Join(response.Headers).Concat(Join(response.Content.Headers)));

    private static IEnumerable<KeyValuePair<string, string>> Join(HttpHeaders headers) =>
        headers.Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value)));
}
