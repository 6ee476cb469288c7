using System.IO.Compression;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace EmbeddedAiReport.Tests.Reliability;

/// <summary>One source's failure never costs another source its entries; failing sources back off and recover.</summary>
public sealed class FailureIsolationTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string SourceJson(string id, Uri url, string extra = "") =>
        $$"""{"id": "{{id}}", "kind": "feed", "url": "{{url}}", "allowPrivateNetwork": true{{extra}}}""";

    [Fact]
    public async Task PollManyAsync_TwentySourcesFiveMisbehave_StoresEveryEntryOfTheFifteenHealthy()
    {
        using var services = new TestServices();
        var json = new List<string>();
        for (var i = 0; i < 15; i++)
        {
            _server.MapFile($"ok-{i}.xml", FaultFeeds.Healthy(10 + i, $"ok{i}"));
            json.Add(SourceJson($"ok-{i}", _server.Url($"ok-{i}.xml")));
        }
        var slowHit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Map("bad-slow.xml", async context =>
        {
            await context.Response.WriteAsync("<rss version=\"2.0\"><channel>");
            await context.Response.Body.FlushAsync();
            slowHit.TrySetResult();
            try { await Task.Delay(Timeout.Infinite, context.RequestAborted); }
            catch (OperationCanceledException) { }
        });
        _server.Map("bad-500.xml", context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        _server.Map("bad-reset.xml", context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        _server.MapFile("bad-html.xml", "<!DOCTYPE html><html><body>captcha</body></html>"u8.ToArray(), "text/html");
        var bomb = Gzip(new byte[8 * 1024 * 1024]);
        _server.Map("bad-bomb.xml", async context =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            await context.Response.Body.WriteAsync(bomb);
        });
        json.Add(SourceJson("bad-slow", _server.Url("bad-slow.xml"), """, "timeout": "2s" """));
        json.AddRange(new[] { "500", "reset", "html" }.Select(b => SourceJson($"bad-{b}", _server.Url($"bad-{b}.xml"))));
        json.Add(SourceJson("bad-bomb", _server.Url("bad-bomb.xml"), """, "maxBytes": 1048576 """));
        var sources = services.Sources($$"""{"sources": [{{string.Join(",", json)}}]}""");

        var poll = services.Get<SourcePoller>().PollManyAsync(sources, maxParallel: 4, CancellationToken.None);
        await slowHit.Task.WaitAsync(TimeSpan.FromSeconds(60));
        services.Clock.Advance(TimeSpan.FromSeconds(3));   // past the slow source's 2 s timeout, far before anyone else's 30 s
        var results = await poll.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.All(results.Where(r => r.SourceId.StartsWith("ok-", StringComparison.Ordinal)), r => Assert.Null(r.Error));
        Assert.All(results.Where(r => r.SourceId.StartsWith("bad-", StringComparison.Ordinal)), r => Assert.NotNull(r.Error));
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
        var healthy = false;
        _server.Map("flaky.xml", async context =>
        {
            if (!Volatile.Read(ref healthy))
            {
                context.Response.StatusCode = 502;
                return;
            }
            await context.Response.Body.WriteAsync(FaultFeeds.Healthy(3));
        });
        var source = Assert.Single(services.Sources($$"""{"sources": [{{SourceJson("flaky", _server.Url("flaky.xml"))}}]}"""));
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
        Volatile.Write(ref healthy, true);
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
        var up = false;
        _server.Map("down.xml", async context =>
        {
            if (!Volatile.Read(ref up))
            {
                context.Response.StatusCode = 503;
                return;
            }
            await context.Response.Body.WriteAsync(FaultFeeds.Healthy(1));
        });
        var fetcher = services.Get<Fetcher>();
        FetchRequest On(string host) => new(new Uri($"http://{host}:{_server.BaseUri.Port}/down.xml"), HttpValidators.None, AllowPrivateNetwork: true);

        await fetcher.FetchAsync(On("127.0.0.1"), CancellationToken.None);
        await fetcher.FetchAsync(On("127.0.0.1"), CancellationToken.None);
        var open = await fetcher.FetchAsync(On("127.0.0.1"), CancellationToken.None);
        var otherHost = await fetcher.FetchAsync(On("localhost"), CancellationToken.None);
        Volatile.Write(ref up, true);
        var stillOpen = await fetcher.FetchAsync(On("127.0.0.1"), CancellationToken.None);
        services.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var closed = await fetcher.FetchAsync(On("127.0.0.1"), CancellationToken.None);

        Assert.Contains("circuit open for 127.0.0.1", open.Describe());
        Assert.IsType<FetchOutcome.HttpFailure>(otherHost);   // localhost has its own circuit: the request went out
        Assert.Contains("circuit open", stillOpen.Describe());
        Assert.IsType<FetchOutcome.Fetched>(closed);
        Assert.Equal(4, _server.Requests.Count);   // two failures, localhost's, and the one after the break
    }

    [Fact]
    public async Task SourcesCommand_AfterAFailedPoll_ShowsFailingWithTheErrorAndThePause()
    {
        using var directory = new TempDirectory();
        _server.Map("gone.xml", context =>
        {
            context.Response.StatusCode = 410;
            return Task.CompletedTask;
        });
        _server.MapFile("fine.xml", FaultFeeds.Healthy(2));
        var config = directory.ConfigWithSources($$"""{"sources": [{{SourceJson("gone", _server.Url("gone.xml"))}}, {{SourceJson("fine", _server.Url("fine.xml"))}}]}""");
        var database = directory.File("report.db");

        var poll = await CliRunner.RunAsync("poll", "--all", "--config", config, "--db", database);
        var listing = await CliRunner.RunAsync("sources", "--config", config, "--db", database);

        Assert.Equal(1, poll.ExitCode);
        Assert.Contains($"gone: error: {_server.Url("gone.xml")}: HTTP 410", poll.Out);
        Assert.Contains("check the URL", poll.Out);
        Assert.Contains("fine: 2 new", poll.Out);
        Assert.DoesNotContain("   at ", poll.Out + poll.Error);
        var gone = Assert.Single(listing.Out.Split('\n'), l => l.StartsWith("gone ", StringComparison.Ordinal));
        Assert.Contains("failing", gone);
        Assert.Contains("HTTP 410", gone);
        Assert.Contains("paused until", gone);
        Assert.Contains("ok", Assert.Single(listing.Out.Split('\n'), l => l.StartsWith("fine ", StringComparison.Ordinal)));
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize)) gzip.Write(data);
        return output.ToArray();
    }
}
