using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>Polls one source on its schedule; the JobKey is the source id, so a source never runs twice at once.</summary>
/// <remarks>A source paused after failures (backoff or Retry-After) is skipped until its pause ends; <c>poll</c> ignores pauses.</remarks>
[DisallowConcurrentExecution]
internal sealed partial class PollSourceJob(SourcePoller poller, SourceStore store, LoadedConfig config, TimeProvider timeProvider,
    ILogger<PollSourceJob> logger) : IJob
{
    public const string SourceIdKey = "sourceId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var id = context.MergedJobDataMap.GetString(SourceIdKey);
        var source = config.Sources.FirstOrDefault(s => s.Id == id);
        if (source is null) return;   // removed from sources.json since scheduling
        var health = await store.GetHealthAsync(source.Id, cancellationToken);
        if (health?.PausedUntil is { } until && until > timeProvider.GetUtcNow())
        {
            Paused(source.Id, until, health.ConsecutiveFailures);
            return;
        }
        await poller.PollGuardedAsync(source, cancellationToken);   // logs its own outcome
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Skipped {SourceId}: paused until {Until:u} after {Failures} failed polls in a row")]
    private partial void Paused(string sourceId, DateTimeOffset until, int failures);
}
