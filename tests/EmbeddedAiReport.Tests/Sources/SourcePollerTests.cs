using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources;

public sealed class SourcePollerTests() : LoopbackTest(new TestServices())
{
    [Fact]
    public async Task PollIfDueAsync_PausedAfterAFailure_SkipsWithoutARequestUntilThePauseEnds()
    {
        Server.Map("feed.xml", context => { context.Response.StatusCode = 500; return Task.CompletedTask; });
        var source = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "s", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true}]}"""));
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
        Server.Map("feed.xml", context =>
        {
            Services.Clock.Advance(TimeSpan.FromSeconds(2));
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        var source = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "s", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true}]}"""));
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
    public async Task PollIfDueAsync_FiringDueInsideThePauseThatRunsAfterItEnds_IsSkipped()
    {
        // The pause is judged at the time the firing was due, not when it ran (SourcePoller.PollIfDueAsync): a firing due
        // a minute before the pause ends that runs late, after it ended, is still a firing inside the pause.
        Server.Map("feed.xml", context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        var source = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "s", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true}]}"""));
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
        Server.Map("feed.xml", context => { context.Response.StatusCode = 500; return Task.CompletedTask; });
        var source = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "s", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true}]}"""));
        var poller = Services.Get<SourcePoller>();

        await poller.PollGuardedAsync(source, CancellationToken.None);
        await poller.PollGuardedAsync(source, CancellationToken.None);

        Assert.Equal(2, Server.Requests.Count);
    }
}
