using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources;

public sealed class SourcePollerTests : IAsyncLifetime
{
    private readonly TestServices _services = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _services.Dispose();
    }

    [Fact]
    public async Task PollIfDueAsync_PausedAfterAFailure_SkipsWithoutARequestUntilThePauseEnds()
    {
        _server.Map("feed.xml", context => { context.Response.StatusCode = 500; return Task.CompletedTask; });
        var source = Assert.Single(_services.Sources(
            $$"""{"sources": [{"id": "s", "kind": "feed", "url": "{{_server.Url("feed.xml")}}", "allowPrivateNetwork": true}]}"""));
        var poller = _services.Get<SourcePoller>();

        var failed = await poller.PollIfDueAsync(source, CancellationToken.None);
        var whilePaused = await poller.PollIfDueAsync(source, CancellationToken.None);
        var requestsWhilePaused = _server.Requests.Count;
        _services.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));   // Fetching:FailureBackoff after one failure
        var afterPause = await poller.PollIfDueAsync(source, CancellationToken.None);

        Assert.NotNull(failed);
        Assert.True(failed.Failed);
        Assert.Null(whilePaused);
        Assert.Equal(1, requestsWhilePaused);
        Assert.NotNull(afterPause);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task PollGuardedAsync_PausedSource_IsPolledAnywayByHand()
    {
        _server.Map("feed.xml", context => { context.Response.StatusCode = 500; return Task.CompletedTask; });
        var source = Assert.Single(_services.Sources(
            $$"""{"sources": [{"id": "s", "kind": "feed", "url": "{{_server.Url("feed.xml")}}", "allowPrivateNetwork": true}]}"""));
        var poller = _services.Get<SourcePoller>();

        await poller.PollGuardedAsync(source, CancellationToken.None);
        await poller.PollGuardedAsync(source, CancellationToken.None);

        Assert.Equal(2, _server.Requests.Count);
    }
}
