using System.Text;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources.Arxiv;

public sealed class ArxivRssSourceTests() : LoopbackTest(new TestServices(new DateTimeOffset(2024, 2, 27, 12, 0, 0, TimeSpan.Zero)))
{
    private const string Day1 = "arxiv-rss/handwritten_cs.LG_2024-02-23.xml";
    private const string Day2 = "arxiv-rss/handwritten_cs.LG_2024-02-26.xml";
    private const string Weekend = "arxiv-rss/handwritten_cs.LG_2024-02-24_weekend_empty.xml";

    private SourceDefinition Source(string extra = "") => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "arxiv-cs-lg", "kind": "arxiv-rss", "url": "{{Server.Url("rss/cs.LG")}}", "allowPrivateNetwork": true {{extra}}}]}"""));

    // The same feed read by the plain feed kind, as README's sources.json example reads rss.arxiv.org.
    private SourceDefinition FeedSource() => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "arxiv-feed", "kind": "feed", "url": "{{Server.Url("rss/cs.LG")}}", "allowPrivateNetwork": true}]}"""));

    private Task<PollResult> PollAsync(SourceDefinition source) => Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);

    [Theory]
    [InlineData("", 3)]                                   // default: new + cross
    [InlineData(""", "keep": ["new"]""", 2)]
    [InlineData(""", "keep": ["cross"]""", 1)]
    [InlineData(""", "keep": ["replace"]""", 1)]
    [InlineData(""", "keep": ["replace-cross"]""", 1)]
    [InlineData(""", "keep": ["new", "cross", "replace", "replace-cross"]""", 5)]
    public async Task PollAsync_WeekdayFeed_KeepsTheConfiguredAnnounceTypes(string keep, int expected)
    {
        Server.MapFixture("rss/cs.LG", Day1);

        var result = await PollAsync(Source(keep));

        Assert.Null(result.Error);
        Assert.Equal(expected, result.New);
    }

    [Fact]
    public async Task PollAsync_NewItem_BecomesAVersionedPaperEntryWithItsCodeLink()
    {
        Server.MapFixture("rss/cs.LG", Day1);

        await PollAsync(Source());

        var entry = (await Services.EntriesAsync())["arxiv:2402.14702"];
        Assert.Equal("https://arxiv.org/abs/2402.14702v1", entry.Url);
        Assert.Equal("2402.14702v1", entry.Prefix);
        Assert.Equal(1, entry.Version);
        Assert.Equal("papers", entry.Section);
        Assert.Equal("TinyQuant: 4-bit Post-Training Quantization for On-Device Vision Transformers", entry.Title);
        Assert.StartsWith("Vision transformers are hard to deploy on mobile NPUs", entry.Summary);
        Assert.DoesNotContain("Announce Type", entry.Summary);
        Assert.Equal("Wei Zhang, Anna Müller, Ravi Kumar", entry.Account);
        Assert.Equal(new DateTimeOffset(2024, 2, 23, 5, 0, 0, TimeSpan.Zero), entry.Published);
        var link = Assert.Single(entry.Links);
        Assert.Equal(new EntryLink("github", "gh:example-lab/tinyquant", "https://github.com/example-lab/tinyquant"), link);
    }

    [Fact]
    public async Task PollAsync_ReplaceAndReplaceCross_RecordTheirVersions()
    {
        Server.MapFixture("rss/cs.LG", Day1);

        await PollAsync(Source(""", "keep": ["replace", "replace-cross"]"""));

        var entries = await Services.EntriesAsync();
        Assert.Equal(2, entries["arxiv:2401.09876"].Version);
        Assert.Equal("2312.05555v3", entries["arxiv:2312.05555"].Prefix);
    }

    [Fact]
    public async Task PollAsync_ReplacementOfAPaperNeverStored_IsFiledUnderItsIdsMonthNotTheAnnouncementDay()
    {
        // A first poll keeping replacements: 2401.09876v2 and 2312.05555v3 are announced on 2024-02-23 (the items' pubDate),
        // but their v1s are from January 2024 and December 2023 (an id's YYMM), so they are no news of that week.
        Server.MapFixture("rss/cs.LG", Day1);

        await PollAsync(Source(""", "keep": ["new", "cross", "replace", "replace-cross"]"""));

        var entries = await Services.EntriesAsync();
        Assert.Equal(new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero), entries["arxiv:2401.09876"].Published);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), entries["arxiv:2312.05555"].Published);
        Assert.Equal(new DateTimeOffset(2024, 2, 23, 5, 0, 0, TimeSpan.Zero), entries["arxiv:2402.14702"].Published);   // a new one: its day
    }

    [Fact]
    public async Task PollAsync_FeedKindReadingTheArxivFeed_SeesAWithdrawal()
    {
        // README's sources.json example reads rss.arxiv.org with the plain feed kind, whose summaries keep the item's
        // "arXiv:… Announce Type: replace Abstract:" header before the withdrawal notice.
        var source = FeedSource();
        Server.Serve("rss/cs.LG", Fixtures.Bytes(Day1));
        await PollAsync(source);
        Server.Serve("rss/cs.LG", Fixtures.Bytes("arxiv-rss/handwritten_cs.LG_2024-02-27_withdrawal.xml"));

        await PollAsync(source);

        var entries = await Services.EntriesAsync();
        Assert.Contains("has been withdrawn by the authors", entries["arxiv:2402.14655"].Summary);
        Assert.True(entries["arxiv:2402.14655"].IsWithdrawnPaper);
        Assert.False(entries["arxiv:2402.14702"].IsWithdrawnPaper);
    }

    [Fact]
    public async Task PollAsync_FeedKindReadingTheArxivFeed_SeesAWithdrawalOfAPaperAnArxivSourceStored()
    {
        // The arxiv-rss source stored 2402.14655 as v1 (a versioned entry); the feed kind's items carry no version (their
        // link is the abs URL without one), but its withdrawal is the paper's newest version all the same.
        var rss = Source();
        var feed = FeedSource();
        Server.Serve("rss/cs.LG", Fixtures.Bytes(Day1));
        await PollAsync(rss);
        Server.Serve("rss/cs.LG", Fixtures.Bytes("arxiv-rss/handwritten_cs.LG_2024-02-27_withdrawal.xml"));

        await PollAsync(feed);

        var entries = await Services.EntriesAsync();
        Assert.True(entries["arxiv:2402.14655"].IsWithdrawnPaper);
        Assert.Equal(2, entries["arxiv:2402.14655"].Version);
        Assert.False(entries["arxiv:2402.14702"].IsWithdrawnPaper);   // an ordinary replacement without a version leaves the v1 as it was
        Assert.Equal(1, entries["arxiv:2402.14702"].Version);
    }

    [Fact]
    public async Task PollAsync_WeekendEmptyFeed_SucceedsWithNoEntries()
    {
        Server.MapFixture("rss/cs.LG", Weekend);

        var result = await PollAsync(Source());

        Assert.Null(result.Error);
        Assert.Equal(0, result.Seen);
        Assert.Equal(0, await Services.Get<EmbeddedAiReport.Storage.EntryStore>().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_SameFeedAgainWithoutETag_AddsNothing()
    {
        Server.Serve("rss/cs.LG", Fixtures.Bytes(Day1));
        var source = Source(""", "keep": ["new", "cross", "replace", "replace-cross"]""");

        var first = await PollAsync(source);
        var second = await PollAsync(source);

        Assert.Equal(5, first.New);
        Assert.Equal((0, 0, 5), (second.New, second.Updated, second.Unchanged));
    }

    [Fact]
    public async Task PollAsync_NextDayBringsV2_UpdatesTheV1EntryInPlace()
    {
        var source = Source(""", "keep": ["new", "cross", "replace"]""");
        Server.Serve("rss/cs.LG", Fixtures.Bytes(Day1));
        await PollAsync(source);
        var v1 = (await Services.EntriesAsync())["arxiv:2402.14702"];

        Server.Serve("rss/cs.LG", Fixtures.Bytes(Day2));
        var second = await PollAsync(source);

        Assert.Equal((1, 1), (second.New, second.Updated));
        var v2 = (await Services.EntriesAsync())["arxiv:2402.14702"];
        Assert.Equal(v1.Id, v2.Id);
        Assert.Equal(2, v2.Version);
        Assert.Equal("2402.14702v2", v2.Prefix);
        Assert.Equal("https://arxiv.org/abs/2402.14702v2", v2.Url);
        Assert.Equal("TinyQuant: 4-bit Post-Training Quantization for On-Device Vision and Language Transformers", v2.Title);
        Assert.StartsWith("Version 2 extends TinyQuant", v2.Summary);
        Assert.Equal(v1.Published, v2.Published);
        Assert.Equal(v1.FirstSeen, v2.FirstSeen);
    }

    [Fact]
    public async Task PollAsync_ReplayToolFeed_ReadsItsItems()
    {
        // The shape /work/shared/tools/replay.py writes: no dc:creator, no channel pubDate, plain url, kind arxiv-rss.
        var feed = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:arxiv="http://arxiv.org/schemas/atom"><channel><title>cs.LG updates on arXiv.org</title><link>http://rss.arxiv.org/rss/cs.LG</link><description>cs.LG updates on arXiv.org</description><item><title>Once for All: Train One Network and Specialize it for Efficient Deployment</title><link>https://arxiv.org/abs/1908.09791</link><description>arXiv:1908.09791v1 Announce Type: new 
            Abstract: 传统方法需要 AutoML 专门定制化检索网络结构并训练。</description><guid isPermaLink="false">oai:arXiv.org:1908.09791v1</guid><pubDate>Thu, 26 Dec 2019 10:00:00 +0800</pubDate><category>cs.LG</category><arxiv:announce_type>new</arxiv:announce_type></item></channel></rss>
            """;
        Server.Serve("rss/cs.LG", Encoding.UTF8.GetBytes(feed));

        var result = await PollAsync(Source());

        Assert.Equal(1, result.New);
        var entry = (await Services.EntriesAsync())["arxiv:1908.09791"];
        Assert.Equal(("1908.09791v1", "传统方法需要 AutoML 专门定制化检索网络结构并训练。"), (entry.Prefix, entry.Summary));
        Assert.Equal(new DateTimeOffset(2019, 12, 26, 2, 0, 0, TimeSpan.Zero), entry.Published);
    }

    [Fact]
    public async Task PollAsync_HtmlErrorPage_FailsWithAClearReason()
    {
        Server.MapFixture("rss/cs.LG", "wechat-article-html/wechatsogou_link_expired.html", "text/html");

        var result = await PollAsync(Source());

        Assert.Contains("HTML page", result.Error);
    }

    [Theory]
    [InlineData("""{"id": "a", "kind": "arxiv-rss"}""", "category: required")]
    [InlineData("""{"id": "a", "kind": "arxiv-rss", "category": "Machine Learning"}""", "category: 'Machine Learning' is not an arXiv category")]
    [InlineData("""{"id": "a", "kind": "arxiv-rss", "category": "cs.LG", "keep": ["new", "replaced"]}""", "keep: unknown announcement type 'replaced'")]
    [InlineData("""{"id": "a", "kind": "arxiv-rss", "category": "cs.LG", "query": "x"}""", "query: unknown field")]
    public void Validate_BadFields_NameTheField(string source, string problem)
    {
        var problems = Services.Problems($$"""{"sources": [{{source}}]}""");

        Assert.Contains(problems, p => p.Contains("source 'a'") && p.Contains(problem));
    }

    [Fact]
    public void Requests_Categories_BuildTheCombinedFeedUrl()
    {
        var source = Assert.Single(Services.Sources("""{"sources": [{"id": "a", "kind": "arxiv-rss", "category": ["cs.LG", "cs.AR"]}]}"""));

        var request = Assert.Single(Services.Get<SourceCatalog>().Kinds["arxiv-rss"].Requests(source));

        Assert.Equal("https://rss.arxiv.org/rss/cs.LG+cs.AR", request.Uri.AbsoluteUri);
    }
}
