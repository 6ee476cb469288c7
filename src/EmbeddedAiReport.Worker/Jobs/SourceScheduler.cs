using System.Diagnostics.CodeAnalysis;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Worker.Configuration;
using Microsoft.Extensions.Options;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>Keeps the persistent Quartz schedules in step with sources.json and catches up on what downtime missed.</summary>
/// <remarks>
/// At start and after each sources.json change, only sources that are new, removed or whose schedule changed (for a cron,
/// its zone too: Draft:TimeZone) are rescheduled; the others keep their stored trigger. On start, each source whose last success is older than its
/// schedule is polled once (never once per missed tick) and a weekly export missed while the daemon was down is written
/// once. An unreadable job store or a clock that moved backwards is logged and the schedules are rebuilt from sources.json.
/// While the daemon runs, a firing Quartz dropped because it was held up past its misfire threshold (the job store failing,
/// every job thread busy) is caught up the same way, once, within a minute of the firing becoming possible again
/// (<see cref="CatchUpDroppedAsync"/>).
/// </remarks>
internal sealed partial class SourceScheduler(ISchedulerFactory schedulers, LoadedConfig config, SourceStore store, IssueStore issues,
    SchedulerTables tables, ReportDatabase database, IOptions<ReportOptions> report, JobStoreFailures jobStoreFailures, TimeProvider timeProvider,
    PollMetrics metrics, ILogger<SourceScheduler> logger)
    : IHostedService, IDisposable
{
    public const string SourcesGroup = "sources";
    public const string SystemGroup = "system";
    public const string ExportJob = "weekly-draft";
    public const string HousekeepingJob = "housekeeping";
    public const string ScheduleKey = "schedule";

    // A stored fire time this far ahead of the clock means the clock moved backwards, not that a trigger ran early.
    private static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(5);
    private static readonly JobKey ExportKey = new(ExportJob, SystemGroup);

    private readonly SemaphoreSlim _gate = new(1, 1);

    // Per job (a source's, the export), when this daemon last asked for a catch-up: a firing due before it is caught up already.
    private readonly Dictionary<JobKey, DateTimeOffset> _caughtUp = [];

    // The look for dropped firings, once per misfire threshold on the daemon's clock; one at a time.
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _droppedCheck;
    private Task _checking = Task.CompletedTask;
    private int _busy;

    // Several daemons share the job store (JobStore.cs): a job cut short by one daemon's death is run again by another.
    private bool Clustered => database.Provider == StorageProvider.Postgres;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var scheduler = await schedulers.GetScheduler(cancellationToken);
            var now = timeProvider.GetUtcNow();
            var snapshot = config.Current;
            var health = (await store.ListHealthAsync(cancellationToken)).ToDictionary(h => h.Id);
            var state = await ReadOrRebuildAsync(scheduler, now, health.Values.Max(h => h.LastPoll), cancellationToken);
            if (Clustered) await WarnOfAnotherSourcesFileAsync(scheduler, snapshot, state, now, cancellationToken);
            await ReconcileAsync(scheduler, snapshot, state, health, now, cancellationToken);
            var missedExport = await ScheduleSystemJobsAsync(scheduler, state, now, cancellationToken);
            await CatchUpAsync(scheduler, snapshot, health, now, cancellationToken);
            if (missedExport is { } due)
            {
                ExportMissed(SourceStatus.Time(due, config.Draft.Zone()));
                await scheduler.TriggerJob(ExportKey, new JobDataMap { [ExportDraftJob.DueKey] = due.ToString("o") }, cancellationToken);
                _caughtUp[ExportKey] = now;
            }
            _droppedCheck = timeProvider.CreateTimer(_ => CheckDropped(), null, JobStore.MisfireThreshold, JobStore.MisfireThreshold);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _droppedCheck?.Dispose();
        await _stopping.CancelAsync();
        await _checking;   // never throws
    }

    public void Dispose()
    {
        _droppedCheck?.Dispose();
        _stopping.Dispose();
        _gate.Dispose();
    }

    private void CheckDropped()
    {
        if (Interlocked.Exchange(ref _busy, 1) == 1) return;   // the last look still waits (for the gate, or a locked database)
        _checking = Task.Run(async () =>
        {
            try
            {
                await CatchUpDroppedAsync(_stopping.Token);
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        });
    }

    /// <summary>
    /// Polls once, now, every enabled source whose regular trigger had a firing due more than Quartz's misfire threshold ago
    /// that it did not fire and no poll since did the work of (a success after it, or a catch-up asked for after it); writes
    /// the weekly export the same way.
    /// </summary>
    /// <remarks>
    /// Quartz does not fire a trigger held up past its misfire threshold (<see cref="JobStore.MisfireThreshold"/>): the job
    /// store failing on the database (the write lock held by another process, a read-only file, a full disk, a PostgreSQL
    /// server restarting), every job thread busy with slow polls, or the process suspended. Its misfire instruction moves the
    /// trigger to its next time and keeps its previous firing (<see cref="Schedules.Dropped"/> compares them), so a daily
    /// source lost its day and a weekly draft its week. A firing on time, a running poll (its trigger has fired), a poll
    /// since (whatever its outcome) and the catch-up at start are not asked for again, nor a job whose firing any daemon of
    /// the job store has taken or is running (a dead daemon's, until another recovers it), or that a recovery or catch-up
    /// trigger waits for (<see cref="SchedulerTables.BusyJobsAsync"/>): that poll does the work. Nodes of a cluster name the
    /// catch-up trigger after the dropped firing: the second node to ask while it waits or runs finds it there and asks (and
    /// says) nothing; once it has polled, the success is found instead. A failure of the job store here is the one 4205 says
    /// (<see cref="JobStoreFailures.Failed"/>); the next look tries again.
    /// </remarks>
    internal async Task CatchUpDroppedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                var scheduler = await schedulers.GetScheduler(cancellationToken);
                var now = timeProvider.GetUtcNow();
                var zone = config.Draft.Zone();
                var dropped = await FindDroppedAsync(scheduler, now, cancellationToken);
                if (dropped.Count > 0) await AskCatchUpsAsync(scheduler, dropped, now, zone, cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (database.FailureLine(ex.GetBaseException()) is not null)
        {
            jobStoreFailures.Failed(ex);
        }
        catch (Exception ex)
        {
            DroppedCheckFailed(ex.Message);
        }
    }

    // Every enabled source's and the weekly export's firing that Quartz dropped and nothing did since, with when it was due.
    private async Task<List<(JobKey Job, DateTimeOffset Due)>> FindDroppedAsync(IScheduler scheduler, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The jobs in hand first: a firing taken after this snapshot and done before the reads below shows there (its
        // trigger's previous firing, its poll); Quartz takes no firing due longer than the misfire threshold ago.
        var busy = await tables.BusyJobsAsync(cancellationToken);
        var health = (await store.ListHealthAsync(cancellationToken)).ToDictionary(h => h.Id);
        var dropped = new List<(JobKey Job, DateTimeOffset Due)>();
        foreach (var source in config.Current.Sources.Where(s => s.Enabled))
        {
            // The last poll, whatever its outcome: a poll after the firing was due did its work.
            var polled = new[] { health.GetValueOrDefault(source.Id)?.LastPoll, health.GetValueOrDefault(source.Id)?.LastSuccess }.Max();
            if (await DroppedAsync(scheduler, busy, new JobKey(source.Id, SourcesGroup), polled, now, cancellationToken) is { } due)
                dropped.Add((new JobKey(source.Id, SourcesGroup), due));
        }
        if (await DroppedAsync(scheduler, busy, ExportKey, await issues.LastExportAsync(cancellationToken), now, cancellationToken) is { } exportDue)
            dropped.Add((ExportKey, exportDue));
        return dropped;
    }

    // A catch-up trigger per dropped firing, named after it so that a second daemon asking for the same one finds it there;
    // the sources asked for are said in one line, even when scheduling one of them fails.
    private async Task AskCatchUpsAsync(IScheduler scheduler, List<(JobKey Job, DateTimeOffset Due)> dropped, DateTimeOffset now, TimeZoneInfo zone,
        CancellationToken cancellationToken)
    {
        var cause = jobStoreFailures.Last is { } last && last.At >= dropped.Min(d => d.Due) - JobStore.MisfireThreshold
            ? $"the job store's failure ({last.Line})"
            : "the scheduler (every job thread busy, or the daemon's process suspended)";
        var asked = new List<string>();
        try
        {
            foreach (var (job, due) in dropped)
            {
                // Fired however late Quartz gets to it (busy job threads again): a catch-up is never dropped in turn.
                var trigger = TriggerBuilder.Create().WithIdentity($"{job.Name} dropped {due.UtcDateTime:o}", job.Group).ForJob(job).StartAt(now)
                    .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.IgnoreMisfires));
                if (job.Equals(ExportKey)) trigger.UsingJobData(ExportDraftJob.DueKey, due.ToString("o"));
                try
                {
                    await scheduler.ScheduleJob(trigger.Build(), new ScheduleJobOptions(), cancellationToken);
                }
                catch (ObjectAlreadyExistsException)
                {
                    _caughtUp[job] = now;   // another daemon on the database asked for this catch-up first, and says so
                    continue;
                }
                _caughtUp[job] = now;
                if (job.Equals(ExportKey)) ExportDropped(SourceStatus.Time(due, zone), cause);
                else asked.Add($"{job.Name} (due {SourceStatus.Time(due, zone)})");
            }
        }
        finally
        {
            if (asked.Count > 0) CatchingUpDropped(asked.Count, cause, Counted.Named(asked));
        }
    }

    /// <summary>
    /// The latest firing of <paramref name="job"/>'s regular trigger that Quartz dropped and nothing did since <paramref name="done"/>,
    /// or null; always null while the job is in <paramref name="busy"/> (<see cref="SchedulerTables.BusyJobsAsync"/>).
    /// </summary>
    /// <remarks>
    /// A job some daemon has taken a firing of (acquired, running, or cut short by a dead daemon until another recovers it),
    /// or one with a recovery trigger or a catch-up waiting, gets its poll from that: its success, found at a later look,
    /// covers the firing, and asking now would poll it twice.
    /// </remarks>
    private async Task<DateTimeOffset?> DroppedAsync(IScheduler scheduler, IReadOnlySet<(string Group, string Name)> busy, JobKey job, DateTimeOffset? done,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (busy.Contains((job.Group, job.Name))) return null;
        if (await scheduler.GetTrigger(new TriggerKey(job.Name, job.Group), cancellationToken) is not { } trigger) return null;
        DateTimeOffset?[] since = [trigger.PreviousFireTimeUtc, done, _caughtUp.TryGetValue(job, out var asked) ? asked : null];
        return Schedules.Dropped(trigger, since.Max(), now - JobStore.MisfireThreshold);
    }

    /// <summary>
    /// Applies a reload of sources.json: reschedules what changed, lifts the pause of edited sources, polls new ones, and
    /// drops the <c>/metrics</c> series of removed ones.
    /// </summary>
    public async Task ApplyAsync(ReloadResult reload, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            metrics.Keep(reload.Current.Sources.Select(s => s.Id));
            var scheduler = await schedulers.GetScheduler(cancellationToken);
            var now = timeProvider.GetUtcNow();
            var health = (await store.ListHealthAsync(cancellationToken)).ToDictionary(h => h.Id);
            var state = await ReadOrRebuildAsync(scheduler, now, health.Values.Max(h => h.LastPoll), cancellationToken);
            var rescheduled = await ReconcileAsync(scheduler, reload.Current, state, health, now, cancellationToken);
            await CatchUpAsync(scheduler, reload.Current, health, now, cancellationToken, only: rescheduled);
            // A source renamed while the daemon runs: its entries stay under the old id, said as at start (RunCommand).
            if (!reload.Previous.Sources.Select(s => s.Id).ToHashSet(StringComparer.Ordinal).SetEquals(reload.Current.Sources.Select(s => s.Id))
                && StoredSources.OrphanWarning(reload.Current.Sources, await store.EntryCountsAsync(cancellationToken)) is { } orphans)
                logger.ConfigWarning(orphans);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <param name="lastPoll">The latest poll the database remembers: ahead of the clock, like a stored firing, the clock moved back.</param>
    private async Task<StoredSchedules> ReadOrRebuildAsync(IScheduler scheduler, DateTimeOffset now, DateTimeOffset? lastPoll, CancellationToken cancellationToken)
    {
        StoredSchedules state;
        try
        {
            state = await StoredSchedules.ReadAsync(scheduler, [SourcesGroup, SystemGroup], cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            JobStoreUnreadable(ex);
            await ClearAsync(scheduler, cancellationToken);
            return StoredSchedules.Empty;
        }
        var latest = state.LatestPreviousFire > lastPoll || lastPoll is null ? state.LatestPreviousFire : lastPoll;
        if (latest is { } last && last > now + ClockTolerance)
        {
            ClockMovedBack(SourceStatus.Time(last, config.Draft.Zone()), SourceStatus.Time(now, config.Draft.Zone()));
            await ClearAsync(scheduler, cancellationToken);
            return StoredSchedules.Empty;
        }
        return state;
    }

    private async Task ClearAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        try
        {
            await scheduler.Clear(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            JobStoreRecreated(ex.GetBaseException().Message);
            await tables.RecreateAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Says when a daemon that is checking in on the shared database left other source schedules than this daemon's
    /// sources.json gives: it runs with another copy (an older one, or one edited there), and this start is about to put
    /// back what that daemon's edit changed or removed. Edits made while every daemon was down are not said: none is running.
    /// </summary>
    private async Task WarnOfAnotherSourcesFileAsync(IScheduler scheduler, ConfigSnapshot snapshot, StoredSchedules state, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var stored = state.Schedules(SourcesGroup);
        if (stored.Count == 0) return;   // a new or rebuilt job store: nothing to differ from
        var enabled = snapshot.Sources.Where(s => s.Enabled).ToDictionary(s => s.Id, s => s.Schedule, StringComparer.Ordinal);
        var differences = enabled.Where(s => !stored.ContainsKey(s.Key)).Select(s => $"'{s.Key}' scheduled here only")
            .Concat(enabled.Where(s => stored.GetValueOrDefault(s.Key) is { } other && other != s.Value).Select(s => $"'{s.Key}' {stored[s.Key]} there, {s.Value} here"))
            .Concat(stored.Keys.Where(id => !enabled.ContainsKey(id)).Select(id => $"'{id}' not scheduled here"))
            .Order(StringComparer.Ordinal).ToList();
        if (differences.Count == 0) return;
        // A node is alive while it checks in (JobStore.cs: taken for dead after twice the interval without one).
        var others = await tables.OtherInstancesAsync(scheduler.SchedulerInstanceId, now - 2 * config.Storage.ClusterCheckinInterval, cancellationToken);
        if (others.Count == 0) return;
        AnotherSourcesFile(string.Join(", ", others.Select(o => o.Instance)), string.Join("; ", differences));
    }

    /// <summary>
    /// Schedules the enabled sources that are new or whose schedule changed, removes the others, and lifts the pause of the
    /// edited ones; returns the ids of the new, rescheduled and edited sources.
    /// </summary>
    private async Task<IReadOnlySet<string>> ReconcileAsync(IScheduler scheduler, ConfigSnapshot snapshot, StoredSchedules state,
        IReadOnlyDictionary<string, SourceHealth> health, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var zone = config.Draft.Zone();
        var enabled = snapshot.Sources.Where(s => s.Enabled).ToDictionary(s => s.Id);
        var removed = state.Schedules(SourcesGroup).Keys.Where(id => !enabled.ContainsKey(id)).Select(id => new JobKey(id, SourcesGroup)).ToList();
        if (removed.Count > 0) await scheduler.DeleteJobs(removed, cancellationToken);

        var rescheduled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in enabled.Values)
        {
            if (state.IsScheduled(SourcesGroup, source.Id, source.Schedule, zone)) continue;
            if (Schedules.NeverFires(source.Schedule, now, zone))
            {
                // Quartz refuses such a trigger: one source's cron that has run out (a year field in the past) must not stop
                // the daemon's start or the rest of a reload. Its old trigger goes too: sources.json no longer says it.
                await scheduler.DeleteJob(new JobKey(source.Id, SourcesGroup), cancellationToken);
                NeverFires(source.Id, source.Schedule);
                continue;
            }
            var job = JobBuilder.Create<PollSourceJob>().WithIdentity(source.Id, SourcesGroup)
                .UsingJobData(PollSourceJob.SourceIdKey, source.Id).UsingJobData(ScheduleKey, source.Schedule).StoreDurably()
                .RequestRecovery(Clustered).Build();
            var trigger = Schedules.SourceTrigger(source, health.GetValueOrDefault(source.Id)?.LastSuccess, now, zone, SourcesGroup);
            await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, cancellationToken);
            rescheduled.Add(source.Id);
            Scheduled(LogLevel.Debug, source.Id, source.Schedule);
        }
        // The (re)scheduled and the removed (or disabled) ones by name, ten of each: an operator checking an edit sees which
        // sources it put on or took off the schedules; a start with 406 sources says ten and how many more.
        Reconciled(rescheduled.Count, Named(rescheduled.Select(id => $"'{id}'").ToList()), enabled.Count - rescheduled.Count, removed.Count,
            Named(removed.Select(key => $"'{key.Name}'").Order(StringComparer.Ordinal).ToList()));

        var edited = await store.RecordConfigurationsAsync(
            snapshot.Sources.ToDictionary(s => s.Id, s => (s.Kind, Schedules.Fingerprint(s), Schedules.EarlierFingerprints(s))), cancellationToken);
        foreach (var (id, wasPaused) in edited)
        {
            if (wasPaused) PauseLifted(id);
            rescheduled.Add(id);   // an edited source is worth a poll now if it is overdue (a fixed URL, for one)
        }
        return rescheduled;
    }

    /// <summary>Schedules the weekly export and housekeeping; returns when the export missed while the daemon was down was due, or null.</summary>
    private async Task<DateTimeOffset?> ScheduleSystemJobsAsync(IScheduler scheduler, StoredSchedules state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var zone = config.Draft.Zone();
        var cron = report.Value.ExportSchedule;
        // Missed: an export time passed since the stored trigger last fired and since the last export. Only the latest missed
        // one is written. One that passed seconds ago counts too: a stored trigger whose time has passed is replaced below
        // (ScheduleCronAsync keeps only one still ahead), so Quartz never fires it late by itself, within its misfire
        // threshold or not; a restart just after Monday 09:00 would otherwise leave the week without its draft.
        var covered = state.Covered(SystemGroup, ExportJob);
        var lastExport = await issues.LastExportAsync(cancellationToken);
        var since = covered is { } c && (lastExport is null || c > lastExport) ? c : lastExport;
        var missed = since is { } from && from <= now ? Schedules.LastDue(cron, zone, from, now) : null;
        var exporting = await ScheduleCronAsync<ExportDraftJob>(scheduler, state, ExportJob, cron, "Report:ExportSchedule", now, zone, cancellationToken);
        await ScheduleCronAsync<HousekeepingJob>(scheduler, state, HousekeepingJob, report.Value.HousekeepingSchedule, "Report:HousekeepingSchedule", now, zone, cancellationToken);
        return exporting ? missed : null;
    }

    // The members Quartz's JobBuilder.Create<T> needs of a job type (its own annotation).
    private const DynamicallyAccessedMemberTypes JobMembers =
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.Interfaces;

    // Returns false when the cron has no time left to fire (its year field has passed): Quartz refuses such a trigger, which
    // stopped the daemon's start; the job is then left out, with an error naming the setting.
    private async Task<bool> ScheduleCronAsync<[DynamicallyAccessedMembers(JobMembers)] TJob>(IScheduler scheduler, StoredSchedules state, string name,
        string cron, string setting, DateTimeOffset now, TimeZoneInfo zone, CancellationToken cancellationToken) where TJob : IJob
    {
        if (state.IsScheduled(SystemGroup, name, cron, zone) && state.NextFire(SystemGroup, name) is { } next && next > now) return true;
        if (Schedules.NeverFires(cron, now, zone))
        {
            await scheduler.DeleteJob(new JobKey(name, SystemGroup), cancellationToken);
            SystemJobNeverFires(name, setting, cron);
            return false;
        }
        var job = JobBuilder.Create<TJob>().WithIdentity(name, SystemGroup).UsingJobData(ScheduleKey, cron).StoreDurably().RequestRecovery(Clustered).Build();
        var trigger = TriggerBuilder.Create().WithIdentity(name, SystemGroup).ForJob(name, SystemGroup).StartAt(now)
            .WithCronSchedule(cron, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing)).Build();
        await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, cancellationToken);
        Scheduled(LogLevel.Information, name, cron);
        return true;
    }

    /// <summary>Polls once, now, every enabled source (of <paramref name="only"/>, when given) whose last success is older than its schedule.</summary>
    private async Task CatchUpAsync(IScheduler scheduler, ConfigSnapshot snapshot, IReadOnlyDictionary<string, SourceHealth> health, DateTimeOffset now,
        CancellationToken cancellationToken, IReadOnlySet<string>? only = null)
    {
        var zone = config.Draft.Zone();
        var overdue = snapshot.Sources
            .Where(s => s.Enabled && (only is null || only.Contains(s.Id)))
            .Where(s => !Schedules.NeverFires(s.Schedule, now, zone))
            .Where(s => Schedules.IsOverdue(s.Schedule, health.GetValueOrDefault(s.Id)?.LastSuccess, now, zone))
            .ToList();
        if (overdue.Count > 0) CatchingUp(overdue.Count, Counted.Named(overdue.Select(s => s.Id).ToList()));
        foreach (var source in overdue)
        {
            await scheduler.TriggerJob(new JobKey(source.Id, SourcesGroup), cancellationToken);
            _caughtUp[new JobKey(source.Id, SourcesGroup)] = now;
        }
    }

    // A source's at Debug (the summary, 4102, names them); the weekly export's and housekeeping's at Information.
    [LoggerMessage(EventId = 4101, Message = "Scheduled {JobId} ({Schedule})")]
    private partial void Scheduled(LogLevel level, string jobId, string schedule);

    [LoggerMessage(EventId = 4123, Level = LogLevel.Warning, Message = "Another daemon on this database ({Instances}) runs with another sources.json: "
        + "{Differences}; this start applies this daemon's copy to the shared schedules. Give every daemon on the database the same sources.json: "
        + "each applies its own when it starts or reloads the file, and a poll runs with the copy of the daemon that takes it")]
    private partial void AnotherSourcesFile(string instances, string differences);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Schedules: {Rescheduled} source(s) (re)scheduled{RescheduledIds}, {Unchanged} unchanged, {Removed} removed{RemovedIds}")]
    private partial void Reconciled(int rescheduled, string rescheduledIds, int unchanged, int removed, string removedIds);

    // " ('a', 'b')" after a count, or nothing for none.
    private static string Named(IReadOnlyCollection<string> quoted) => quoted.Count == 0 ? "" : $" ({Counted.Named(quoted)})";

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Catching up: {Count} source(s) overdue since their last success are polled once now: {Ids}")]
    private partial void CatchingUp(int count, string ids);

    [LoggerMessage(EventId = 4125, Level = LogLevel.Warning, Message = "Catching up: {Count} source(s) whose firing was held up past Quartz's misfire threshold (1 min) by {Cause} are polled once now: {Ids}")]
    private partial void CatchingUpDropped(int count, string cause, string ids);

    [LoggerMessage(EventId = 4127, Level = LogLevel.Warning, Message = "The weekly export due at {Due} was held up past Quartz's misfire threshold (1 min) by {Cause}; writing it once now")]
    private partial void ExportDropped(string due, string cause);

    [LoggerMessage(EventId = 4126, Level = LogLevel.Warning, Message = "Looking for firings held up past Quartz's misfire threshold failed: {Error}; looking again in a minute")]
    private partial void DroppedCheckFailed(string error);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "The weekly export due at {Due} was missed while the daemon was down; writing it once now")]
    private partial void ExportMissed(string due);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Error, Message = "The job store could not be read; rebuilding the schedules from sources.json")]
    private partial void JobStoreUnreadable(Exception exception);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning, Message = "The clock moved backwards (the last poll or firing was at {LastFire}, now is {Now}); rebuilding the schedules from sources.json")]
    private partial void ClockMovedBack(string lastFire, string now);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Error, Message = "Clearing the job store failed ({Reason}); its tables were recreated empty")]
    private partial void JobStoreRecreated(string reason);

    [LoggerMessage(EventId = 4115, Level = LogLevel.Error, Message = "{SourceId} is not scheduled: its schedule '{Schedule}' has no time left to fire (a year that has passed?); fix it in sources.json (poll --source still polls it)")]
    private partial void NeverFires(string sourceId, string schedule);

    [LoggerMessage(EventId = 4116, Level = LogLevel.Error, Message = "The {JobId} job is not scheduled: {Setting} '{Schedule}' has no time left to fire (a year that has passed?); fix it in appsettings.json and restart")]
    private partial void SystemJobNeverFires(string jobId, string setting, string schedule);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Information, Message = "{SourceId} was edited in sources.json: its pause after failures is lifted")]
    private partial void PauseLifted(string sourceId);
}
