using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Sources;

internal static partial class SourcesLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Polled {SourceId}: {NewCount} new, {UpdatedCount} updated, {SeenCount} seen in {ElapsedMs} ms")]
    public static partial void Polled(this ILogger logger, string sourceId, int newCount, int updatedCount, int seenCount, long elapsedMs);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Polled {SourceId}: not modified")]
    public static partial void NotModified(this ILogger logger, string sourceId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Poll of {SourceId} failed: {Error}")]
    public static partial void PollFailed(this ILogger logger, string sourceId, string error);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "{SourceId}: skipped {Reason}")]
    public static partial void Skipped(this ILogger logger, string sourceId, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Poll of {SourceId} crashed; other sources go on")]
    public static partial void PollCrashed(this ILogger logger, string sourceId, Exception exception);
}
