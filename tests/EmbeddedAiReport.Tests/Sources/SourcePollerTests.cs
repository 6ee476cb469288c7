using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Tests.Sources;

public sealed class SourcePollerTests : LoopbackTest
{
    private readonly CapturingLoggerProvider _logs;

    public SourcePollerTests() : this(new CapturingLoggerProvider())
    {
    }

    private SourcePollerTests(CapturingLoggerProvider logs) : base(new TestServices(configure: s => s.AddSingleton<ILoggerProvider>(logs))) => _logs = logs;

    // Source "s", a feed whose server answers `status` (with a Retry-After when given), `answeredAfter` on the clock after
    // it was asked.
    private SourceDefinition FailingFeed(int status, TimeSpan answeredAfter = default, string? retryAfter = null)
    {
        Server.Map("feed.xml", Failing(status, answeredAfter, retryAfter));
        return Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "s", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true}]}"""));
    }

    // Source "mirror", a WeChat mirror of the accounts "alive" (one healthy entry) and `account`, whose feed answers `status`
    // 2 s on the clock after it was asked.
    private SourceDefinition MirrorWithAFailingAccount(string account, int status, string? retryAfter = null)
    {
        Server.MapFile("feeds/alive.rss", FaultFeeds.Healthy(1, "alive"));
        Server.Map($"feeds/{account}.rss", Failing(status, TimeSpan.FromSeconds(2), retryAfter));
        return Assert.Single(Services.Sources($$"""
            {"sources": [{"id": "mirror", "kind": "wechat-mirror", "mirror": "{{Server.BaseUri}}", "accounts": ["alive", "{{account}}"], "allowPrivateNetwork": true}]}
            """));
    }

    private RequestDelegate Failing(int status, TimeSpan answeredAfter, string? retryAfter) => context =>
    {
        Services.Clock.Advance(answeredAfter);
        context.Response.StatusCode = status;
        if (retryAfter is not null) context.Response.Headers.RetryAfter = retryAfter;
        return Task.CompletedTask;
    };

    [Fact]
    public async Task PollIfDueAsync_PausedAfterAFailure_SkipsWithoutARequestUntilThePauseEnds()
    {
        var source = FailingFeed(500);
        var poller = Services.Get<SourcePoller>();

        var failed = await poller.PollIfDueAsync(source, CancellationToken.None);
        var whilePaused = await poller.PollIfDueAsync(source, CancellationToken.None);
        var requestsWhilePaused = Server.Requests.Count;
        Services.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));   // Fetching:FailureBackoff after one failure
        var afterPause = await poller.PollIfDueAsync(source, CancellationToken.None);

        Assert.NotNull(failed);
        Assert.True(failed.Failed);
        Assert.Null(whilePaused);
        Assert.Equal(1, requestsWhilePaused);
        Assert.NotNull(afterPause);
        Assert.Equal(2, Server.Requests.Count);
    }

    [Fact]
    public async Task PollIfDueAsync_FiringAsLongAfterTheFailedOneAsThePause_Polls()
    {
        // The soak run: a source whose schedule fires every 5 minutes (Fetching:FailureBackoff) fails once, its server
        // answering 2 s after the firing; the firing 5 minutes later runs 50 ms late. It polls, and one a minute earlier does not.
        var source = FailingFeed(500, TimeSpan.FromSeconds(2));
        var poller = Services.Get<SourcePoller>();
        var due = Services.Clock.GetUtcNow();
        var interval = TimeSpan.FromMinutes(5);

        Services.Clock.Advance(TimeSpan.FromMilliseconds(50));
        var failed = await poller.PollIfDueAsync(source, CancellationToken.None, due);
        Services.Clock.SetUtcNow(due + interval - TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(50));
        var early = await poller.PollIfDueAsync(source, CancellationToken.None, due + interval - TimeSpan.FromMinutes(1));
        Services.Clock.SetUtcNow(due + interval + TimeSpan.FromMilliseconds(50));
        var next = await poller.PollIfDueAsync(source, CancellationToken.None, due + interval);

        Assert.True(failed?.Failed);
        Assert.Null(early);
        Assert.NotNull(next);
        Assert.Equal(2, Server.Requests.Count);
    }

    [Fact]
    public async Task PollIfDueAsync_FiringsSkippedInOnePause_SayItOnce()
    {
        // A source polled every minute fails at 12:00 (paused 5 min, Fetching:FailureBackoff), is skipped at 12:01–12:04, fails
        // again at 12:05 (paused 10 min, doubled) and is skipped at 12:06 and 12:07: one line for each pause.
        var source = FailingFeed(500);
        var poller = Services.Get<SourcePoller>();
        var start = Services.Clock.GetUtcNow();

        foreach (var minute in Enumerable.Range(0, 8))
        {
            Services.Clock.SetUtcNow(start + TimeSpan.FromMinutes(minute));
            await poller.PollIfDueAsync(source, CancellationToken.None, start + TimeSpan.FromMinutes(minute));
        }

        Assert.Equal(2, Server.Requests.Count);
        // In the report's time zone (Asia/Shanghai, +08:00 all year), as `sources` shows the pause beside it (README, Logging).
        static string Shanghai(DateTimeOffset t) => $"{t.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm:ss} +08:00";
        Assert.Equal(
            [$"Skipped s: paused until {Shanghai(start.AddMinutes(5))} after 1 failed poll in a row", $"Skipped s: paused until {Shanghai(start.AddMinutes(15))} after 2 failed polls in a row"],
            _logs.Lines.Where(l => l.EventId == 2006).Select(l => l.Message));
    }

    [Fact]
    public async Task PollIfDueAsync_AccountPausedAsLongAsTheSchedulesInterval_IsAskedAtTheNextFiring()
    {
        // As above for one account of a mirror: it fails at a firing that ran 1 s late (its server answering 2 s later), paused
        // for Fetching:FailureBackoff (5 min) from the firing; the firing 5 minutes later (run 50 ms late) asks it again.
        var source = MirrorWithAFailingAccount("dead", 404);
        var poller = Services.Get<SourcePoller>();
        var due = Services.Clock.GetUtcNow();
        var interval = TimeSpan.FromMinutes(5);
        int DeadRequests() => Server.Requests.Count(r => r.PathAndQuery == "/feeds/dead.rss");

        Services.Clock.Advance(TimeSpan.FromSeconds(1));
        await poller.PollIfDueAsync(source, CancellationToken.None, due);
        var pausedUntil = (await Services.Get<SourceStore>().GetRequestHealthAsync("mirror", CancellationToken.None))["dead"].PausedUntil;
        Services.Clock.SetUtcNow(due + interval - TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(50));
        var early = await poller.PollIfDueAsync(source, CancellationToken.None, due + interval - TimeSpan.FromMinutes(1));
        var afterEarly = DeadRequests();
        Services.Clock.SetUtcNow(due + interval + TimeSpan.FromMilliseconds(50));
        var next = await poller.PollIfDueAsync(source, CancellationToken.None, due + interval);

        Assert.Equal(due + interval, pausedUntil);
        Assert.StartsWith("1 of 2 requests failing: dead: paused until", early?.Warning);
        Assert.Equal(1, afterEarly);
        Assert.StartsWith($"1 of 2 requests failing: {Server.Url("feeds/dead.rss")}: HTTP 404", next?.Warning);
        Assert.Equal(2, DeadRequests());
    }

    [Fact]
    public async Task PollIfDueAsync_AccountAskingForALongerRetryAfter_IsPausedFromItsAnswer()
    {
        // A Retry-After of 10 minutes (longer than Fetching:MaxRetryAfter, so not waited) answered 2 s after the firing ran.
        var source = MirrorWithAFailingAccount("busy", 503, retryAfter: "600");
        var due = Services.Clock.GetUtcNow();

        Services.Clock.Advance(TimeSpan.FromMilliseconds(50));
        await Services.Get<SourcePoller>().PollIfDueAsync(source, CancellationToken.None, due);
        var requests = await Services.Get<SourceStore>().GetRequestHealthAsync("mirror", CancellationToken.None);

        Assert.Equal(1, Server.Requests.Count(r => r.PathAndQuery == "/feeds/busy.rss"));
        Assert.Equal(due + TimeSpan.FromMilliseconds(50) + TimeSpan.FromSeconds(2) + TimeSpan.FromMinutes(10), requests["busy"].PausedUntil);
    }

    [Fact]
    public async Task PollIfDueAsync_RetryAfterOfAnAnswerThatCameLate_CountsFromTheAnswer()
    {
        // The failure backoff counts from the firing's due time, but a server's Retry-After counts from its answer
        // (FailureBackoff.Until): one that answers 2 s after the firing with "Retry-After: 600" (longer than
        // Fetching:MaxRetryAfter, so not waited for) pauses the source until 10 minutes after the answer.
        var source = FailingFeed(429, TimeSpan.FromSeconds(2), retryAfter: "600");
        var due = Services.Clock.GetUtcNow();

        var failed = await Services.Get<SourcePoller>().PollIfDueAsync(source, CancellationToken.None, due);

        Assert.True(failed?.Failed);
        var health = await Services.Get<SourceStore>().GetHealthAsync("s", CancellationToken.None);
        Assert.Equal(due + TimeSpan.FromSeconds(2) + TimeSpan.FromMinutes(10), health?.PausedUntil);
    }

    [Fact]
    public async Task PollIfDueAsync_FiringDueInsideThePauseThatRunsAfterItEnds_IsSkipped()
    {
        // The pause is judged at the time the firing was due, not when it ran (SourcePoller.PollIfDueAsync): a firing due
        // a minute before the pause ends that runs late, after it ended, is still a firing inside the pause.
        var source = FailingFeed(500);
        var poller = Services.Get<SourcePoller>();
        var due = Services.Clock.GetUtcNow();
        var pause = TimeSpan.FromMinutes(5);   // Fetching:FailureBackoff after one failure

        var failed = await poller.PollIfDueAsync(source, CancellationToken.None, due);
        Services.Clock.SetUtcNow(due + pause + TimeSpan.FromSeconds(1));
        var late = await poller.PollIfDueAsync(source, CancellationToken.None, due + pause - TimeSpan.FromMinutes(1));

        Assert.True(failed?.Failed);
        Assert.Null(late);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task PollGuardedAsync_PausedSource_IsPolledAnywayByHand()
    {
        var source = FailingFeed(500);
        var poller = Services.Get<SourcePoller>();

        await poller.PollGuardedAsync(source, CancellationToken.None);
        await poller.PollGuardedAsync(source, CancellationToken.None);

        Assert.Equal(2, Server.Requests.Count);
    }
}
