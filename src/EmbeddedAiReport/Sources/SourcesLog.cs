using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Sources;

internal static partial class SourcesLog
{
    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "{SourceId}: skipped {Reason}")]
    public static partial void Skipped(this ILogger logger, string sourceId, string reason);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "{SourceId}: page {Url} is gone ({Reason}); its entry is not stored (one stored before leaves the draft)")]
    public static partial void PageGone(this ILogger logger, string sourceId, string url, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "{SourceId}: page {Url} is an anti-bot page ({Reason}); no page fetches for {Backoff}")]
    public static partial void PageBlocked(this ILogger logger, string sourceId, string url, string reason, TimeSpan backoff);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "{SourceId}: page {Url} not read ({Reason}); the entry stays as the feed gave it")]
    public static partial void PageUnreadable(this ILogger logger, string sourceId, string url, string reason);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Debug, Message = "{SourceId}: page {Url} not read now ({Reason}; failure {Failures} in a row); a poll from {RetryAt} on reads it")]
    public static partial void PageNotReadNow(this ILogger logger, string sourceId, string url, string reason, int failures, string retryAt);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Warning, Message = "{SourceId}: page {Url} given up after its host failed {Failures} times in a row (last: {Reason}); the entry stays as the feed gave it")]
    public static partial void PageGivenUp(this ILogger logger, string sourceId, string url, int failures, string reason);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, Message = "{SourceId}: page fetches paused until {Until} after an anti-bot page")]
    public static partial void PagesPaused(this ILogger logger, string sourceId, string until);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "{SourceId}: {Count} article page(s) left to read; the next polls read them, enrichLimit per poll")]
    public static partial void PagesLeft(this ILogger logger, string sourceId, int count);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "{SourceId}: {Url} is an HTML page; read the feed it links to, {FeedUrl}, instead: put that URL in sources.json")]
    public static partial void FeedDiscovered(this ILogger logger, string sourceId, string url, string feedUrl);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "{SourceId}: {Url} is broken and was only partly read: {Warning}; items after the break are missing until the site fixes the feed")]
    public static partial void PartlyRead(this ILogger logger, string sourceId, string url, string warning);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "{SourceId}: paging stopped at {Url}: {Reason}")]
    public static partial void PagingStopped(this ILogger logger, string sourceId, string url, string reason);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "{SourceId}: {Note}")]
    public static partial void Moved(this ILogger logger, string sourceId, string note);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "{SourceId}: {Note}")]
    public static partial void MoveForgotten(this ILogger logger, string sourceId, string note);
}
