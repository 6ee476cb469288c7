using EmbeddedAiReport.Sources;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Ingest;

/// <summary>Poll-level log lines (the event ids of the Sources range they have always had, so log queries keep working).</summary>
internal static partial class IngestLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Polled {SourceId}: {NewCount} new, {UpdatedCount} updated, {SeenCount} seen in {ElapsedMs} ms")]
    public static partial void Polled(this ILogger logger, string sourceId, int newCount, int updatedCount, int seenCount, long elapsedMs);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Polled {SourceId}: not modified")]
    public static partial void NotModified(this ILogger logger, string sourceId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Poll of {SourceId} failed: {Error}")]
    public static partial void PollFailed(this ILogger logger, string sourceId, string error);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Poll of {SourceId} crashed; other sources go on")]
    public static partial void PollCrashed(this ILogger logger, string sourceId, Exception exception);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "{SourceId} is stale: polls succeed but no new entry since {LastNew} (expected within {StaleAfter}; check the mirror's login)")]
    private static partial void SourceStale(this ILogger logger, string sourceId, string lastNew, string staleAfter);

    /// <summary>Event 2105, in the words and units `sources` uses for a stale source (<c>expected within 3d</c>).</summary>
    public static void SourceStale(this ILogger logger, string sourceId, string lastNew, TimeSpan staleAfter) =>
        logger.SourceStale(sourceId, lastNew, Duration.Format(staleAfter));

    [LoggerMessage(EventId = 2108, Level = LogLevel.Warning, Message = "{SourceId}: {Field} pattern '{Pattern}' took longer than {Timeout} on an entry, which was kept as if unfiltered; simplify the pattern (nested repeats such as (a+)+ backtrack without end)")]
    public static partial void FilterTimedOut(this ILogger logger, string sourceId, string field, string pattern, TimeSpan timeout);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Copying the SQLite write-ahead log into the database failed; it is tried again after the next commit")]
    public static partial void CheckpointFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Skipped {SourceId}: paused until {Until} after {Failures} failed {Polls} in a row")]
    private static partial void Paused(this ILogger logger, string sourceId, string until, int failures, string polls);

    /// <summary>Event 2006, "after 1 failed poll" or "after 3 failed polls": the count keeps its own field for log queries.</summary>
    public static void Paused(this ILogger logger, string sourceId, string until, int failures) =>
        logger.Paused(sourceId, until, failures, failures == 1 ? "poll" : "polls");
}
