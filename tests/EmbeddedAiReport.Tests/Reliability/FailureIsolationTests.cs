using System.IO.Compression;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace EmbeddedAiReport.Tests.Reliability;

/// <summary>One source's failure never costs another source its entries; failing sources back off and recover.</summary>
public sealed class FailureIsolationTests : LoopbackTest
{
    private static string SourceJson(string id, Uri url, string extra = "") =>
        $$"""{"id": "{{id}}", "kind": "feed", "url": "{{url}}", "allowPrivateNetwork": true{{extra}}}""";

    [Fact]
    public async Task PollManyAsync_TwentySourcesFiveMisbehave_StoresEveryEntryOfTheFifteenHealthy()
    {
        using var services = new TestServices();
        var json = new List<string>();
        for (var i = 0; i < 15; i++)
        {
            Server.MapFile($"ok-{i}.xml", FaultFeeds.Healthy(10 + i, $"ok{i}"));
            json.Add(SourceJson($"ok-{i}", Server.Url($"ok-{i}.xml")));
        }
        var slowHit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.Map("bad-slow.xml", async context =>
        {
            await context.Response.WriteAsync("<rss version=\"2.0\"><channel>");
            await context.Response.Body.FlushAsync();
            slowHit.TrySetResult();
            try { await Task.Delay(Timeout.Infinite, context.RequestAborted); }
            catch (OperationCanceledException) { }
        });
        Server.Map("bad-500.xml", context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        Server.Map("bad-reset.xml", context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        Server.MapFile("bad-html.xml", "<!DOCTYPE html><html><body>captcha</body></html>"u8.ToArray(), "text/html");
        var bomb = Gzip(new byte[8 * 1024 * 1024]);
        Server.Map("bad-bomb.xml", async context =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            await context.Response.Body.WriteAsync(bomb);
        });
        json.Add(SourceJson("bad-slow", Server.Url("bad-slow.xml"), """, "timeout": "2s" """));
        json.AddRange(new[] { "500", "reset", "html" }.Select(b => SourceJson($"bad-{b}", Server.Url($"bad-{b}.xml"))));
        json.Add(SourceJson("bad-bomb", Server.Url("bad-bomb.xml"), """, "maxBytes": 1048576 """));
        var sources = services.Sources($$"""{"sources": [{{string.Join(",", json)}}]}""");

        var poll = services.Get<SourcePoller>().PollManyAsync(sources, maxParallel: 4, CancellationToken.None);
        await slowHit.Task.WaitPatientlyAsync("the slow source's request");
        services.Clock.Advance(TimeSpan.FromSeconds(3));   // past the slow source's 2 s timeout, far before anyone else's 30 s
        var results = await poll.WaitPatientlyAsync("the poll's end");

        Assert.All(results.Where(r => r.SourceId.StartsWith("ok-", StringComparison.Ordinal)), r => Assert.Null(r.Error));
        // Each fault in the words an operator reads in `poll` and `sources` (the reset's cause is the OS's own text).
        var errors = results.Where(r => r.SourceId.StartsWith("bad-", StringComparison.Ordinal)).ToDictionary(r => r.SourceId, r => r.Error);
        Assert.Equal(["bad-500", "bad-bomb", "bad-html", "bad-reset", "bad-slow"], errors.Keys.Order());
        Assert.Equal($"{Server.Url("bad-slow.xml")}: unreachable: timed out after 2s (raise the source's timeout if it is slow)", errors["bad-slow"]);
        Assert.Equal($"{Server.Url("bad-500.xml")}: HTTP 500 Internal Server Error (server error: the source is paused and polled again later)", errors["bad-500"]);
        Assert.StartsWith($"{Server.Url("bad-reset.xml")}: unreachable: ", errors["bad-reset"]);
        Assert.Equal($"{Server.Url("bad-html.xml")}: got an HTML page, not a feed (check the URL; the site may show an error or login page)", errors["bad-html"]);
        Assert.Equal($"{Server.Url("bad-bomb.xml")}: response larger than the 1048576 byte cap (raise maxBytes if the source is legitimate)", errors["bad-bomb"]);
        var expected = Enumerable.Range(0, 15).Sum(i => 10 + i);
        Assert.Equal(expected, await services.Get<EntryStore>().CountAsync(CancellationToken.None));
        var health = await services.Get<SourceStore>().ListHealthAsync(CancellationToken.None);
        Assert.Equal(20, health.Count);
        Assert.Equal(5, health.Count(h => h.ConsecutiveFailures == 1 && h.LastError is not null));
    }

    [Fact]
    public async Task PollAsync_ConsecutiveFailures_PauseDoublesUpToTheMaximumAndRecoveryResetsIt()
    {
        var options = TestServices.NoRetries();
        options.FailureBackoff = TimeSpan.FromMinutes(5);
        options.MaxFailureBackoff = TimeSpan.FromMinutes(30);
        using var services = new TestServices(fetching: options);
        var outage = MapOutage("flaky.xml", 502, items: 3);
        var source = Assert.Single(services.Sources($$"""{"sources": [{{SourceJson("flaky", Server.Url("flaky.xml"))}}]}"""));
        var poller = services.Get<SourcePoller>();
        var store = services.Get<SourceStore>();

        var pauses = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            await poller.PollAsync(source, CancellationToken.None);
            var health = await store.GetHealthAsync("flaky", CancellationToken.None);
            Assert.Equal(i + 1, health!.ConsecutiveFailures);
            Assert.Contains("HTTP 502", health.LastError);
            pauses.Add(health.PausedUntil!.Value - services.Clock.GetUtcNow());
            services.Clock.Advance(pauses[^1]);
        }
        outage.End();
        var recovered = await poller.PollAsync(source, CancellationToken.None);

        Assert.Equal([5, 10, 20, 30, 30], pauses.Select(p => p.TotalMinutes));
        Assert.Equal(3, recovered.New);
        var after = await store.GetHealthAsync("flaky", CancellationToken.None);
        Assert.Equal(0, after!.ConsecutiveFailures);
        Assert.Null(after.LastError);
        Assert.Null(after.PausedUntil);
    }

