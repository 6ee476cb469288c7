using System.Text;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources.Feeds;

/// <summary>A source whose URL is a site's page rather than its feed: the feed the page names is read, one hop, with a warning.</summary>
public sealed class FeedAutodiscoveryTests() : LoopbackTest(new TestServices(fetching: new FetchingOptions { HostDelays = [], Retries = 0 }))
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private SourceDefinition Source(string path, string extra = "") => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "site", "kind": "feed", "url": "{{Server.Url(path)}}", "allowPrivateNetwork": true{{extra}}}]}"""));

    private static byte[] Page(string head) => Encoding.UTF8.GetBytes(
        $"<!DOCTYPE html>\n<html><head><title>Blog</title>{head}</head><body><h1>Blog</h1><a href=\"/feed.xml\">RSS</a></body></html>");

    private SourceStatus Status(SourceDefinition source, SourceHealth? health) =>
        SourceStatus.Of(source, health, Services.Get<SourceCatalog>().Kinds[source.Kind], Services.Clock.GetUtcNow(), Shanghai);

    [Fact]
    public async Task PollAsync_HtmlPageNamingItsFeed_ReadsTheFeedAndWarnsToConfigureItsUrl()
    {
        Server.MapFile("blog/", Page("""
            <link rel="stylesheet" href="/s.css"><link rel="alternate" type="text/html" href="/other">
            <link rel="alternate" type="application/rss+xml" title="RSS" href="../feed.xml"><link rel="alternate" type="application/atom+xml" href="/atom.xml">
            """), "text/html; charset=utf-8");
        Server.MapFile("feed.xml", FaultFeeds.Healthy(3));
        var source = Source("blog/");

        var result = await Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);
        var status = Status(source, await Services.Get<SourceStore>().GetHealthAsync("site", CancellationToken.None));

        Assert.Null(result.Error);
        Assert.Equal(3, result.New);
        Assert.Equal("warning", status.State);
        Assert.Contains($"read the feed it links to, {Server.Url("feed.xml")}: put that URL in sources.json", status.Note);
        Assert.DoesNotContain(Server.Requests, r => r.PathAndQuery == "/atom.xml");
    }

    [Fact]
    public async Task PollAsync_SecondPoll_AsksForThePageUnconditionallySoAChangedFeedIsRead()
    {
        // The page's ETag is not kept: a 304 for the page would hide a feed that changed behind it.
        Server.MapFile("blog/", Page("""<link rel="alternate" type="application/rss+xml" href="/feed.xml">"""), "text/html");
        Server.MapFile("feed.xml", FaultFeeds.Healthy(2));
        var poller = Services.Get<SourcePoller>();
        await poller.PollAsync(Source("blog/"), CancellationToken.None);
        Server.MapFile("feed.xml", FaultFeeds.Healthy(3));

        var second = await poller.PollAsync(Source("blog/"), CancellationToken.None);

        Assert.Equal(1, second.New);
        Assert.All(Server.Requests.Where(r => r.PathAndQuery == "/blog/"), r => Assert.Empty(r.IfNoneMatch));
    }

    [Fact]
    public async Task PollAsync_DiscoveredFeedOverTheSourcesByteCap_FailsAtTheCap()
    {
        Server.MapFile("blog/", Page("""<link rel="alternate" type="application/atom+xml" href="/big.xml">"""), "text/html");
        Server.MapFile("big.xml", FaultFeeds.Healthy(400));

        var result = await Services.Get<SourcePoller>().PollAsync(Source("blog/", """, "maxBytes": 8192 """), CancellationToken.None);

        Assert.Contains($"{Server.Url("big.xml")}: response larger than the 8192 byte cap", result.Error);
    }

    [Fact]
    public async Task PollAsync_DiscoveredAddressIsAnotherPage_FollowsOneHopOnly()
    {
        Server.MapFile("blog/", Page("""<link rel="alternate" type="application/rss+xml" href="/second/">"""), "text/html");
        Server.MapFile("second/", Page("""<link rel="alternate" type="application/rss+xml" href="/feed.xml">"""), "text/html");
        Server.MapFile("feed.xml", FaultFeeds.Healthy(3));

        var result = await Services.Get<SourcePoller>().PollAsync(Source("blog/"), CancellationToken.None);

        Assert.Contains($"{Server.Url("second/")}: got an HTML page, not a feed", result.Error);
        Assert.DoesNotContain(Server.Requests, r => r.PathAndQuery == "/feed.xml");
    }

    [Theory]
    [InlineData("""<link rel="alternate" type="application/rss+xml" href="https://blog.example.com/feed">""", "https://blog.example.com/feed")]
    [InlineData("""<base href="https://cdn.example.com/b/"><link rel="ALTERNATE feed" type=" application/feed+json " href="feed.json">""", "https://cdn.example.com/b/feed.json")]
    [InlineData("""<link rel="alternate" type="application/json" href="/api">""", null)]
    [InlineData("""<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">""", null)]
    [InlineData("""<link rel="alternate" type="application/rss+xml" href="/blog/">""", null)]   // the page itself
    [InlineData("", null)]
    public void Find_LinksInTheHead_FirstFeedAlternate(string head, string? feed)
    {
        var page = new FetchedDocument(Page(head), "text/html", "utf-8", new Uri("https://example.com/blog/"), DateTimeOffset.UnixEpoch);

        Assert.Equal(feed, FeedAutodiscovery.Find(page)?.AbsoluteUri);
    }
}
