namespace EmbeddedAiReport.Storage;

/// <summary>One summarizer run as stored in <c>summary_runs</c>.</summary>
/// <param name="Error">Why calls stopped early, or null when none did (an entry whose prompt the server refused as too long for its context failed alone).</param>
/// <param name="RetryAt">When the endpoint asked to be called again, if it did.</param>
public sealed record SummaryRunRecord(DateTimeOffset Started, string Model, int Calls, int Accepted, int Refused, string? Error, DateTimeOffset? RetryAt);
