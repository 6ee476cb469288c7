using EmbeddedAiReport.Sources;
using Microsoft.Extensions.Options;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>Schedules one poll job per enabled source and the weekly export job when the daemon starts.</summary>
/// <remarks>Cron schedules run in the draft time zone (Asia/Shanghai by default); intervals start right away.</remarks>
internal sealed partial class SourceScheduler(ISchedulerFactory schedulers, LoadedConfig config, IOptions<ReportOptions> report,
    ILogger<SourceScheduler> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var zone = config.Draft.Zone();
        foreach (var source in config.EnabledSources)
        {
            var job = JobBuilder.Create<PollSourceJob>()
                .WithIdentity(source.Id, "sources")
                .UsingJobData(PollSourceJob.SourceIdKey, source.Id)
                .Build();
            var trigger = TriggerBuilder.Create().WithIdentity(source.Id, "sources");
            trigger = Duration.TryParse(source.Schedule) is { } interval
                ? trigger.StartNow().WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                : trigger.WithCronSchedule(source.Schedule, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing));
            await scheduler.ScheduleJob(job, trigger.Build(), cancellationToken: cancellationToken);
            Scheduled(source.Id, source.Schedule);
        }

        var export = JobBuilder.Create<ExportDraftJob>().WithIdentity("weekly-draft", "drafts").Build();
        var exportTrigger = TriggerBuilder.Create().WithIdentity("weekly-draft", "drafts")
            .WithCronSchedule(report.Value.ExportSchedule, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .Build();
        await scheduler.ScheduleJob(export, exportTrigger, cancellationToken: cancellationToken);
        Scheduled("weekly-draft", report.Value.ExportSchedule);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Scheduled {JobId} ({Schedule})")]
    private partial void Scheduled(string jobId, string schedule);
}