    [Theory]
    [InlineData(1, null, 300)]
    [InlineData(2, null, 600)]
    [InlineData(9, null, 76_800)]
    [InlineData(10, null, 86_400)]
    [InlineData(400, null, 86_400)]
    [InlineData(1, 7200, 7200)]
    [InlineData(3, 60, 1200)]
    public void PauseAfterFailure_FailuresAndRetryAfter_DoublesCapsAndHonoursTheServer(int failures, int? retryAfterSeconds, int expectedSeconds)
    {
        var pause = FailureBackoff.After(failures, retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, new FetchingOptions());

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), pause);
    }

    [Fact]
    public async Task FetchAsync_HostKeepsFailing_CircuitOpensForThatHostOnlyAndClosesAfterTheBreak()
    {
        var options = TestServices.NoRetries();
        options.CircuitBreakerFailures = 2;
        options.CircuitBreakDuration = TimeSpan.FromMinutes(5);
        using var services = new TestServices(fetching: options);
        var outage = MapOutage("down.xml", 503, items: 1);
        var fetcher = services.Get<Fetcher>();
        FetchRequest On(string host) => new(new Uri($"http://{host}:{Server.BaseUri.Port}/down.xml"), HttpValidators.None, AllowPrivateNetwork: true);

        await fetcher.FetchAsync(On("127.0.0.1"), CancellationToken.None);
        await fetcher.FetchAsync(On("127.0.0.1"), CancellationToken.None);
        var open = await fetcher.FetchAsync(On("127.0.0.1"), CancellationToken.None);
        var otherHost = await fetcher.FetchAsync(On("localhost"), CancellationToken.None);
        outage.End();
        var stillOpen = await fetcher.FetchAsync(On("127.0.0.1"), CancellationToken.None);
        services.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var closed = await fetcher.FetchAsync(On("127.0.0.1"), CancellationToken.None);

        Assert.Contains("circuit open for 127.0.0.1", open.Describe());
        Assert.IsType<FetchOutcome.HttpFailure>(otherHost);   // localhost has its own circuit: the request went out
        Assert.Contains("circuit open", stillOpen.Describe());
        Assert.IsType<FetchOutcome.Fetched>(closed);
        Assert.Equal(4, Server.Requests.Count);   // two failures, localhost's, and the one after the break
    }

    [Fact]
    public async Task SourcesCommand_AfterAFailedPoll_ShowsFailingWithTheErrorAndThePause()
    {
        using var directory = new TempDirectory();
        Server.Map("gone.xml", context =>
        {
            context.Response.StatusCode = 410;
            return Task.CompletedTask;
        });
        Server.MapFile("fine.xml", FaultFeeds.Healthy(2));
        var config = directory.ConfigWithSources($$"""{"sources": [{{SourceJson("gone", Server.Url("gone.xml"))}}, {{SourceJson("fine", Server.Url("fine.xml"))}}]}""");
        var database = directory.File("report.db");

        var poll = await CliRunner.RunAsync("poll", "--all", "--config", config, "--db", database);
        var listing = await CliRunner.RunAsync("sources", "--config", config, "--db", database);

        Assert.Equal(1, poll.ExitCode);
        Assert.Contains($"gone: error: {Server.Url("gone.xml")}: HTTP 410", poll.Out);
        Assert.Contains("check the URL", poll.Out);
        Assert.Contains("fine: 2 new", poll.Out);
        Assert.DoesNotContain("   at ", poll.Out + poll.Error);
        var gone = Assert.Single(listing.Out.Split('\n'), l => l.StartsWith("gone ", StringComparison.Ordinal));
        Assert.Contains("failing", gone);
        Assert.Contains("HTTP 410", gone);
        Assert.Contains("paused until", gone);
        Assert.Contains("ok", Assert.Single(listing.Out.Split('\n'), l => l.StartsWith("fine ", StringComparison.Ordinal)));
    }

    /// <summary>Serves <paramref name="path"/> with <paramref name="status"/> until the outage ends, then a healthy feed of <paramref name="items"/> items.</summary>
    private Outage MapOutage(string path, int status, int items)
    {
        var outage = new Outage();
        Server.Map(path, async context =>
        {
            if (!outage.Over)
            {
                context.Response.StatusCode = status;
                return;
            }
            await context.Response.Body.WriteAsync(FaultFeeds.Healthy(items));
        });
        return outage;
    }

    private sealed class Outage
    {
        private int _over;

        public bool Over => Volatile.Read(ref _over) == 1;

        public void End() => Volatile.Write(ref _over, 1);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize)) gzip.Write(data);
        return output.ToArray();
    }
}
