using System.Net;
using System.Text.Json;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// The database failing in the middle of a poll (here: another process takes the file's write lock and keeps it past
/// <c>Storage:BusyTimeout</c>) is the database's failure, not the sources': <c>poll</c> stops with one line naming the file
/// and exit 2, what was stored before stays; the daemon logs it once per poll as such, never as a source's crash.
/// </summary>
public sealed class DatabaseFailureTests : LoopbackTest
{
    private SqliteConnection? _lockHolder;

    public override async Task DisposeAsync()
    {
        ReleaseLock();
        SqlitePools.Clear(Folder.File("report.db"), BusyTimeout);   // the folder closes the pools of the default busy timeout only
        await base.DisposeAsync();
    }

    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(1);

    // SQLite's "SQLite Error 5: 'database is locked'" said neither whose lock it is nor how long it was waited for (README).
    private const string Locked = "the database is locked by another process (waited 1 s; Storage:BusyTimeout)";

    // What `sqlite3 report.db` with `BEGIN IMMEDIATE;` typed into it does: holds the write lock until it ends.
    private void TakeLock(string database)
    {
        if (_lockHolder is not null) return;
        _lockHolder = new SqliteConnection($"Data Source={database};Pooling=false");
        _lockHolder.Open();
        using var begin = _lockHolder.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        begin.ExecuteNonQuery();
    }

    private void ReleaseLock()
    {
        _lockHolder?.Dispose();   // rolls back: the lock is gone
        _lockHolder = null;
    }

    // A feed whose first request, as it is served, makes another process take the database's write lock.
    private void MapFeedThatLocks(string path, string database, string prefix)
    {
        var body = FaultFeeds.Healthy(3, prefix);
        var requests = 0;
        Server.Map(path, async context =>
        {
            if (Interlocked.Increment(ref requests) == 1) TakeLock(database);
            context.Response.ContentType = "application/xml";
            await context.Response.Body.WriteAsync(body);
        });
    }

    private string Config(string database, params string[] ids)
    {
        var sources = string.Join(",\n", ids.Select(id =>
            $$"""{"id": "{{id}}", "kind": "feed", "url": "{{Server.Url(id + ".xml")}}", "schedule": "1h", "allowPrivateNetwork": true}"""));
        var config = Folder.ConfigWithSources($$"""{"sources": [{{sources}}]}""");
        // One source after another, read and stored (SourcePoller.PollManyAsync); the lock waited for one second, not thirty.
        TempDirectory.EditSettings(config, json =>
        {
            json["Fetching"]!["MaxParallelSources"] = 1;
            json["Storage"] = new System.Text.Json.Nodes.JsonObject { ["BusyTimeout"] = BusyTimeout.ToString() };
        });
        return config;
    }

    // Quartz deletes a firing's QRTZ_FIRED_TRIGGERS row in the transaction that records it done, after the poll has logged
    // its 2001 and returned. Read without the daemon's pool, whose connections the test sets apart.
    private static async Task FiringsRecordedDoneAsync(string database)
    {
        var giveUp = DateTime.UtcNow + Patience.Long;
        while (true)
        {
            using (var connection = new SqliteConnection($"Data Source={database};Pooling=false;Mode=ReadOnly"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM QRTZ_FIRED_TRIGGERS";
                if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0) return;
            }
            if (DateTime.UtcNow > giveUp) throw new TimeoutException("the job store never recorded the firing done");
            await Task.Delay(10);
        }
    }

    private static List<string> StoredSources(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=false;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT source_id FROM entries ORDER BY source_id";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read()) ids.Add(reader.GetString(0));
        return ids;
    }

