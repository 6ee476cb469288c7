namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>Configuration events said from more than one place, declared once.</summary>
internal static partial class ConfigLog
{
    // A configuration warning (a missing ranker.json, entries kept under ids sources.json no longer has): at start (RunCommand)
    // and when a reload renames a source (SourceScheduler).
    [LoggerMessage(EventId = 4114, Level = LogLevel.Warning, Message = "Config: {Warning}")]
    public static partial void ConfigWarning(this ILogger logger, string warning);
}
