namespace EmbeddedAiReport.Storage;

/// <summary>One summarizer run as stored in <c>summary_runs</c>.</summary>
/// <param name="Error">Why calls stopped early, or null when none failed.</param>
/// <param name="RetryAt">When the endpoint asked to be called again, if it did.</param>
public sealed record SummaryRunRecord(DateTimeOffset Started, string Model, int Calls, int Accepted, int Refused, string? Error, DateTimeOffset? RetryAt);