    [Fact]
    public async Task Poll_WriteLockTakenMidPoll_StopsWithOneLineNamingTheFile_WhatWasStoredStays()
    {
        var database = Folder.File("report.db");
        Server.MapFile("a.xml", FaultFeeds.Healthy(3, "first"));
        MapFeedThatLocks("b.xml", database, "second");
        Server.MapFile("c.xml", FaultFeeds.Healthy(3, "third"));
        var config = Config(database, "a", "b", "c");

        var poll = await CliRunner.RunAsync("poll", "--config", config, "--db", database);
        ReleaseLock();

        Assert.Equal(2, poll.ExitCode);
        // The sources printed are the ones polled before the lock; b's poll met it and the rest were stopped, not polled.
        var printed = poll.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(printed, line => Assert.Matches(@"^\[\d/3\] [ac]: 3 new, 0 updated, 0 unchanged$", line));
        var error = Assert.Single(poll.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {database}: {Locked}; the poll stopped: {printed.Length} of 3 source(s) done before it, "
            + "the others not stored", error);
        Assert.Equal(printed.Select(l => l.Split(' ')[1].TrimEnd(':')).Order().ToList(), StoredSources(database));
        Assert.DoesNotContain(Server.Requests, r => printed.Length == 1 && r.PathAndQuery == "/c.xml");   // c after b: never fetched
    }

    [Fact]
    public async Task Mark_WriteLockHeldByAnotherProcess_OneLineSaysSoAndTheWait_NotSQLitesCode()
    {
        var database = Folder.File("report.db");
        Server.MapFile("a.xml", FaultFeeds.Healthy(3, "first"));
        var config = Config(database, "a");
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--config", config, "--db", database)).ExitCode);
        TakeLock(database);

        var mark = await CliRunner.RunAsync("mark", "1", "--status", "rejected", "--config", config, "--db", database);

        Assert.Equal(2, mark.ExitCode);
        Assert.Equal($"error: {database}: {Locked}", mark.Error.Trim());
    }

