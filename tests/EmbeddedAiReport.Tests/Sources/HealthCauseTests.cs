using System.Text;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Sources;

/// <summary>Item 9 of issue 15: health says why — the error behind an open circuit, a partly read feed, one dead account of many.</summary>
public sealed class HealthCauseTests() : LoopbackTest(new TestServices(fetching: new FetchingOptions { HostDelays = [], Retries = 0, CircuitBreakerFailures = 2 }))
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task Poll_BehindAnOpenCircuit_NamesTheFailureThatOpenedIt()
    {
        var port = ClosedPort.Find();
        var source = Source("refused", $"http://127.0.0.1:{port}/feed.xml");
        var poller = Services.Get<SourcePoller>();

        var first = await poller.PollAsync(source, CancellationToken.None);
        await poller.PollAsync(source, CancellationToken.None);
        var third = await poller.PollAsync(source, CancellationToken.None);

        Assert.Contains("unreachable: could not connect (Connection refused", first.Error);
        Assert.Contains($"circuit open for 127.0.0.1 after repeated failures (last: unreachable: could not connect (Connection refused", third.Error);
    }

    // A GitHub source of several repos on a host that is down: the circuit opens after two failures, and every later repo
    // said "circuit open for 127.0.0.1 … (last: …)" again in the one line the log and `sources` show. Each cause is said
    // once, with the requests it failed counted.
    [Fact]
    public async Task Poll_SeveralReposOnAHostThatIsDown_SaysEachCauseOnceWithTheRequestsCounted()
    {
        var host = $"http://127.0.0.1:{ClosedPort.Find()}/";
        var source = Services.Sources($$"""
            {"sources": [{"id": "gh", "kind": "github-releases", "baseUrl": "{{host}}", "repos": ["a/one", "a/two", "a/three", "a/four", "a/five"], "allowPrivateNetwork": true}]}
            """).Single();

        var result = await Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);
        var accounts = await Services.Get<SourceStore>().GetRequestHealthAsync("gh", CancellationToken.None);

        Assert.NotNull(result.Error);
        Assert.Equal(1, Regex.Count(result.Error, "circuit open"));
        Assert.Equal(2, Regex.Count(result.Error, "could not connect"));   // the failure, and the circuit's "last:" quoting it
        Assert.Matches($@"^{Regex.Escape(host)}a/one/releases\.atom and 1 more request\(s\): unreachable: could not connect \([^;]*\); "
            + $@"{Regex.Escape(host)}a/three/releases\.atom and 2 more request\(s\): unreachable: circuit open for 127\.0\.0\.1 after repeated failures \(last: unreachable: could not connect", result.Error);
        // Each repo keeps its own line in its health (`sources` lists them one by one).
        Assert.Equal(5, accounts.Count);
        Assert.All(accounts.Values, a => Assert.StartsWith($"{host}{a.Label}/releases.atom: ", a.Error));
    }

    [Fact]
    public async Task Poll_AFeedOnlyPartlyRead_IsAWarningNotOk()
    {
        var whole = FaultFeeds.Rss(FaultFeeds.Items(3, "part"));
        Server.MapFile("cut.xml", Encoding.UTF8.GetBytes(whole[..whole.LastIndexOf("<item>", StringComparison.Ordinal)] + "<item><title>cut off"));
        var source = Source("cut", Server.Url("cut.xml").ToString());

        var result = await Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);
        var status = Status(source, await Services.Get<SourceStore>().GetHealthAsync("cut", CancellationToken.None));

        Assert.Null(result.Error);
        Assert.Equal(2, result.New);
        Assert.Equal("warning", status.State);
        Assert.StartsWith($"{Server.Url("cut.xml")}: only partly read: ", status.Note);
        Assert.EndsWith("recovered 2 complete item(s)", status.Note);
    }

    [Fact]
    public async Task Poll_AFeedRepairedWhole_IsOkWithoutANote()
    {
        // HTML entities without a DTD and a bare ampersand are not XML, but repairing them loses nothing: every item is read.
        var items = FaultFeeds.Items(3, "whole").Replace("Summary of whole 1.", "Edge&nbsp;AI &mdash; AT&T and 量化", StringComparison.Ordinal);
        Server.MapFile("entities.xml", Encoding.UTF8.GetBytes(FaultFeeds.Rss(items)));
        var source = Source("entities", Server.Url("entities.xml").ToString());

        var result = await Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);
        var status = Status(source, await Services.Get<SourceStore>().GetHealthAsync("entities", CancellationToken.None));

        Assert.Null(result.Error);
        Assert.Equal(3, result.New);
        Assert.Equal("ok", status.State);
        Assert.Null(status.Note);
        var summaries = (await Services.Get<EntryStore>().QueryAsync(new EntryQuery(), CancellationToken.None)).Select(e => e.Entry.Summary);
        Assert.Contains(summaries, s => s.Contains("AI \u2014 AT&T and 量化", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Poll_AFeedWithAnUnclosedBrInItsFirstItem_KeepsEveryItemAndIsOkWithoutANote()
    {
        var items = FaultFeeds.Items(3, "br").Replace("Summary of br 0.", "line one<br>line two", StringComparison.Ordinal);
        Server.MapFile("br.xml", Encoding.UTF8.GetBytes(FaultFeeds.Rss(items)));
        var source = Source("br", Server.Url("br.xml").ToString());

        var result = await Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);
        var status = Status(source, await Services.Get<SourceStore>().GetHealthAsync("br", CancellationToken.None));

        Assert.Null(result.Error);
        Assert.Equal(3, result.New);
        Assert.Equal("ok", status.State);
        Assert.Null(status.Note);
        var summaries = (await Services.Get<EntryStore>().QueryAsync(new EntryQuery(), CancellationToken.None)).Select(e => e.Entry.Summary);
        Assert.Contains("line one line two", summaries);
    }

    [Fact]
    public async Task Poll_AMirrorWithOneDeadAccount_ReportsItAndPausesOnlyThatAccount()
    {
        Server.MapFile("feeds/alive1.rss", FaultFeeds.Healthy(2, "alive1"));
        Server.MapFile("feeds/alive2.rss", FaultFeeds.Healthy(2, "alive2"));
        var source = Services.Sources($$"""
            {"sources": [{"id": "mirror", "kind": "wechat-mirror", "mirror": "{{Server.BaseUri}}", "accounts": ["alive1", "dead", "alive2"], "allowPrivateNetwork": true}]}
            """).Single();
        var poller = Services.Get<SourcePoller>();
        var store = Services.Get<SourceStore>();

        var first = await poller.PollAsync(source, CancellationToken.None);
        var health = await store.GetHealthAsync("mirror", CancellationToken.None);
        var accounts = await store.GetRequestHealthAsync("mirror", CancellationToken.None);
        Services.Clock.Advance(TimeSpan.FromMinutes(1));
        var scheduled = await poller.PollIfDueAsync(source, CancellationToken.None);
        var deadRequests = Server.Requests.Count(r => r.PathAndQuery == "/feeds/dead.rss");

        Assert.Null(first.Error);
        Assert.Equal(4, first.New);
        Assert.Equal($"1 of 3 requests failing: {Server.Url("feeds/dead.rss")}: HTTP 404 Not Found (check the URL: the feed may have moved or been removed)", first.Warning);
        Assert.Null(health!.PausedUntil);
        Assert.Equal(0, health.ConsecutiveFailures);
        Assert.Equal("warning", Status(source, health).State);
        Assert.Equal([("alive1", null, 0), ("alive2", null, 0), ("dead", $"{Server.Url("feeds/dead.rss")}: HTTP 404 Not Found (check the URL: the feed may have moved or been removed)", 1)],
            accounts.Values.OrderBy(a => a.Label).Select(a => (a.Label, a.Error, a.ConsecutiveFailures)));
        // The dead account is paused for the default first backoff; the others are polled on schedule (not modified now).
        Assert.Equal(Services.Clock.GetUtcNow() - TimeSpan.FromMinutes(1) + new FetchingOptions().FailureBackoff, accounts["dead"].PausedUntil);
        Assert.NotNull(scheduled);
        Assert.Null(scheduled!.Error);
        Assert.Equal(1, deadRequests);
        // The pause's end in the report's zone (Asia/Shanghai, +08:00), as `sources` shows it beside this note.
        Assert.StartsWith($"1 of 3 requests failing: dead: paused until {accounts["dead"].PausedUntil!.Value.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm:ss} +08:00 after: ",
            scheduled.Warning);
    }

    // Some accounts failing alike while others are read: the warning says the cause once with the requests counted, as a
    // failing source's error does (Poll_SeveralReposOnAHostThatIsDown_…); each account keeps its own line in its health.
    [Fact]
    public async Task Poll_AMirrorWithTwoAccountsFailingAlike_WarnsOfTheCauseOnceWithTheRequestsCounted()
    {
        Server.MapFile("feeds/alive.rss", FaultFeeds.Healthy(2, "alive"));
        var source = Services.Sources($$"""
            {"sources": [{"id": "mirror", "kind": "wechat-mirror", "mirror": "{{Server.BaseUri}}", "accounts": ["alive", "dead", "gone"], "allowPrivateNetwork": true}]}
            """).Single();

        var result = await Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);
        var accounts = await Services.Get<SourceStore>().GetRequestHealthAsync("mirror", CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal($"2 of 3 requests failing: {Server.Url("feeds/dead.rss")} and 1 more request(s): HTTP 404 Not Found (check the URL: the feed may have moved or been removed)",
            result.Warning);
        Assert.Equal($"{Server.Url("feeds/gone.rss")}: HTTP 404 Not Found (check the URL: the feed may have moved or been removed)", accounts["gone"].Error);
    }

    [Fact]
    public void Time_ForDisplay_IsInTheDraftZoneWithItsOffset()
    {
        Assert.Equal("2020-11-20 10:00:00 +08:00", SourceStatus.Time(new DateTimeOffset(2020, 11, 20, 2, 0, 0, TimeSpan.Zero), Shanghai));
        Assert.Equal("-", SourceStatus.Time(null, Shanghai));
    }

    [Fact]
    public async Task SourcesCommand_AfterTheDaemonRan_ShowsTheNextScheduledPollInTheDraftZone()
    {
        Server.MapFile("feed.xml", FaultFeeds.Healthy(2));

        var line = await SourcesLineAfterTheDaemonPolledAsync("hourly", "feed.xml", "1h", 2001);
        Assert.Matches(@"^hourly\s+feed\s+ok\s+2  2020-11-20 10:00:00 \+08:00\s+0  2020-11-20 11:00:00 \+08:00\s*$", line);
    }

    [Fact]
    public async Task SourcesCommand_APausedSource_ShowsTheFirstFiringAtOrAfterThePausesEnd()
    {
        // The daemon starts at 10:00 (+08:00) and polls the new source at once; it fails (404) and is paused 5 minutes
        // (Fetching:FailureBackoff) from that firing, until 10:05. Every 2 minutes from the start, the firings at 10:02 and
        // 10:04 fall in the pause and are skipped; 10:06 polls. (A cron's case: SchedulesTests.)
        Server.Map("gone.xml", context => { context.Response.StatusCode = 404; return Task.CompletedTask; });

        var line = await SourcesLineAfterTheDaemonPolledAsync("gone", "gone.xml", "2m", 2003);
        Assert.Matches(@"^gone\s+feed\s+failing\s+0  -\s+1  2020-11-20 10:06:00 \+08:00 .*: HTTP 404 .*\(paused until 2020-11-20 10:05:00 \+08:00\)\s*$", line);
    }

    // The daemon, started at 2020-11-20 10:00 (+08:00) on a fake clock with the one feed source `id` on the loopback `path`,
    // stopped once it logged `eventId` for it (2001 polled, 2003 failed); then the `sources` command's line for `id`.
    private async Task<string> SourcesLineAfterTheDaemonPolledAsync(string id, string path, string schedule, int eventId)
    {
        using var directory = new TempDirectory();
        var config = directory.ConfigWithSources($$"""
            {"sources": [{"id": "{{id}}", "kind": "feed", "url": "{{Server.Url(path)}}", "schedule": "{{schedule}}", "allowPrivateNetwork": true}]}
            """);
        Daemon.Prepare(config);
        var database = directory.File("report.db");
        var clock = new FakeTimeProvider(new DateTimeOffset(2020, 11, 20, 2, 0, 0, TimeSpan.Zero));
        await using (var daemon = Daemon.Start(config, database, clock))
        {
            await daemon.WaitForAsync(eventId, id);
            await daemon.StopAsync();
        }

        var result = await CliRunner.RunAsync(s => s.AddSingleton<TimeProvider>(clock), "sources", "--config", config, "--db", database);
        return result.Out.Split('\n').Single(l => l.StartsWith(id + " ", StringComparison.Ordinal));
    }

    private SourceStatus Status(SourceDefinition source, SourceHealth? health) =>
        SourceStatus.Of(source, health, Services.Get<SourceCatalog>().Kinds[source.Kind], Services.Clock.GetUtcNow(), Shanghai);

    private SourceDefinition Source(string id, string url) => Services.Sources($$"""
        {"sources": [{"id": "{{id}}", "kind": "feed", "url": "{{url}}", "allowPrivateNetwork": true}]}
        """).Single();
}
