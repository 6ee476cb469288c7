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
