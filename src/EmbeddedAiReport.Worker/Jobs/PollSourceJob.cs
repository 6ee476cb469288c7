using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Options;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>Polls one source on its schedule; the JobKey is the source id, so a source never runs twice at once.</summary>
/// <remarks>
/// A source paused after failures is skipped until its pause ends (<see cref="SourcePoller.PollIfDueAsync"/>); <c>poll</c>
/// ignores pauses. A firing whose work a catch-up poll already did (the source succeeded after the firing was due) is skipped,
/// and so is a catch-up firing (any trigger but the source's own) whose source is no longer overdue when it runs: two
/// daemons starting together both ask for the catch-up, and only the first does it. With several daemons the job asks for
/// recovery: a poll cut short by a daemon's death is run again by another for the same firing (it committed nothing, or
/// its success is found and the rerun skipped).
/// The token is cancelled when the daemon stops: the request and any retry wait end at once and nothing of the poll is committed.
/// A failure of the database itself (locked, damaged, full) is logged as such (4203), not as the source's failure.
/// A firing whose host's politeness gate has so many requests queued that its turn would come after half its poll budget
/// is put off to a turn booked at that gate (<see cref="HostPoliteness.Admit"/>), the same firing again: waiting
/// would spend the budget on other sources' turns (150 WeChat accounts on one mirror, 10 s apart, failed as "unreachable")
/// and hold a job thread the other hosts' sources need. A paused source's firing is skipped before it asks the gate: a place
/// or a booked turn there would hold up the sources behind it for a poll that is not made.
/// </remarks>
[DisallowConcurrentExecution]
internal sealed partial class PollSourceJob(
    SourcePoller poller, SourceStore store, ReportDatabase database, LoadedConfig config, TimeProvider timeProvider, ILogger<PollSourceJob> logger,
    IOptions<FetchingOptions> fetching)
    : IJob
{
    public const string SourceIdKey = "sourceId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var id = context.MergedJobDataMap.TryGetValue(SourceIdKey, out var value) ? value as string : null;
        var source = config.Current.Sources.FirstOrDefault(s => s.Id == id);
        if (source is null) return;   // removed from sources.json since scheduling
        var (trigger, due) = Schedules.Original(context);
        var regular = trigger == source.Id;
        Firing(source.Id, regular ? "schedule" : "catch-up", due, context.Recovering, context.Scheduler.SchedulerInstanceId);
        try
        {
            var health = await store.GetHealthAsync(source.Id, cancellationToken);
            var lastSuccess = health?.LastSuccess;
            if (lastSuccess > due || (!regular && !Schedules.IsOverdue(source.Schedule, lastSuccess, timeProvider.GetUtcNow(), config.Draft.Zone())))
            {
                // A firing that waited behind the source's previous poll (or a daemon's catch-up) comes after a success that did its work.
                Skipped(source.Id, due, lastSuccess!.Value);
                return;
            }
            // The firing's place at its host's gate, or a later turn there when more than half its budget is queued. A paused
            // source's firing asks nothing (PollIfDueAsync skips it and says so): it takes neither from its host's line.
            var gate = health?.PausedAt(due ?? timeProvider.GetUtcNow()) is null ? poller.AdmitAtGate(source, (source.PollBudget ?? fetching.Value.PollBudget) / 2) : null;
            using var place = gate?.Admission.Place;
            if (gate is ({ LaterTurn: { } turn } admission, var host, _))
            {
                await PutOffAsync(context, source, trigger, due, turn, cancellationToken);
                PutOff(source.Id, due, host, admission.Ahead, turn);
                return;
            }
            await poller.PollIfDueAsync(source, cancellationToken, due);   // logs its own outcome
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Stopped(source.Id);
        }
        catch (Exception ex) when (database.FailureLine(ex) is { } failure)
        {
            // Locked, damaged, full: the operator's to mend (/healthz reports it too); one line, not a crash of the source.
            DatabaseFailed(source.Id, failure);
        }
    }

    private async Task PutOffAsync(IJobExecutionContext context, SourceDefinition source, string trigger, DateTimeOffset? due,
        DateTimeOffset turn, CancellationToken cancellationToken)
    {
        var later = TriggerBuilder.Create()
            .WithIdentity($"{source.Id}.turn.{turn.ToUnixTimeMilliseconds()}", SourceScheduler.SourcesGroup)
            .ForJob(source.Id, SourceScheduler.SourcesGroup)
            .UsingJobData(Schedules.PutOffTriggerKey, trigger)
            .UsingJobData(Schedules.PutOffDueKey, (due ?? timeProvider.GetUtcNow()).ToString("o"))
            .StartAt(turn)
            .Build();
        await context.Scheduler.ScheduleJob(later, ScheduleJobOptions.Replacing, cancellationToken);
    }

    [LoggerMessage(EventId = 4210, Level = LogLevel.Debug, Message = "Firing of {SourceId} due {Due:o} put off to {Turn:o}: {Gate}'s politeness gate has requests queued for {Ahead}, more than half the poll's budget")]
    private partial void PutOff(string sourceId, DateTimeOffset? due, string gate, TimeSpan ahead, DateTimeOffset turn);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Error, Message = "Poll of {SourceId} not stored, the database failed: {Error}; it is polled again on its schedule")]
    private partial void DatabaseFailed(string sourceId, string error);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Poll of {SourceId} stopped by shutdown; nothing of it was stored")]
    private partial void Stopped(string sourceId);

    [LoggerMessage(EventId = 4209, Level = LogLevel.Debug, Message = "Firing of {SourceId} due {Due:o} skipped: the poll that succeeded at {LastSuccess:o} did its work")]
    private partial void Skipped(string sourceId, DateTimeOffset? due, DateTimeOffset lastSuccess);

    // Which daemon took which firing: with several daemons on one database, each firing is taken by exactly one of them.
    [LoggerMessage(EventId = 4202, Level = LogLevel.Debug, Message = "Firing of {SourceId} ({Trigger}) due {Due:o} taken by {Instance} (recovering: {Recovering})")]
    private partial void Firing(string sourceId, string trigger, DateTimeOffset? due, bool recovering, string instance);
}
