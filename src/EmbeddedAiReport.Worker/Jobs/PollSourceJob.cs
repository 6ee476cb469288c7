using EmbeddedAiReport.Sources;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>Polls one source on its schedule; the JobKey is the source id, so a source never runs twice at once.</summary>
/// <remarks>A source paused after failures is skipped until its pause ends (<see cref="SourcePoller.PollIfDueAsync"/>); <c>poll</c> ignores pauses.</remarks>
[DisallowConcurrentExecution]
internal sealed class PollSourceJob(SourcePoller poller, LoadedConfig config) : IJob
{
    public const string SourceIdKey = "sourceId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var id = context.MergedJobDataMap.GetString(SourceIdKey);
        var source = config.Sources.FirstOrDefault(s => s.Id == id);
        if (source is null) return;   // removed from sources.json since scheduling
        await poller.PollIfDueAsync(source, cancellationToken);   // logs its own outcome
    }
}
