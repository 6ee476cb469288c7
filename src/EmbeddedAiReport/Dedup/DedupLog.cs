using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Dedup;

internal static partial class DedupLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug,
        Message = "Stories: {SignedCount} entries signed, {NewCount} new stories, {MergedCount} merged in {ElapsedMs} ms")]
    public static partial void Assigned(this ILogger logger, int signedCount, int newCount, int mergedCount, long elapsedMs);
}
