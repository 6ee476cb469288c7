using System.Text.Json;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Sources;

/// <summary>
/// A source's own request headers: <c>headers</c> (name → value) and <c>headersEnv</c> (name → environment variable holding
/// the value, for secrets), checked when sources.json is read and added to every request of the source.
/// </summary>
/// <remarks>
/// Values read from the environment are never kept in the <see cref="SourceDefinition"/> (only the variable's name is), and
/// no problem message repeats a value. The <see cref="Fetching.Fetcher"/> sends them to the source's own origin only: a
/// redirect elsewhere keeps just the headers <see cref="Fetching.FetchRequest.CrossOrigin"/> names.
/// </remarks>
public static partial class SourceHeaders
{
    /// <summary>The sources.json field of literal values.</summary>
    public const string Field = "headers";

    /// <summary>The sources.json field of values taken from environment variables.</summary>
    public const string EnvField = "headersEnv";

    // Headers the fetcher or the connection owns: set here, they would be sent twice, silently dropped, or break what the
    // fetcher relies on (its stored validators, whole bodies under the size cap, the handler's decompression).
    private static readonly Dictionary<string, string> Owned = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Host"] = "the connection sets it from the URL",
        ["Content-Length"] = "the connection sets it",
        ["Content-Type"] = "requests have no body",
        ["Content-Encoding"] = "requests have no body",
        ["Transfer-Encoding"] = "the connection sets it",
        ["Connection"] = "the connection sets it",
        ["Keep-Alive"] = "the connection sets it",
        ["Proxy-Connection"] = "the connection sets it",
        ["Proxy-Authorization"] = "it is for a proxy, not the source",
        ["Upgrade"] = "the connection sets it",
        ["TE"] = "the connection sets it",
        ["Trailer"] = "the connection sets it",
        ["Expect"] = "the connection sets it",
        ["If-None-Match"] = "the fetcher sends the ETag stored from the last poll (conditional requests)",
        ["If-Modified-Since"] = "the fetcher sends the Last-Modified stored from the last poll (conditional requests)",
        ["If-Match"] = "the fetcher makes its own conditional requests",
        ["If-Unmodified-Since"] = "the fetcher makes its own conditional requests",
        ["If-Range"] = "the fetcher reads whole documents",
        ["Range"] = "the fetcher reads whole documents",
        ["Accept-Encoding"] = "the fetcher negotiates compression and decompresses itself",
    };

    /// <summary>
    /// Reads <c>headers</c> and <c>headersEnv</c> of one source from sources.json; <paramref name="problem"/> gets each bad
    /// entry as (field, message), never with the value in it.
    /// </summary>
    public static (IReadOnlyDictionary<string, string> Headers, IReadOnlyDictionary<string, string> HeadersEnv) Read(
        JsonElement source, Action<string, string> problem)
    {
        var headers = ReadObject(source, Field, problem);
        var headersEnv = ReadObject(source, EnvField, problem);
        foreach (var (name, value) in headers)
        {
            if (value.Length == 0) problem(Field, $"'{name}': empty value (leave the header out to send none)");
            else if (ValueProblem(value) is { } bad) problem(Field, $"'{name}': the value {bad}");
        }
        foreach (var (name, variable) in headersEnv)
        {
            if (headers.ContainsKey(name))
            {
                problem(EnvField, $"'{name}': also set in '{Field}'; keep one");
                continue;
            }
            if (!VariableName().IsMatch(variable))
                problem(EnvField, $"'{name}': not an environment variable name (letters, digits, _), not the value");
        }
        return (headers, headersEnv);
    }

    /// <summary>
    /// What keeps <paramref name="source"/>'s <c>headersEnv</c> from being sent: a variable unset or empty, or a value that
    /// cannot be a header's, each naming the field, the header and the variable, never the value.
    /// </summary>
    /// <remarks>
    /// Not a problem of the file: the variables are the polling process's (the daemon's unit or container), and a shell
    /// that only drafts (`export`, `entries`) need not hold the secrets. `validate` and the daemon's start warn of them;
    /// the source's poll fails with them instead of asking without its credentials.
    /// </remarks>
    public static IEnumerable<string> EnvironmentProblems(SourceDefinition source)
    {
        foreach (var (name, variable) in source.HeadersEnv)
        {
            if (!VariableName().IsMatch(variable)) continue;   // a problem of the file, reported when it was read
            var value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(value)) yield return $"{EnvField}: '{name}': environment variable {variable} is not set (or is empty)";
            else if (ValueProblem(value) is { } bad) yield return $"{EnvField}: '{name}': the value of environment variable {variable} {bad}";
        }
    }

    /// <summary>The headers <paramref name="source"/> sends, values from the environment filled in (an unset variable's header is left out).</summary>
    public static IReadOnlyDictionary<string, string> Resolve(SourceDefinition source)
    {
        var headers = new Dictionary<string, string>(source.Headers, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, variable) in source.HeadersEnv)
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value) headers[name] = value;
        }
        return headers;
    }

    /// <summary>
    /// <paramref name="requests"/> with the source's headers added; on the same name the source's header replaces the
    /// kind's (an <c>Accept</c>, or the <c>Authorization</c> github-releases builds from <c>tokenEnv</c>).
    /// </summary>
    public static IReadOnlyList<SourceRequest> Apply(IReadOnlyList<SourceRequest> requests, IReadOnlyDictionary<string, string> headers)
    {
        if (headers.Count == 0) return requests;
        return requests.Select(request =>
        {
            var merged = new Dictionary<string, string>(request.Headers ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in headers) merged[name] = value;
            return request with { Headers = merged };
        }).ToList();
    }

    private static Dictionary<string, string> ReadObject(JsonElement source, string field, Action<string, string> problem)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!source.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return result;
        if (value.ValueKind != JsonValueKind.Object)
        {
            problem(field, $"expected an object of header name → {(field == Field ? "value" : "environment variable")}, got {value.ValueKind}");
            return result;
        }
        foreach (var property in value.EnumerateObject())
        {
            var name = property.Name;
            if (!FieldName().IsMatch(name))
                problem(field, $"'{name}': not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~, no spaces or ':')");
            else if (Owned.TryGetValue(name, out var why))
                problem(field, $"'{name}': set by the fetcher, not per source ({why})");
            else if (property.Value.ValueKind != JsonValueKind.String)
                problem(field, $"'{name}': expected a string, got {property.Value.ValueKind}");
            else if (!result.TryAdd(name, property.Value.GetString()!))
                problem(field, $"'{name}': given twice (header names are case-insensitive)");
        }
        return result;
    }

    // RFC 9110 §5.5: a field value is visible ASCII, spaces and tabs; a CR or LF would end the header and start another
    // (header injection), and .NET sends only ASCII header values.
    private static string? ValueProblem(string value)
    {
        if (value.Any(c => c is '\r' or '\n')) return "has a line break (CR or LF)";
        if (value.Any(c => c != '\t' && (char.IsControl(c) || c > '~'))) return "has a control or non-ASCII character (percent-encode it)";
        return null;
    }

    // RFC 9110 §5.1: field-name = token.
    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex FieldName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
