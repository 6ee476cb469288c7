using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Sources.Arxiv;

/// <summary>
/// arXiv etiquette, measured on the fake clock: real arXiv host names (rss.arxiv.org, export.arxiv.org) are routed
/// to the loopback server, so the default Fetching:HostDelays gate for arxiv.org applies as in production.
/// </summary>
public sealed class ArxivPolitenessTests() : LoopbackTest(server => new TestServices(
    new DateTimeOffset(2025, 3, 10, 0, 0, 0, TimeSpan.Zero),
    fetching: new FetchingOptions { Contact = Contact },   // default HostDelays: arxiv.org 3 s
    configure: services => services.AddHttpClient(Fetcher.ClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
    {
        // Every host name connects to the loopback server.
        ConnectCallback = async (_, token) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, server.BaseUri.Port, token);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })))
{
    private const string Contact = "mailto:editor@example.org";

    private readonly ConcurrentQueue<(string Path, DateTimeOffset At)> _received = new();
    private void ServeStamped(string path, string fixture) => Server.Map(path, async context =>
    {
        _received.Enqueue((path, Services.Clock.GetUtcNow()));
        context.Response.ContentType = "application/xml";
        await context.Response.Body.WriteAsync(Fixtures.Bytes(fixture));
    });

    private IReadOnlyList<SourceDefinition> Sources()
    {
        var port = Server.BaseUri.Port;
        return Services.Sources($$"""
            {"sources": [
              {"id": "arxiv-cs-lg", "kind": "arxiv-rss", "url": "http://rss.arxiv.org:{{port}}/rss/cs.LG"},
              {"id": "arxiv-q", "kind": "arxiv-api", "url": "http://export.arxiv.org:{{port}}/api/query?search_query=all:testing&start=0&max_results=10", "days": 30}
            ]}
            """);
    }

    [Fact]
    public async Task PollAsync_TwoArxivSourcesAtOnce_SecondRequestWaitsThreeSecondsOfClockTime()
    {
        ServeStamped("rss/cs.LG", "arxiv-rss/handwritten_cs.LG_2024-02-23.xml");
        ServeStamped("api/query", "arxiv-api-atom/arxivpy_q_testing_m10.body.xml");
        var poller = Services.Get<SourcePoller>();
        var start = Services.Clock.GetUtcNow();

        var polls = Sources().Select(s => poller.PollAsync(s, CancellationToken.None)).ToList();
        await Task.WhenAny(polls);   // one host gate for all of arxiv.org: the other poll is held on the clock
        Assert.Single(_received);
        Services.Clock.Advance(TimeSpan.FromSeconds(2.9));
        Services.Clock.Advance(TimeSpan.FromSeconds(0.1));
        var results = await Task.WhenAll(polls);

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal([start, start + TimeSpan.FromSeconds(3)], _received.Select(r => r.At));
    }

    [Fact]
    public async Task PollAsync_ArxivRequest_SendsTheUserAgentWithTheContact()
    {
        ServeStamped("rss/cs.LG", "arxiv-rss/handwritten_cs.LG_2024-02-23.xml");

        await Services.Get<SourcePoller>().PollAsync(Sources()[0], CancellationToken.None);

        Assert.Equal($"EmbeddedAiReport/1.0 (+{Contact})", Assert.Single(Server.Requests).UserAgent);
    }

    [Theory]
    [InlineData(429, "HTTP 429")]
    [InlineData(503, "HTTP 503")]
    public async Task PollAsync_ArxivSaysSlowDown_IsAClearPerSourceErrorWithRetryAfter(int status, string expected)
    {
        Server.Map("rss/cs.LG", context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.RetryAfter = "120";
            return Task.CompletedTask;
        });

        var result = await Services.Get<SourcePoller>().PollAsync(Sources()[0], CancellationToken.None);

        Assert.Contains(expected, result.Error);
        Assert.Contains("retry after 120s", result.Error);
        var health = Assert.Single(await Services.Get<SourceStore>().ListHealthAsync(CancellationToken.None));
        Assert.Equal(("arxiv-cs-lg", 1), (health.Id, health.ConsecutiveFailures));
    }
}
