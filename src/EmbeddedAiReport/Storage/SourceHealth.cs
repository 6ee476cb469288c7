namespace EmbeddedAiReport.Storage;

/// <summary>A source's poll history as the <c>sources</c> command and <c>GET /sources</c> show it.</summary>
public sealed record SourceHealth(
    string Id,
    string Kind,
    DateTimeOffset? LastPoll,
    DateTimeOffset? LastSuccess,
    string? LastError,
    int ConsecutiveFailures,
    DateTimeOffset? PausedUntil,
    DateTimeOffset? LastNewEntry,
    long Entries);
