using System.Globalization;
using System.Text;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>Item 1 of issue 15: schedules persist in the database, and a restart catches up on downtime once, not once per missed tick.</summary>
public abstract class DowntimeTests : LoopbackTest
{
    public sealed class OnSqlite() : DowntimeTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : DowntimeTests(StorageProvider.Postgres);

    // Friday 2020-11-20 10:00 in Shanghai; three days later is Monday 10:00, an hour after the weekly export was due.
    private static readonly DateTimeOffset Friday = new(2020, 11, 20, 2, 0, 0, TimeSpan.Zero);

    private readonly TestDatabase _database;

    private DowntimeTests(StorageProvider provider) => _database = TestDatabase.Create(provider, Folder);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var id in new[] { "hourly-feed", "daily-feed", "weekly-feed" })
        {
            var items = string.Concat(Enumerable.Range(0, 3).Select(i =>
                FaultFeeds.Item($"{id} quantization item {i}", $"https://example.org/{id}/{i}", "INT8 quantization on an NPU.", pubDate: "Thu, 19 Nov 2020 08:00:00 GMT")));
            Server.MapFile($"{id}.xml", Encoding.UTF8.GetBytes(FaultFeeds.Rss(items)));
        }
    }

    public override async Task DisposeAsync()
    {
        _database.Dispose();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Restart_AfterThreeDaysDown_PollsEachOverdueSourceOnceAndWritesTheMissedDraftOnce()
    {
        var config = Folder.ConfigWithSources(Sources(Server, ("hourly-feed", "1h"), ("daily-feed", "0 0 12 * * ?"), ("weekly-feed", "7d")));
        var drafts = Daemon.Prepare(_database.Configure(config));
        var database = _database.SqlitePath;
        var clock = new FakeTimeProvider(Friday);

        await using (var first = Daemon.Start(config, database, clock))
        {
            foreach (var id in new[] { "hourly-feed", "daily-feed", "weekly-feed" }) await first.WaitForAsync(2001, id);
            Assert.Equal(0, (await first.StopAsync()).ExitCode);
        }
        Assert.Equal([1, 1, 1], Requests("hourly-feed", "daily-feed", "weekly-feed"));
        Assert.False(Directory.Exists(drafts) && Directory.GetFiles(drafts).Length > 0, "no export was due on Friday");

        clock.Advance(TimeSpan.FromDays(3));
        await using var second = Daemon.Start(config, database, clock);
        var catchingUp = await second.WaitForAsync(4105);
        await second.WaitForAsync(2002, "hourly-feed");
        await second.WaitForAsync(2002, "daily-feed");
        var exported = await second.WaitForAsync(4001, patience: TimeSpan.FromSeconds(15));
        Assert.Equal(0, (await second.StopAsync()).ExitCode);

        // Down for 72 hourly ticks and three noon ticks: one poll each; the weekly source was not due.
        Assert.Equal("Catching up: 2 source(s) overdue since their last success are polled once now: hourly-feed, daily-feed", catchingUp);
        Assert.Equal([2, 2, 1], Requests("hourly-feed", "daily-feed", "weekly-feed"));
        // Monday 09:00 (Shanghai) exports the week that contains Sunday: 2020-W47, written once.
        Assert.Contains("2020-W47", exported);
        Assert.Single(second.Logs.Lines, l => l.EventId == 4001);
        Assert.Contains("嵌入式AI简报", File.ReadAllText(Path.Combine(drafts, "2020-W47.md")));
        // Nothing is left to replay: every stored source trigger fires after now.
        Assert.All(NextFireTimes(), next => Assert.True(next > clock.GetUtcNow(), $"a trigger is still due at {next:o}"));
    }

    [Fact]
    public async Task Restart_SecondsAfterTheExportWasDue_WritesTheMissedDraftOnce()
    {
        // The soak run's kill -9: down from a little before the export time to 30 s after it, less than Quartz's misfire
        // threshold (1 min). The stored trigger is replaced at start, so without the catch-up the week had no draft.
        var config = Folder.ConfigWithSources(Sources(Server, ("weekly-feed", "7d")));
        var drafts = Daemon.Prepare(_database.Configure(config));
        var database = _database.SqlitePath;
        var clock = new FakeTimeProvider(Friday);
        await using (var first = Daemon.Start(config, database, clock))
        {
            await first.WaitForAsync(2001, "weekly-feed");
            Assert.Equal(0, (await first.StopAsync()).ExitCode);
        }

        // Friday 10:00 Shanghai + 3 days − 1 hour = Monday 09:00, the default Report:ExportSchedule; 30 s later.
        clock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromHours(1) + TimeSpan.FromSeconds(30));
        await using var second = Daemon.Start(config, database, clock);
        var missed = await second.WaitForAsync(4106, patience: TimeSpan.FromSeconds(15));
        var exported = await second.WaitForAsync(4001, patience: TimeSpan.FromSeconds(15));
        Assert.Equal(0, (await second.StopAsync()).ExitCode);

        Assert.Contains("The weekly export due at 2020-11-23 09:00:00 +08:00 was missed", missed);   // as the cron says it: 09:00 on Monday
        Assert.Contains("2020-W47", exported);
        Assert.Single(second.Logs.Lines, l => l.EventId == 4001);
        Assert.Contains("嵌入式AI简报", File.ReadAllText(Path.Combine(drafts, "2020-W47.md")));
    }

    [Theory]
    [InlineData("job data")]
    [InlineData("job class")]
    [InlineData("table")]
    public async Task Start_OnACorruptJobStore_LogsRebuildsTheSchedulesAndGoesOn(string what)
    {
        var postgres = _database.Provider == StorageProvider.Postgres;
        var (damage, logged) = what switch
        {
            "job data" => (postgres ? @"UPDATE QRTZ_JOB_DETAILS SET JOB_DATA = '\x00ff13'::bytea" : "UPDATE QRTZ_JOB_DETAILS SET JOB_DATA = x'00ff13'",
                "The job store could not be read"),
            "job class" => ("UPDATE QRTZ_JOB_DETAILS SET JOB_CLASS_NAME = 'Nowhere.NoJob, Nowhere'", "The job store could not be read"),
            _ => ("DROP TABLE QRTZ_SIMPLE_TRIGGERS", postgres
                ? "The job store is damaged (QRTZ_SIMPLE_TRIGGERS: 42P01: relation \"qrtz_simple_triggers\" does not exist"
                : "The job store is damaged (QRTZ_SIMPLE_TRIGGERS: SQLite Error 1: 'no such table"),
        };
        var config = Folder.ConfigWithSources(Sources(Server, ("hourly-feed", "1h"), ("daily-feed", "0 0 12 * * ?")));
        Daemon.Prepare(_database.Configure(config));
        var database = _database.SqlitePath;
        var clock = new FakeTimeProvider(Friday);
        await using (var first = Daemon.Start(config, database, clock))
        {
            await first.WaitForAsync(2001, "hourly-feed");
            await first.WaitForAsync(2001, "daily-feed");
            await first.StopAsync();
        }
        using (var connection = DatabaseProbe.Open(_database, readOnly: false))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = damage;
            command.ExecuteNonQuery();
        }
        SqlitePools.Clear(database);

        clock.Advance(TimeSpan.FromHours(2));
        await using var second = Daemon.Start(config, database, clock);
        var rebuilt = await second.WaitForAsync(4102);
        await second.WaitForAsync(2002, "hourly-feed");
        var result = await second.StopAsync();

        Assert.Contains(logged, second.Logs.Dump() + result.Error);
        Assert.Equal("Schedules: 2 source(s) (re)scheduled ('hourly-feed', 'daily-feed'), 0 unchanged, 0 removed", rebuilt);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, NextFireTimes().Count);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(16, false)]   // no check-in for more than twice Storage:ClusterCheckinInterval (7.5 s): taken for dead, as Quartz does
    public async Task Start_WithAnotherSourcesFileThanARunningDaemonApplied_SaysSoOnPostgres(int checkinAgeSeconds, bool running)
    {
        // The soak's two daemons: one had disabled a source by a hot edit, the other restarted with its older copy and put the
        // source back without a word. Here the stored schedules are those of the first start, and another daemon checks in.
        var config = Folder.ConfigWithSources(Sources(Server, ("hourly-feed", "1h"), ("daily-feed", "0 0 12 * * ?"), ("weekly-feed", "7d")));
        Daemon.Prepare(_database.Configure(config));
        var database = _database.SqlitePath;
        var clock = new FakeTimeProvider(Friday);
        await using (var first = Daemon.Start(config, database, clock))
        {
            foreach (var id in new[] { "hourly-feed", "daily-feed", "weekly-feed" }) await first.WaitForAsync(2001, id);
            await first.StopAsync();
        }
        clock.Advance(TimeSpan.FromMinutes(1));
        using (var connection = DatabaseProbe.Open(_database, readOnly: false))
        using (var command = connection.CreateCommand())
        {
            // Quartz's row of a daemon checking in: its last check-in in UTC ticks, its interval in milliseconds.
            command.CommandText = "INSERT INTO QRTZ_SCHEDULER_STATE (SCHED_NAME, INSTANCE_NAME, LAST_CHECKIN_TIME, CHECKIN_INTERVAL) "
                + $"VALUES ('EmbeddedAiReport', 'other-host1764000000000', {clock.GetUtcNow().AddSeconds(-checkinAgeSeconds).UtcTicks}, 7500)";
            command.ExecuteNonQuery();
        }
        SqlitePools.Clear(database);
        Server.MapFile("new-feed.xml", Encoding.UTF8.GetBytes(FaultFeeds.Rss("")));
        File.WriteAllText(Path.Combine(config, "sources.json"), Sources(Server, ("hourly-feed", "2h"), ("daily-feed", "0 0 12 * * ?"), ("new-feed", "1h")));

        await using var second = Daemon.Start(config, database, clock);
        var applied = await second.WaitForAsync(4102);
        await second.StopAsync();

        var warnings = second.Logs.Lines.Where(l => l.EventId == 4123).Select(l => l.Message).ToList();
        if (running && _database.Provider == StorageProvider.Postgres)
            Assert.Equal(["Another daemon on this database (other-host1764000000000) runs with another sources.json: 'hourly-feed' 1h there, 2h here; "
                + "'new-feed' scheduled here only; 'weekly-feed' not scheduled here; this start applies this daemon's copy to the shared schedules. "
                + "Give every daemon on the database the same sources.json: each applies its own when it starts or reloads the file, and a poll "
                + "runs with the copy of the daemon that takes it"], warnings);
        else
            Assert.Empty(warnings);   // SQLite has one daemon; a dead one's copy is not running
        Assert.Equal("Schedules: 2 source(s) (re)scheduled ('hourly-feed', 'new-feed'), 1 unchanged, 1 removed ('weekly-feed')", applied);
    }

    [Fact]
    public async Task Start_AfterTheClockMovedBackwards_RebuildsTheSchedulesFromNow()
    {
        var config = Folder.ConfigWithSources(Sources(Server, ("hourly-feed", "1h")));
        Daemon.Prepare(_database.Configure(config));
        var database = _database.SqlitePath;
        await using (var first = Daemon.Start(config, database, new FakeTimeProvider(Friday.AddDays(2))))
        {
            await first.WaitForAsync(2001, "hourly-feed");
            await first.StopAsync();
        }

        // The host's clock was two days fast and is now corrected: without a rebuild, the next poll would wait two days.
        var clock = new FakeTimeProvider(Friday);
        await using var second = Daemon.Start(config, database, clock);
        var warning = await second.WaitForAsync(4108);
        await second.WaitForAsync(4112);
        await second.StopAsync();

        Assert.Contains("The clock moved backwards (the last poll or firing was at 2020-11-22 10:00:00 +08:00", warning);
        Assert.Equal([Friday.AddHours(1)], NextFireTimes());
    }

    // Crons fire in Draft:TimeZone (README: the export's cron in the draft time zone; a source's schedule in it too). The
    // job store keeps each cron with its zone: after the setting changed and the daemon restarted as README says, a trigger
    // kept because its cron text is the same went on firing at the old zone's hours (the weekly draft at 09:00 Shanghai,
    // 02:00 in Berlin).
    [Fact]
    public async Task Restart_AfterDraftTimeZoneChanged_FiresTheCronsAtTheNewZonesHours()
    {
        var config = Folder.ConfigWithSources(Sources(Server, ("daily-feed", "0 0 12 * * ?"), ("hourly-feed", "1h")));
        Daemon.Prepare(_database.Configure(config));
        var database = _database.SqlitePath;
        var clock = new FakeTimeProvider(Friday);
        await using (var first = Daemon.Start(config, database, clock))
        {
            await first.WaitForAsync(2001, "daily-feed");
            await first.StopAsync();
        }

        TempDirectory.EditSettings(config, json => json["Draft"]!["TimeZone"] = "Europe/Berlin");
        await using var second = Daemon.Start(config, database, clock);
        await second.WaitForAsync(4112);
        await second.StopAsync();

        // Each cron's next firing at its hours in Berlin, the zone stored with it (Quartz's misfire handling, on the host's
        // clock, may move a firing of the fake clock's 2020 to a later day, never to other hours).
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        string InBerlin(string trigger) => TimeZoneInfo.ConvertTime(Assert.Single(NextFireTimes(trigger)), berlin).ToString("ddd HH:mm", CultureInfo.InvariantCulture);
        Assert.EndsWith(" 12:00", InBerlin("daily-feed"));
        Assert.Equal("Mon 09:00", InBerlin("weekly-draft"));
        Assert.EndsWith(" 03:30", InBerlin("housekeeping"));
        Assert.Equal(["Europe/Berlin", "Europe/Berlin", "Europe/Berlin"], CronZones("daily-feed", "weekly-draft", "housekeeping"));
        Assert.Equal("Schedules: 1 source(s) (re)scheduled ('daily-feed'), 1 unchanged, 0 removed", second.Logs.Lines.Last(l => l.EventId == 4102).Message);
    }

    private static string Sources(LoopbackServer server, params (string Id, string Schedule)[] sources) => $$"""{"sources": [{{string.Join(",\n", sources.Select(s =>
        $$"""{"id": "{{s.Id}}", "kind": "feed", "url": "{{server.Url(s.Id + ".xml")}}", "schedule": "{{s.Schedule}}", "allowPrivateNetwork": true}"""))}}]}""";

    private int[] Requests(params string[] ids) => ids.Select(id => Server.Requests.Count(r => r.PathAndQuery == $"/{id}.xml")).ToArray();

    private IReadOnlyList<DateTimeOffset> NextFireTimes(string trigger)
    {
        using var connection = DatabaseProbe.Open(_database);
        return DatabaseProbe.Query(connection, $"SELECT NEXT_FIRE_TIME FROM QRTZ_TRIGGERS WHERE TRIGGER_NAME = '{trigger}'",
            r => new DateTimeOffset(r.GetInt64(0), TimeSpan.Zero));
    }

    private IReadOnlyList<string> CronZones(params string[] triggers)
    {
        using var connection = DatabaseProbe.Open(_database);
        return triggers.Select(t => Assert.Single(DatabaseProbe.Query(connection,
            $"SELECT TIME_ZONE_ID FROM QRTZ_CRON_TRIGGERS WHERE TRIGGER_NAME = '{t}'", r => r.GetString(0)))).ToList();
    }

    private IReadOnlyList<DateTimeOffset> NextFireTimes()
    {
        using var connection = DatabaseProbe.Open(_database);
        return DatabaseProbe.Query(connection, "SELECT NEXT_FIRE_TIME FROM QRTZ_TRIGGERS WHERE TRIGGER_GROUP = 'sources'",
            r => new DateTimeOffset(r.GetInt64(0), TimeSpan.Zero));
    }
}
