using EmbeddedAiReport.Sources;
using Microsoft.Extensions.Options;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>Schedules one poll job per enabled source and the weekly export job, and reschedules when sources.json changes.</summary>
/// <remarks>
/// Cron schedules run in the draft time zone (Asia/Shanghai by default); intervals start right away. A changed
/// sources.json is validated first: with problems, the running schedules stay and the problems are logged.
/// </remarks>
internal sealed partial class SourceScheduler(ISchedulerFactory schedulers, LoadedConfig config, IEnumerable<ISourceKind> kinds,
    IOptions<ReportOptions> report, TimeProvider timeProvider, ILogger<SourceScheduler> logger) : IHostedService, IDisposable
{
    private const string SourcesGroup = "sources";

    // Editors save files in several writes; wait this long after the last change event before reading.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim _reloading = new(1, 1);
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;
    private CancellationTokenSource? _stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await ScheduleSourcesAsync(scheduler, cancellationToken);

        var zone = config.Draft.Zone();
        var export = JobBuilder.Create<ExportDraftJob>().WithIdentity("weekly-draft", "drafts").Build();
        var exportTrigger = TriggerBuilder.Create().WithIdentity("weekly-draft", "drafts")
            .WithCronSchedule(report.Value.ExportSchedule, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .Build();
        await scheduler.ScheduleJob(export, exportTrigger, cancellationToken: cancellationToken);
        Scheduled("weekly-draft", report.Value.ExportSchedule);

        _stopping = new CancellationTokenSource();
        _watcher = new FileSystemWatcher(config.Directory, LoadedConfig.SourcesFile)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
            EnableRaisingEvents = true,
        };
        _watcher.Changed += (_, _) => Debounce();
        _watcher.Created += (_, _) => Debounce();
        _watcher.Renamed += (_, _) => Debounce();
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        _stopping?.Cancel();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        _stopping?.Dispose();
        _reloading.Dispose();
    }

    private void Debounce()
    {
        _debounce?.Dispose();
        _debounce = timeProvider.CreateTimer(_ => _ = ReloadAsync(), null, Settle, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Reads sources.json again and replaces the source jobs; keeps the old ones when the file has problems.</summary>
    internal async Task ReloadAsync()
    {
        var token = _stopping?.Token ?? CancellationToken.None;
        if (!await _reloading.WaitAsync(0, token)) return;   // a reload is running; the next change event starts another
        try
        {
            var problems = config.ReloadSources(kinds);
            if (problems.Count > 0)
            {
                ReloadRejected(problems.Count, string.Join("; ", problems));
                return;
            }
            var scheduler = await schedulers.GetScheduler(token);
            var existing = await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(SourcesGroup), token);
            await scheduler.DeleteJobs(existing, token);
            await ScheduleSourcesAsync(scheduler, token);
            Reloaded(config.EnabledSources.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReloadFailed(ex);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private async Task ScheduleSourcesAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        var zone = config.Draft.Zone();
        foreach (var source in config.EnabledSources)
        {
            var job = JobBuilder.Create<PollSourceJob>()
                .WithIdentity(source.Id, SourcesGroup)
                .UsingJobData(PollSourceJob.SourceIdKey, source.Id)
                .Build();
            var trigger = TriggerBuilder.Create().WithIdentity(source.Id, SourcesGroup);
            trigger = Duration.TryParse(source.Schedule) is { } interval
                ? trigger.StartNow().WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                : trigger.WithCronSchedule(source.Schedule, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing));
            await scheduler.ScheduleJob(job, trigger.Build(), cancellationToken: cancellationToken);
            Scheduled(source.Id, source.Schedule);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Scheduled {JobId} ({Schedule})")]
    private partial void Scheduled(string jobId, string schedule);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "sources.json changed: rescheduled {Count} enabled source(s)")]
    private partial void Reloaded(int count);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "sources.json changed but has {Count} problem(s); the previous sources keep running: {Problems}")]
    private partial void ReloadRejected(int count, string problems);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Error, Message = "Rescheduling after a sources.json change failed; the previous schedules may be partly removed")]
    private partial void ReloadFailed(Exception exception);
}
