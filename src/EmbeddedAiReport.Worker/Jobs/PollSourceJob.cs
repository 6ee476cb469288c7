using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>Polls one source on its schedule; the JobKey is the source id, so a source never runs twice at once.</summary>
/// <remarks>
/// A source paused after failures is skipped until its pause ends (<see cref="SourcePoller.PollIfDueAsync"/>); <c>poll</c>
/// ignores pauses. A firing whose work a catch-up poll already did (the source succeeded after the firing was due) is skipped.
/// The token is cancelled when the daemon stops: the request and any retry wait end at once and nothing of the poll is committed.
/// </remarks>
[DisallowConcurrentExecution]
internal sealed partial class PollSourceJob(SourcePoller poller, SourceStore store, LoadedConfig config, ILogger<PollSourceJob> logger) : IJob
{
    public const string SourceIdKey = "sourceId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var id = context.MergedJobDataMap.TryGetValue(SourceIdKey, out var value) ? value as string : null;
        var source = config.Current.Sources.FirstOrDefault(s => s.Id == id);
        if (source is null) return;   // removed from sources.json since scheduling
        try
        {
            if (context.ScheduledFireTimeUtc is { } due && (await store.GetHealthAsync(source.Id, cancellationToken))?.LastSuccess > due) return;
            await poller.PollIfDueAsync(source, cancellationToken);   // logs its own outcome
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Stopped(source.Id);
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Poll of {SourceId} stopped by shutdown; nothing of it was stored")]
    private partial void Stopped(string sourceId);
}
