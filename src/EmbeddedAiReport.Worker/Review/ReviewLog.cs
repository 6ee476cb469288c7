namespace EmbeddedAiReport.Worker.Review;

/// <summary>Log messages of the review page (event ids 47xx).</summary>
internal static partial class ReviewLog
{
    [LoggerMessage(EventId = 4701, Level = LogLevel.Information, Message = "Review {Window}: {Action} on entry {EntryId}: {Outcome}")]
    public static partial void Acted(this ILogger logger, string window, string action, string entryId, string outcome);

    [LoggerMessage(EventId = 4702, Level = LogLevel.Information, Message = "Review {Window}: published issue {Date} with {Items} items")]
    public static partial void Published(this ILogger logger, string window, string date, int items);

    [LoggerMessage(EventId = 4703, Level = LogLevel.Warning, Message = "Review: refused {Method} {Path} from {Address}: {Reason}")]
    public static partial void Refused(this ILogger logger, string method, string path, string? address, string reason);

    [LoggerMessage(EventId = 4704, Level = LogLevel.Warning,
        Message = "Review: {Address} gave {Failures} wrong editor tokens within {Minutes} minutes: its tokens are refused (429) for {Seconds:0} s")]
    public static partial void TokensLockedOut(this ILogger logger, string? address, int failures, double minutes, double seconds);
}