    [Fact]
    public async Task Poll_NewDatabaseFileLockedByAnotherProcess_OneLineSaysSoAndTheWait_NothingPolled()
    {
        // A `sqlite3 report.db` shell in a transaction before the first poll: the schema cannot be written, so poll stops before
        // any source is fetched, said as mark says it (mutation audit 15: that line with SQLite's "database is locked" instead
        // of the lock and the wait survived).
        var database = Folder.File("report.db");
        Server.MapFile("a.xml", FaultFeeds.Healthy(3, "first"));
        var config = Config(database, "a");
        TakeLock(database);

        var poll = await CliRunner.RunAsync("poll", "--config", config, "--db", database);

        Assert.Equal(2, poll.ExitCode);
        Assert.Equal($"error: {database}: {Locked}; nothing was polled", poll.Error.Trim());
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Healthz_APollsFailureNotALock_IsSaidWhileTheWriteLockIsFree_ALockThatIsOverIsNot_NorOneThatCannotBeAskedAbout()
    {
        // /healthz lets a lock failure go once the write lock is free; a full disk or a read-only file stays said until a poll
        // stores, and so does a lock when the question fails (mutation audit 15: letting any failure go while the lock was
        // free, or a lock whose question failed, survived).
        var database = Folder.File("report.db");
        var config = Config(database, "a");
        await using (var migrated = new EmbeddedAiReport.Storage.ReportDatabase(database)) await migrated.MigrateAsync(CancellationToken.None);
        await using var app = EmbeddedAiReport.Worker.WorkerHost.Build(EmbeddedAiReport.Worker.WorkerHost.LoadConfig(config, database), daemon: true);
        var storing = app.Services.GetRequiredService<EmbeddedAiReport.Ingest.StoringHealth>();
        var health = app.Services.GetRequiredService<EmbeddedAiReport.Worker.Http.HealthCheck>();
        var at = new DateTimeOffset(2020, 11, 20, 2, 0, 0, TimeSpan.Zero);

        storing.Failed(at, $"{database}: SQLite Error 13: 'database or disk is full'");
        var (fullHealthy, fullBody) = await health.EvaluateAsync(CancellationToken.None);
        storing.Failed(at, $"{database}: {Locked}", locked: true);
        var (lockHealthy, _) = await health.EvaluateAsync(CancellationToken.None);
        var over = storing.Current;
        storing.Failed(at, $"{database}: {Locked}", locked: true);
        SqlitePools.LeaveReadOnly(database, count: 4, BusyTimeout);   // the write lock cannot be asked for: SQLITE_READONLY
        var (unaskedHealthy, unaskedBody) = await health.EvaluateAsync(CancellationToken.None);

        Assert.False(fullHealthy);
        Assert.Equal($"polls are not stored: the database failed at 2020-11-20 10:00:00 +08:00: {database}: SQLite Error 13: 'database or disk is full'",
            Assert.IsType<EmbeddedAiReport.Worker.Http.HealthUnavailable>(fullBody).Reason);
        Assert.True(lockHealthy);
        Assert.Null(over);
        Assert.False(unaskedHealthy);
        Assert.EndsWith($": {database}: {Locked}", Assert.IsType<EmbeddedAiReport.Worker.Http.HealthUnavailable>(unaskedBody).Reason);
    }

    [Fact]
    public async Task Run_WriteLockTakenDuringAScheduledPoll_LoggedAsTheDatabasesFailure_HealthzUnavailableUntilTheLockIsGone()
    {
        var database = Folder.File("report.db");
        MapFeedThatLocks("a.xml", database, "first");
        var config = Config(database, "a");
        Daemon.Prepare(config);
        var clock = new FakeTimeProvider(new DateTimeOffset(2020, 11, 20, 2, 0, 0, TimeSpan.Zero));

        await using var daemon = Daemon.Start(config, database, clock);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        var line = await daemon.WaitForAsync(4203, "a");
        var failing = await http.GetAsync("healthz");
        ReleaseLock();
        // The lock is gone: polls can store again, nothing to wait for (it said 503 until the next poll, an hour here).
        var free = await http.GetAsync("healthz");
        clock.Advance(TimeSpan.FromHours(1));                // the source's next firing ("1h"): it stores
        await daemon.WaitForAsync(2001, "a", clock);
        var healthy = await http.GetAsync("healthz");
        var result = await daemon.StopAsync();

        Assert.Equal(0, result.ExitCode);
        var locked = $"{database}: {Locked}";
        Assert.Equal($"Poll of a not stored, the database failed: {locked}; it is polled again on its schedule", line);
        Assert.DoesNotContain(daemon.Logs.Lines, l => l.EventId is 2005 or 2003);   // neither a crash nor a failure of the source
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
        var body = JsonDocument.Parse(await failing.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("unavailable", body.GetProperty("status").GetString());
        Assert.Equal($"polls are not stored: the database failed at 2020-11-20 10:00:00 +08:00: {locked}", body.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal(["a"], StoredSources(database));
    }

    [Fact]
    public async Task Run_PooledConnectionsLeftReadOnly_TheNextFiringPollsAndStores_WithoutARestart()
    {
        // README, "Command line": the database file or folder made read-only under the running daemon, then its mode put back.
        // The connections SQLite opened meanwhile stay read-only in the pool; Quartz's job store met them at every attempt
        // (SQLite Error 8) and no poll fired again until a restart.
        var database = Folder.File("report.db");
        var requests = 0;
        Server.Map("a.xml", async context =>
        {
            context.Response.ContentType = "application/xml";
            await context.Response.Body.WriteAsync(FaultFeeds.Healthy(3, Interlocked.Increment(ref requests) == 1 ? "first" : "second"));
        });
        var config = Config(database, "a");
        Daemon.Prepare(config);
        var clock = new FakeTimeProvider(new DateTimeOffset(2020, 11, 20, 2, 0, 0, TimeSpan.Zero));

        await using var daemon = Daemon.Start(config, database, clock);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        await daemon.WaitForAsync(2001, "a");   // the first poll (catch-up at start) stored
        // The pool left read-only once the job store has recorded that firing done, as a file made read-only between two
        // firings: not while it records it (its write met a read-only connection, not the next firing's scan), and with no
        // writable connection on top of the read-only ones (else the next firing took that one, and nothing met them).
        await FiringsRecordedDoneAsync(database);
        SqlitePools.LeaveReadOnlyOnTop(database, count: 4, BusyTimeout);
        clock.Advance(TimeSpan.FromHours(1));   // the source's next firing ("1h")
        var stored = await daemon.WaitForAsync(2001, "a", clock, skip: 1);
        var healthy = await http.GetAsync("healthz");
        var stopped = await ClockDriver.RunAsync(clock, daemon.StopAsync(), TimeSpan.FromMilliseconds(100));

        Assert.StartsWith("Polled a: 3 new, 0 updated", stored);   // the second feed's items
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal(0, stopped.ExitCode);
        // Quartz met the refusal first (its misfire pass, event 3607, or its scan for triggers, 1080 and then 4205 once), and
        // no poll did: the firing stored instead.
        Assert.Contains(daemon.Logs.Lines, l => l.EventId is 3607 or 1080);
        Assert.InRange(daemon.Logs.Lines.Count(l => l.EventId == 4205), 0, 1);
        Assert.DoesNotContain(daemon.Logs.Lines, l => l.EventId is 4203 or 2005 or 2003);
    }

    [Fact]
    public async Task Run_WriteLockHeldWhenATriggerIsDue_JobStoreFailureLoggedOnceNamingTheFile_AtItsFirstAttempt_HealthzUnavailableUntilTheLockIsGone()
    {
        // The job store meets the database's failure before any poll does (Quartz records a trigger as taken before its job
        // runs): no poll ran, so nothing said so, and /healthz answered ok while nothing was polled (a read-only file the same).
        // It was then said only once Quartz gave up, after three more attempts, each waiting Storage:BusyTimeout for the lock:
        // a `sqlite3` shell holding it for 75 s was never said, one holding it for 5 min after 4 min 39 s.
        var database = Folder.File("report.db");
        Server.MapFile("a.xml", FaultFeeds.Healthy(3, "first"));
        var config = Config(database, "a");
        Daemon.Prepare(config);
        var clock = new FakeTimeProvider(new DateTimeOffset(2020, 11, 20, 2, 0, 0, TimeSpan.Zero));

        await using var daemon = Daemon.Start(config, database, clock);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        await daemon.WaitForAsync(2001, "a");   // the first poll (catch-up at start) stored
        TakeLock(database);
        var line = await daemon.WaitForAsync(4205, "", clock);   // the hourly firing comes due while the lock is held
        var failing = await http.GetAsync("healthz");
        ReleaseLock();
        var free = await http.GetAsync("healthz");   // no poll stored since, but the lock is gone
        // Quartz waits out its retry interval after a job-store failure on the injected clock: the stop is driven by it too (a
        // stop with the clock standing still waited for ever, 3 runs of 3).
        var stopped = await ClockDriver.RunAsync(clock, daemon.StopAsync(), TimeSpan.FromMilliseconds(100));

        // Said at the first failed attempt: before Quartz's line that it retries it (3038 "Transient exception on attempt 1 of 4").
        Assert.DoesNotContain(daemon.Logs.Lines.TakeWhile(l => l.EventId != 4205), l => l.EventId == 3038);
        var locked = $"{database}: {Locked}";
        Assert.Equal($"The job store failed, the database failed: {locked}; no poll fires until the database can be written again", line);
        Assert.Single(daemon.Logs.Lines, l => l.EventId == 4205);   // Quartz's retries of the same failure are not said again
        Assert.Equal(0, stopped.ExitCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
        var reason = JsonDocument.Parse(await failing.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString();
        Assert.Matches($"^polls are not stored: the database failed at 2020-11-20 1[01]:..:.. \\+08:00: {System.Text.RegularExpressions.Regex.Escape(locked)}$", reason);
    }
}
