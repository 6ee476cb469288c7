using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// A firing held up past Quartz's misfire threshold (1 min) — the job store failing, every job thread busy, the process
/// suspended — is dropped by Quartz; the daemon polls its source once when it can (event 4125), and never doubles a firing
/// that ran, a slow poll or the catch-up at start (README, "Command line").
/// </summary>
public abstract class DroppedFiringTests : LoopbackTest
{
    public sealed class OnSqlite() : DroppedFiringTests(StorageProvider.Sqlite)
    {
        private SqliteConnection? _lockHolder;

        public override async Task DisposeAsync()
        {
            _lockHolder?.Dispose();
            SqlitePools.Clear(Folder.File("report.db"), BusyTimeout);   // the folder closes the pools of the default busy timeout only
            await base.DisposeAsync();
        }

        [Fact]
        public async Task Run_WriteLockHeldAcrossAFiringForMoreThanAMinute_ItsSourceIsPolledOnceTheLockIsGone()
        {
            // README said: "one held up longer is skipped … and its source is polled at its next firing (a daily source the next
            // day …)": an arXiv feed keeping one day lost that day to a `sqlite3` session left open across its firing.
            var database = Folder.File("report.db");
            var config = Config(("a", "1h"));
            TempDirectory.EditSettings(config, json => json["Storage"] = new System.Text.Json.Nodes.JsonObject { ["BusyTimeout"] = BusyTimeout.ToString() });
            var clock = new FakeTimeProvider(Friday);

            await using var daemon = Daemon.Start(config, database, clock);
            await daemon.WaitForAsync(2001, Polled("a"), Patience);   // the first poll (catch-up at start), at 10:00
            _lockHolder = new SqliteConnection($"Data Source={database};Pooling=false");   // `sqlite3 report.db` and `BEGIN IMMEDIATE;`
            _lockHolder.Open();
            using (var begin = _lockHolder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                begin.ExecuteNonQuery();
            }
            clock.Advance(TimeSpan.FromHours(1));   // 11:00, the source's next firing: the job store cannot take it
            await daemon.WaitForAsync(4205, "", Patience);
            clock.Advance(TimeSpan.FromMinutes(2));   // held past the misfire threshold
            _lockHolder.Dispose();
            _lockHolder = null;
            var caughtUp = await LookUntilAsync(daemon, clock, 4125);   // the first look maybe still under the lock
            var polled = await daemon.WaitForAsync(2002, Polled("a"), Patience);
            var stopped = await ClockDriver.RunAsync(clock, daemon.StopAsync(Patience), TimeSpan.FromMilliseconds(100));

            Assert.Equal("Catching up: 1 source(s) whose firing was held up past Quartz's misfire threshold (1 min) by the job store's failure "
                + $"({database}: the database is locked by another process (waited 1 s; Storage:BusyTimeout)) are polled once now: a (due 2020-11-20 11:00:00 +08:00)",
                caughtUp);
            Assert.Equal("Polled a: not modified", polled);
            Assert.Equal(2, Requests("a"));
            Assert.Single(daemon.Logs.Lines, l => l.EventId == 4125);
            Assert.Equal(0, stopped.ExitCode);
        }
    }

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : DroppedFiringTests(StorageProvider.Postgres);

