using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Summaries;

/// <summary>Log messages of the summarizer (EventIds 7000s).</summary>
internal static partial class SummariesLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information,
        Message = "Summaries {From}..{To}: {Calls} calls, {Accepted} accepted, {Refused} refused, {Cached} cached, {Entries} entries")]
    public static partial void Summarized(this ILogger logger, string from, string to, int calls, int accepted, int refused, int cached, int entries);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning,
        Message = "Summaries unavailable: {Reason}; {Waiting} entries keep the source text in this run")]
    public static partial void Unavailable(this ILogger logger, string reason, int waiting);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning,
        Message = "Summary of entry {EntryId} failed: {Reason}; it keeps the source text and the other entries are asked")]
    public static partial void EntryFailed(this ILogger logger, long entryId, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "Summary of entry {EntryId} refused: {Problem}")]
    public static partial void Refused(this ILogger logger, long entryId, string problem);
}
