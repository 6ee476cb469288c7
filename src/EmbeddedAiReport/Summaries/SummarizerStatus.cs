using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Summaries;

/// <summary>The summarizer's health: state, what to tell an operator, and the runs behind it.</summary>
/// <param name="State"><c>off</c>, <c>never</c>, <c>ok</c>, <c>waiting</c> or <c>failing</c>.</param>
/// <param name="ConsecutiveFailures">Latest runs in a row whose calls failed.</param>
public sealed record SummarizerStatus(string State, string? Note, DateTimeOffset? LastSuccess, int ConsecutiveFailures, SummaryRunRecord? LastRun);