    // Friday 2020-11-20 10:00 in Shanghai.
    private static readonly DateTimeOffset Friday = new(2020, 11, 20, 2, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(1);

    // Only a hang guard: the clock stands still while a test waits, so nothing here races it (load ~4 and PostgreSQL included).
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly TestDatabase _database;

    private DroppedFiringTests(StorageProvider provider) => _database = TestDatabase.Create(provider, Folder);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var id in new[] { "a", "b" }) Server.MapFile($"{id}.xml", FaultFeeds.Healthy(3, id));
    }

    public override async Task DisposeAsync()
    {
        _database.Dispose();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Run_ProcessSuspendedAcrossAFiring_ItsSourceIsPolledOnce_TheOtherSourceIsNot()
    {
        // A suspended process (a laptop asleep, a paused VM) or every job thread busy: Quartz sees the 11:00 firing two
        // minutes late and drops it (CronTriggerMisfireInstruction.DoNothing); the noon source was not due.
        var config = Config(("a", "0 0 11 * * ?"), ("b", "0 0 12 * * ?"));
        var clock = new FakeTimeProvider(Friday);

        await using var daemon = Daemon.Start(config, _database.SqlitePath, clock);
        await daemon.WaitForAsync(2001, Polled("a"), Patience);
        await daemon.WaitForAsync(2001, Polled("b"), Patience);
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(2));
        var caughtUp = await LookUntilAsync(daemon, clock, 4125);
        var polled = await daemon.WaitForAsync(2002, Polled("a"), Patience);
        await daemon.StopAsync(Patience);

        Assert.Equal("Catching up: 1 source(s) whose firing was held up past Quartz's misfire threshold (1 min) by the scheduler "
            + "(every job thread busy, or the daemon's process suspended) are polled once now: a (due 2020-11-20 11:00:00 +08:00)", caughtUp);
        Assert.Equal("Polled a: not modified", polled);
        Assert.Equal([2, 1], new[] { Requests("a"), Requests("b") });
    }

    [Fact]
    public async Task Run_ProcessSuspendedAcrossTheWeeklyExport_TheDraftIsWrittenOnce()
    {
        // Friday 10:00 + 3 days − 1 hour = Monday 09:00 (Shanghai), the default Report:ExportSchedule; seen two minutes late.
        var config = Config(("a", "7d"));
        var drafts = Path.Combine(Path.GetDirectoryName(config)!, "drafts");
        var clock = new FakeTimeProvider(Friday);

        await using var daemon = Daemon.Start(config, _database.SqlitePath, clock);
        await daemon.WaitForAsync(2001, Polled("a"), Patience);
        clock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromHours(1) + TimeSpan.FromMinutes(2));
        var dropped = await LookUntilAsync(daemon, clock, 4127);
        var exported = await daemon.WaitForAsync(4001, "", Patience);
        await daemon.StopAsync(Patience);

        Assert.Equal("The weekly export due at 2020-11-23 09:00:00 +08:00 was held up past Quartz's misfire threshold (1 min) by the scheduler "
            + "(every job thread busy, or the daemon's process suspended); writing it once now", dropped);
        Assert.Contains("2020-W47", exported);
        Assert.Single(daemon.Logs.Lines, l => l.EventId == 4001);
        Assert.True(File.Exists(Path.Combine(drafts, "2020-W47.md")));
        Assert.DoesNotContain(daemon.Logs.Lines, l => l.EventId == 4125);   // the weekly source was not due
    }

    [Fact]
    public async Task Run_APollOutlastingTheMisfireThreshold_IsNotAskedForAgain()
    {
        // The firing ran on time and its poll is still waiting for the feed three minutes later: nothing was dropped.
        var (release, requests) = MapSlowFeed();
        var config = Config(("slow", "1h"));
        WaitForTheFeed(config);
        var clock = new FakeTimeProvider(Friday);
        SourceScheduler? scheduler = null;

        await using var daemon = Daemon.Start(config, _database.SqlitePath, clock, CaptureScheduler(s => scheduler = s));
        await daemon.WaitForAsync(2001, Polled("slow"), Patience);
        clock.Advance(TimeSpan.FromHours(1));   // the 11:00 firing, taken while the clock stands still
        await WaitUntilAsync(() => requests() == 2);
        clock.Advance(TimeSpan.FromMinutes(3));
        await scheduler!.CatchUpDroppedAsync(CancellationToken.None);
        release.SetResult();
        await daemon.WaitForAsync(2001, Polled("slow"), Patience, skip: 1);
        await scheduler.CatchUpDroppedAsync(CancellationToken.None);
        await daemon.StopAsync(Patience);

        Assert.DoesNotContain(daemon.Logs.Lines, l => l.EventId == 4125);
        Assert.Equal(2, requests());
    }

    [Fact]
    public async Task Restart_TheCatchUpAtStart_IsNotAskedForAgainWhileItsPollRuns()
    {
        var (release, requests) = MapSlowFeed();
        var config = Config(("slow", "0 0 11 * * ?"), ("b", "1h"));
        WaitForTheFeed(config);
        var clock = new FakeTimeProvider(Friday);
        await using (var first = Daemon.Start(config, _database.SqlitePath, clock))
        {
            await first.WaitForAsync(2001, Polled("slow"), Patience);
            await first.WaitForAsync(2001, Polled("b"), Patience);
            await first.StopAsync(Patience);
        }

        // Down over both 11:00 firings: the start polls each once (4105), and a look three minutes later, while the catch-up
        // poll of one still waits for its feed, asks for nothing more.
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(30));
        SourceScheduler? scheduler = null;
        await using var second = Daemon.Start(config, _database.SqlitePath, clock, CaptureScheduler(s => scheduler = s));
        await second.WaitForAsync(4105, "", Patience);
        await second.WaitForAsync(2002, Polled("b"), Patience);
        await WaitUntilAsync(() => requests() == 2);
        clock.Advance(TimeSpan.FromMinutes(3));
        await scheduler!.CatchUpDroppedAsync(CancellationToken.None);
        release.SetResult();
        await second.WaitForAsync(2001, Polled("slow"), Patience);
        await scheduler.CatchUpDroppedAsync(CancellationToken.None);
        await second.StopAsync(Patience);

        Assert.DoesNotContain(second.Logs.Lines, l => l.EventId == 4125);
        Assert.Equal([2, 2], new[] { requests(), Requests("b") });
    }

    [Fact]
    public async Task Run_AFiringAnotherDaemonHasTakenOrARecoveryOrATurnWaitsFor_IsNotAskedForUntilNoneDoes()
    {
        // Daemons on one database (PostgreSQL): Quartz records each firing a daemon takes, and keeps the record of one a killed
        // daemon was running until another recovers it with a trigger of its own. That poll does the work: a catch-up asked
        // for meanwhile would poll the source a second time. Here the record and the recovery are put in by hand.
        var config = Config(("a", "0 0 11 * * ?"));
        var clock = new FakeTimeProvider(Friday);
        SourceScheduler? scheduler = null;
        ISchedulerFactory? quartz = null;

        await using var daemon = Daemon.Start(config, _database.SqlitePath, clock, CaptureScheduler(s => scheduler = s, q => quartz = q));
        await daemon.WaitForAsync(2001, Polled("a"), Patience);
        var eleven = Friday.AddHours(1).UtcTicks;
        Execute("INSERT INTO QRTZ_SCHEDULER_STATE (SCHED_NAME, INSTANCE_NAME, LAST_CHECKIN_TIME, CHECKIN_INTERVAL) "
            + $"VALUES ('{JobStore.SchedulerName}', 'daemon-b', {Friday.AddDays(1).UtcTicks}, 7500)",
            "INSERT INTO QRTZ_FIRED_TRIGGERS (SCHED_NAME, ENTRY_ID, TRIGGER_NAME, TRIGGER_GROUP, INSTANCE_NAME, FIRED_TIME, SCHED_TIME, PRIORITY, STATE, "
            + $"JOB_NAME, JOB_GROUP, IS_NONCONCURRENT, REQUESTS_RECOVERY) VALUES ('{JobStore.SchedulerName}', 'daemon-b-1', 'a', '{SourceScheduler.SourcesGroup}', "
            + $"'daemon-b', {eleven}, {eleven}, 5, 'EXECUTING', 'a', '{SourceScheduler.SourcesGroup}', TRUE, TRUE)");
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(2));   // this daemon did not take the 11:00 firing: daemon B did
        await scheduler!.CatchUpDroppedAsync(CancellationToken.None);
        var whileTaken = daemon.Logs.Lines.Count(l => l.EventId == 4125);

        // B died amid the poll; a daemon recovering it scheduled the rerun (Quartz's group and misfire policy; not fired yet),
        // then let go of B's record. In that order: the look the clock's step woke may come at any time.
        var recovery = TriggerBuilder.Create().WithIdentity("recover_daemon-b_1", SchedulerConstants.DefaultRecoveryGroup).ForJob("a", SourceScheduler.SourcesGroup)
            .StartAt(clock.GetUtcNow().AddHours(1)).WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.IgnoreMisfires)).Build();
        var store = await quartz!.GetScheduler();
        await store.ScheduleJob(recovery);
        Execute("DELETE FROM QRTZ_FIRED_TRIGGERS WHERE INSTANCE_NAME = 'daemon-b'", "DELETE FROM QRTZ_SCHEDULER_STATE WHERE INSTANCE_NAME = 'daemon-b'");
        await scheduler.CatchUpDroppedAsync(CancellationToken.None);
        Assert.Equal([0, 0], new[] { whileTaken, daemon.Logs.Lines.Count(l => l.EventId == 4125) });

        // The rerun put off in turn to a turn booked at the host's gate: a trigger of the sources group, the job's own.
        var turn = TriggerBuilder.Create().WithIdentity($"a.turn.{clock.GetUtcNow().AddHours(2).ToUnixTimeMilliseconds()}", SourceScheduler.SourcesGroup)
            .ForJob("a", SourceScheduler.SourcesGroup).StartAt(clock.GetUtcNow().AddHours(2)).Build();
        await store.ScheduleJob(turn);
        await store.UnscheduleJob(recovery.Key);
        await scheduler.CatchUpDroppedAsync(CancellationToken.None);
        Assert.Equal(0, daemon.Logs.Lines.Count(l => l.EventId == 4125));

        // None any more, and no poll since the firing: the next look asks for it.
        await store.UnscheduleJob(turn.Key);
        await scheduler.CatchUpDroppedAsync(CancellationToken.None);
        var caughtUp = await daemon.WaitForAsync(4125, "", Patience);
        var polled = await daemon.WaitForAsync(2002, Polled("a"), Patience);
        await daemon.StopAsync(Patience);

        Assert.EndsWith("are polled once now: a (due 2020-11-20 11:00:00 +08:00)", caughtUp);
        Assert.Equal("Polled a: not modified", polled);
        Assert.Single(daemon.Logs.Lines, l => l.EventId == 4125);
        Assert.Equal(2, Requests("a"));
    }

    private void Execute(params string[] statements)
    {
        using var connection = DatabaseProbe.Open(_database, readOnly: false);
        foreach (var sql in statements)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }

    private string Config(params (string Id, string Schedule)[] sources)
    {
        var config = Folder.ConfigWithSources($$"""{"sources": [{{string.Join(",\n", sources.Select(s =>
            $$"""{"id": "{{s.Id}}", "kind": "feed", "url": "{{Server.Url(s.Id + ".xml")}}", "schedule": "{{s.Schedule}}", "allowPrivateNetwork": true}"""))}}]}""");
        Daemon.Prepare(_database.Configure(config));
        return config;
    }

    // slow.xml: its second request is answered once the test sets the returned source; each request's items are new.
    private (TaskCompletionSource Release, Func<int> Requests) MapSlowFeed()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = 0;
        Server.Map("slow.xml", async context =>
        {
            var request = Interlocked.Increment(ref requests);
            if (request == 2) await release.Task;
            context.Response.ContentType = "application/xml";
            await context.Response.Body.WriteAsync(FaultFeeds.Healthy(3, $"slow{request}"));
        });
        return (release, () => Volatile.Read(ref requests));
    }

    // A request and its poll wait for the feed as long as the test holds it, not for the clock the test advances.
    private static void WaitForTheFeed(string config) => TempDirectory.EditSettings(config, json =>
    {
        json["Fetching"]!["Timeout"] = "01:00:00";
        json["Fetching"]!["TotalTimeout"] = "01:00:00";
        json["Fetching"]!["PollBudget"] = "01:00:00";
    });

    private int Requests(string id) => Server.Requests.Count(r => r.PathAndQuery == $"/{id}.xml");

    // The daemon's SourceScheduler, to look for dropped firings at a known time (its timer looks once a minute on the clock).
    private static Action<IServiceCollection> CaptureScheduler(Action<SourceScheduler> captured, Action<ISchedulerFactory>? quartz = null) =>
        services => services.AddSingleton<IHostedService>(provider => new CaptureAtStart(() =>
        {
            captured(provider.GetRequiredService<SourceScheduler>());
            quartz?.Invoke(provider.GetRequiredService<ISchedulerFactory>());
        }));

    // The look for dropped firings runs once a minute on the clock, and one may find the source's last poll logged but not
    // yet recorded done by Quartz (it then asks nothing): the clock moves a minute at a time, each after the last look had
    // time to say what it found, at most half an hour (no test here has another firing that soon); then it stands still,
    // so the catch-up and its poll run at Quartz's own pace, however slow the machine.
    private static async Task<string> LookUntilAsync(Daemon daemon, FakeTimeProvider clock, int eventId)
    {
        var said = daemon.WaitForAsync(eventId, "", Patience);
        for (var minute = 0; minute < 30 && !said.IsCompleted; minute++)
        {
            await Task.WhenAny(said, Task.Delay(TimeSpan.FromSeconds(5)));
            if (!said.IsCompleted) clock.Advance(TimeSpan.FromMinutes(1));
        }
        return await said;
    }

    // Real time, with the fake clock standing still: what Quartz does next does not hang on how fast this machine is now.
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < Patience, "the condition did not hold within the patience");
            await Task.Delay(10);
        }
    }

    // A poll's outcome line of source <paramref name="id"/> ("a" alone is in many a line: "updated", "catch-up").
    private static string Polled(string id) => $"Polled {id}:";
}
