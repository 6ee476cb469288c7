namespace EmbeddedAiReport.Storage;

/// <summary>A stored model answer for an entry's current content: the accepted 摘要, or the answer and why it was refused.</summary>
/// <param name="Text">The accepted 摘要, or null when the answer failed a check.</param>
/// <param name="Problem">Why the answer was refused, or null.</param>
public sealed record StoredSummary(string? Text, string Answer, string? Problem, DateTimeOffset Created);
