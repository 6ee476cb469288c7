using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Dedup;

internal static partial class DedupLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug,
        Message = "Stories: {SignedCount} entries signed, {NewCount} new stories, {MergedCount} merged in {ElapsedMs} ms")]
    public static partial void Assigned(this ILogger logger, int signedCount, int newCount, int mergedCount, long elapsedMs);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Debug,
        Message = "Stories: band index built from {EntryCount} signed entries, about {BytesPerEntry} bytes per entry, in {ElapsedMs} ms")]
    public static partial void BandsLoaded(this ILogger logger, int entryCount, long bytesPerEntry, long elapsedMs);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Debug,
        Message = "Stories: story {StoryId} split into {Parts}: a paper/repo that grouped its entries is a hub now (linked by more than Dedup:MaxLinkFanout entries)")]
    public static partial void Split(this ILogger logger, long storyId, int parts);
}
