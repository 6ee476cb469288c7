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

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "{SourceId}: page {Url} is gone ({Reason}); its entry is not stored")]
    public static partial void PageGone(this ILogger logger, string sourceId, string url, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "{SourceId}: page {Url} is an anti-bot page ({Reason}); no page fetches for {Backoff}")]
    public static partial void PageBlocked(this ILogger logger, string sourceId, string url, string reason, TimeSpan backoff);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "{SourceId}: page {Url} not read ({Reason}); the entry stays as the feed gave it")]
    public static partial void PageUnreadable(this ILogger logger, string sourceId, string url, string reason);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, Message = "{SourceId}: page fetches paused until {Until} after an anti-bot page")]
    public static partial void PagesPaused(this ILogger logger, string sourceId, DateTimeOffset until);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "{SourceId} is stale: polls succeed but no new entry since {LastNew} (expected one every {StaleAfter}); the mirror may have lost its login")]
    public static partial void SourceStale(this ILogger logger, string sourceId, string lastNew, TimeSpan staleAfter);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Skipped {SourceId}: paused until {Until:u} after {Failures} failed polls in a row")]
    public static partial void Paused(this ILogger logger, string sourceId, DateTimeOffset until, int failures);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "{SourceId}: {Url} is broken and was only partly read: {Warning}; items after the break are missing until the site fixes the feed")]
    public static partial void PartlyRead(this ILogger logger, string sourceId, string url, string warning);
}
