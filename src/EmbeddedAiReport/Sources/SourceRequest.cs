namespace EmbeddedAiReport.Sources;

/// <summary>One address a poll fetches; <see cref="Label"/> tells it apart in logs (a repo, an account).</summary>
/// <param name="Headers">Extra request headers (an API's Accept or Authorization); never logged.</param>
public sealed record SourceRequest(Uri Uri, string? Label = null, string? Account = null, IReadOnlyDictionary<string, string>? Headers = null);
