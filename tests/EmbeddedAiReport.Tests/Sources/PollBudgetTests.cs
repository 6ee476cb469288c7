using System.Collections.Concurrent;
using System.Text;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace EmbeddedAiReport.Tests.Sources;

/// <summary>Item 2 of issue 15: a poll has a budget that retries share, and a run of many sources ends within it.</summary>
/// <remarks>
/// Everything is measured on the fake clock the product reads: the clock moves in small steps, and only while no healthy
/// source is in the middle of its request, so a slow test machine cannot turn a healthy source into a late one. When a
/// poll ended is what the product wrote (<c>sources.last_poll</c>, taken from its clock as the poll commits), give or take
/// the steps the driver took while the cut-off poll was committing.
/// </remarks>
public sealed class PollBudgetTests() : LoopbackTest(new TestServices(fetching: Retrying()))
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);
    // The steps the driver may take between a poll's cut-off and its commit on a loaded machine (46.6 s seen for a 45 s budget
    // beside a native build); far below the 62 s of a budget that only cuts between attempts.
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(3);
    private readonly ConcurrentDictionary<string, int> _healthyStarted = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _asked = new();

    // The 94 s case of the issue: 30 s per attempt, two retries; no host gaps, and a breaker that never opens on the shared loopback host.
    private static FetchingOptions Retrying() => new()
    {
        HostDelays = [], Timeout = TimeSpan.FromSeconds(30), Retries = 2, RetryBaseDelay = TimeSpan.FromSeconds(2),
        CircuitBreakerFailures = 1_000_000, PollBudget = TimeSpan.FromSeconds(60), MaxParallelSources = 4,
    };

    [Fact]
    public async Task PollMany_TwelveMisbehavingBesideTenHealthy_EndsWithinTheBudgetWithEveryHealthyEntryStored()
    {
        var bad = new[] { "dribble", "dribble", "dribble", "dribble", "silent", "silent", "silent", "silent", "error503", "error503", "retry-after", "retry-after" }
            .Select((behaviour, i) => Source($"bad-{i}-{behaviour}", Misbehave(behaviour, $"bad-{i}"))).ToList();
        var healthy = Enumerable.Range(0, 10).Select(i => Source($"healthy-{i}", Healthy(i))).ToList();
        var finished = new ConcurrentDictionary<string, PollResult>();
        var poller = Services.Get<SourcePoller>();
        var writer = Services.Get<IngestWriter>();
        var started = Services.Clock.GetUtcNow();

        // The misbehaving sources come first: the worst order for the healthy ones behind them.
        var run = poller.PollManyAsync([.. bad, .. healthy], 4, CancellationToken.None, r => finished[r.SourceId] = r);
        for (var i = 0; i < 20_000 && !run.IsCompleted; i++)
        {
            // A healthy source is in flight between its request and its result, or polls are being stored (each stamped with
            // the clock as it commits): the clock waits for them.
            while (!run.IsCompleted && (_healthyStarted.Keys.Any(id => !finished.ContainsKey(id)) || writer.Busy)) await Task.WhenAny(run, Task.Delay(1));
            Services.Clock.Advance(Step);
            await Task.WhenAny(run, Task.Delay(1));
        }
        Assert.True(run.IsCompleted, "the run did not end within 1000 s on the product's clock");
        var results = await run;

        // The dribbling and silent sources started first and fetched until 2 s before the budget, kept for storing; nothing
        // ran past the budget itself. (The clock stands still while polls commit, but not between a poll's cut-off and its
        // commit, so on a loaded machine their recorded end lands anywhere in those 2 s.)
        Assert.InRange(LastPolls().Max() - started, TimeSpan.FromSeconds(58), TimeSpan.FromSeconds(60));
        // A result for each source, in the order given (the checks below filter them by name: none at all would pass them).
        Assert.Equal(bad.Concat(healthy).Select(s => s.Id), results.Select(r => r.SourceId));
        Assert.All(results.Where(r => r.SourceId.StartsWith("healthy-")), r => Assert.Equal((3, null), (r.New, r.Error)));
        Assert.All(results.Where(r => r.SourceId.StartsWith("bad-")), r => Assert.NotNull(r.Error));
        Assert.All(results.Where(r => r.SourceId.Contains("dribble") || r.SourceId.Contains("silent")),
            r => Assert.Contains("budget of", r.Error));
        using var connection = DatabaseProbe.Open(Services.DatabasePath);
        Assert.Equal(30L, DatabaseProbe.Query(connection, "SELECT count(*) FROM entries WHERE source_id LIKE 'healthy-%'", r => r.GetInt64(0)).Single());
        Assert.Equal(22L, DatabaseProbe.Query(connection, "SELECT count(*) FROM fetches", r => r.GetInt64(0)).Single());
    }

    [Fact]
    public async Task PollMany_EightSourcesOnAHostTenSecondsApart_PollsTheSixThatFitAndTheOtherHostsAtOnce_AndSaysTheRestPlainly()
    {
        // The bigweek case in small: 60 s budget, 58 s of it for fetching; turns at the gated host at 0, 10, … 50 s: six fit.
        var gated = Enumerable.Range(0, 8).Select(i => Source($"wechat-{i}", Timed($"wechat-{i}"), politenessDelay: "10s")).ToList();
        var others = Enumerable.Range(0, 3).Select(i => Source($"blog-{i}", Timed($"blog-{i}"))).ToList();
        var finished = new ConcurrentDictionary<string, PollResult>();
        var writer = Services.Get<IngestWriter>();
        var started = Services.Clock.GetUtcNow();

        // The gated host's sources come first: the blogs on other hosts behind them are not to wait for its line.
        var results = await ClockDriver.RunAsync(Services.Clock,
            Services.Get<SourcePoller>().PollManyAsync([.. gated, .. others], 4, CancellationToken.None, r => finished[r.SourceId] = r), Step,
            hold: () => writer.Busy || _asked.Keys.Any(id => !finished.ContainsKey(id)));

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(["wechat-6", "wechat-7"], results.Where(r => r.NotPolled is not null).Select(r => r.SourceId));
        Assert.Equal("wechat-7: not polled: 127.0.0.1's politeness gap (10s) leaves room for 6 of its 8 sources in the run's budget (60s); "
            + "the daemon polls them in turn, or raise Fetching:PollBudget", results[7].Describe());
        Assert.Equal(9, _asked.Count);
        Assert.All(others, s => Assert.InRange(_asked[s.Id] - started, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => i * 10.0),
            Enumerable.Range(0, 6).Select(i => _asked[$"wechat-{i}"] - started).Order().Select(t => Math.Floor(t.TotalSeconds / 10) * 10));
        // The sources left out have no poll recorded: their health is not failing.
        using var connection = DatabaseProbe.Open(Services.DatabasePath);
        Assert.Equal(0L, DatabaseProbe.Query(connection, "SELECT count(*) FROM fetches WHERE source_id IN ('wechat-6', 'wechat-7') OR error IS NOT NULL",
            r => r.GetInt64(0)).Single());
    }

    [Fact]
    public async Task PollMany_SourcesOnAGatedHostWithABudgetOfTheirOwn_GetTheTurnsThatComeWithinIt()
    {
        // Each source's own budget is 25 s, shorter than the run's: turns at 0, 10 and 20 s come within it; the fourth and
        // fifth source's (30 s, 40 s) would not, so they are not polled, though the run's 58 s of fetching had room for them.
        var gated = Enumerable.Range(0, 5).Select(i => Source($"wechat-{i}", Timed($"wechat-{i}"), budget: "25s", politenessDelay: "10s")).ToList();
        var finished = new ConcurrentDictionary<string, PollResult>();
        var writer = Services.Get<IngestWriter>();

        var results = await ClockDriver.RunAsync(Services.Clock,
            Services.Get<SourcePoller>().PollManyAsync(gated, 4, CancellationToken.None, r => finished[r.SourceId] = r), Step,
            hold: () => writer.Busy || _asked.Keys.Any(id => !finished.ContainsKey(id)));

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(["wechat-3", "wechat-4"], results.Where(r => r.NotPolled is not null).Select(r => r.SourceId));
        Assert.Equal(3, _asked.Count);
    }

    [Fact]
    public async Task Poll_ASourceThatDribbles_IsCutAtItsBudgetInsteadOfThreeFullAttempts()
    {
        var source = Source("dribble", Misbehave("dribble", "dribble"), budget: "45s");
        var started = Services.Clock.GetUtcNow();
        var writer = Services.Get<IngestWriter>();
        var result = await ClockDriver.RunAsync(Services.Clock, Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None), Step,
            hold: () => writer.Busy);

        // Alone it would take 30 s + 2 s + 30 s + 4 s + 30 s (three attempts and two backoffs, jitter aside); cut only between
        // attempts, 62 s.
        Assert.InRange(LastPolls().Single() - started, TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(45) + Tolerance);
        Assert.Contains("the poll's budget of 45s ran out before this request finished", result.Error);
    }

    private IReadOnlyList<DateTimeOffset> LastPolls()
    {
        using var connection = DatabaseProbe.Open(Services.DatabasePath);
        return DatabaseProbe.Query(connection, "SELECT last_poll FROM sources", r => DateTimeOffset.Parse(r.GetString(0), System.Globalization.CultureInfo.InvariantCulture));
    }

    private SourceDefinition Source(string id, string path, string? budget = null, string? politenessDelay = null) => Services.Sources($$"""
        {"sources": [{"id": "{{id}}", "kind": "feed", "url": "{{Server.Url(path)}}", "allowPrivateNetwork": true{{(budget is null ? "" : $", \"budget\": \"{budget}\"")}}{{(politenessDelay is null ? "" : $", \"politenessDelay\": \"{politenessDelay}\"")}}}]}
        """).Single();

    // A feed of three items that notes when, on the product's clock, it was asked.
    private string Timed(string name)
    {
        var body = Encoding.UTF8.GetBytes(FaultFeeds.Rss(FaultFeeds.Items(3, name)));
        Server.Map($"{name}.xml", async context =>
        {
            _asked[name] = Services.Clock.GetUtcNow();
            context.Response.ContentType = "application/rss+xml";
            await context.Response.Body.WriteAsync(body);
        });
        return $"{name}.xml";
    }

    private string Healthy(int i)
    {
        var body = Encoding.UTF8.GetBytes(FaultFeeds.Rss(FaultFeeds.Items(3, $"healthy{i}")));
        Server.Map($"healthy-{i}.xml", async context =>
        {
            _healthyStarted[$"healthy-{i}"] = 1;
            context.Response.ContentType = "application/rss+xml";
            await context.Response.Body.WriteAsync(body);
        });
        return $"healthy-{i}.xml";
    }

    private string Misbehave(string behaviour, string name)
    {
        Server.Map($"{name}.xml", async context =>
        {
            switch (behaviour)
            {
                case "dribble":   // headers and the first bytes, then nothing more
                    context.Response.ContentType = "application/rss+xml";
                    await context.Response.Body.WriteAsync("<?xml version=\"1.0\"?><rss><chan"u8.ToArray());
                    await context.Response.Body.FlushAsync();
                    await Hang(context);
                    break;
                case "silent":    // accepts the connection, never answers
                    await Hang(context);
                    break;
                case "error503":
                    context.Response.StatusCode = 503;
                    break;
                case "retry-after":   // asks for 30 s each time: two waits would overrun the budget
                    context.Response.StatusCode = 429;
                    context.Response.Headers.RetryAfter = "30";
                    break;
            }
        });
        return $"{name}.xml";
    }

    private static async Task Hang(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
