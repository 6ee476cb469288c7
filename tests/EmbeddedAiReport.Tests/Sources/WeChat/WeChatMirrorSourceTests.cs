using System.Text.RegularExpressions;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Tests.Sources.WeChat;

public sealed class WeChatMirrorSourceTests : LoopbackTest
{
    private readonly CapturingLoggerProvider _logs;

    public WeChatMirrorSourceTests() : this(new CapturingLoggerProvider())
    {
    }

    // Fetching:Retries as shipped (2), without waits between attempts: a page whose host fails is asked once per poll that
    // reads it (its own backoff spaces the polls), which the request counts below check.
    private WeChatMirrorSourceTests(CapturingLoggerProvider logs) : base(server => new TestServices(new DateTimeOffset(2020, 5, 14, 12, 0, 0, TimeSpan.Zero),
        fetching: RetryingWithoutWaits(), configure: services =>
    {
        services.AddHttpClient(Fetcher.ClientName).AddHttpMessageHandler(() => new WeChatHostRedirect(server.BaseUri));
        services.AddSingleton<ILoggerProvider>(logs);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug));   // the page events 2104 and 2107 are debug lines
    })) => _logs = logs;

    private static FetchingOptions RetryingWithoutWaits()
    {
        var fetching = TestServices.NoRetries();
        (fetching.Retries, fetching.RetryBaseDelay) = (new FetchingOptions().Retries, TimeSpan.Zero);
        return fetching;
    }

    private const string Riptide = "wx:DdyvZLDb7D-dQ9okhwQreA";
    private const string RiptideLong = "wx:MzA3MzI4MjgzMw==:2650786213:3";

    private const string YoloV4 = "wx:XEPhK81Ms-wdDnoz5oPZgA";
    private const string Maxas = "wx:OYSzol-vufiKPuU9YxtbuA";

    private string Base => Server.BaseUri.AbsoluteUri.TrimEnd('/');

    private SourceDefinition Source(string fields, string id = "wx") => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "{{id}}", "kind": "wechat-mirror", "allowPrivateNetwork": true, {{fields}} }]}"""));

    private Task<PollResult> PollAsync(SourceDefinition source) => Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);

    private Task<IReadOnlyList<StoredEntry>> EntriesAsync() =>
        Services.Get<EntryStore>().ListWindowAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None);

    private int PageRequests => Server.Requests.Count(r => r.PathAndQuery.StartsWith("/s", StringComparison.Ordinal));

    /// <summary>Serves a fixture without validators, so every poll reads it again (and would fetch pages again).</summary>
    // The account's three article pages all answer WeChat's anti-bot page (环境异常); page fetches back off for 12 hours.
    private SourceDefinition SourceWhoseArticlePagesAreAntiBotPages()
    {
        foreach (var code in new[] { "DdyvZLDb7D-dQ9okhwQreA", "XEPhK81Ms-wdDnoz5oPZgA", "OYSzol-vufiKPuU9YxtbuA" })
            Server.MapFixture("s/" + code, "wechat-article-html/handwritten_environment_error.html", "text/html");
        return Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true, "enrichBackoff": "12h" """);
    }

    private void MapAlways(string path, string fixture, string contentType = "application/xml") =>
        Server.Map(path, async context =>
        {
            context.Response.ContentType = contentType;
            await context.Response.Body.WriteAsync(Fixtures.Bytes(fixture));
        });

    [Fact]
    public async Task PollAsync_WeweRssAccountFeed_StoresShortLinksUnderTheConfiguredName()
    {
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        var source = Source($$""" "mirror": "{{Base}}", "accounts": [{"feed": "MP_WXS_3073282833", "name": "机器之心"}] """);

        var result = await PollAsync(source);

        Assert.Null(result.Error);
        Assert.Equal(3, result.New);
        var entries = await EntriesAsync();
        Assert.All(entries, e => Assert.Equal("机器之心", e.Account));
        var riptide = Assert.Single(entries, e => e.CanonicalKey == Riptide);
        Assert.Equal("https://mp.weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA", riptide.Url);
        Assert.Equal(new DateTimeOffset(2020, 5, 12, 4, 21, 9, TimeSpan.Zero), riptide.Published);
        Assert.Equal("news", riptide.Section);
    }

    [Theory]
    [InlineData("atom", "wewe-rss_all.atom", 4)]
    [InlineData("json", "wewe-rss_all.json", 2)]
    [InlineData("rss", "wewe-rss_MP_WXS_3073282833.rss", 3)]
    public async Task PollAsync_WeweRssFormats_TakeTheAccountFromTheFeed(string format, string fixture, int expected)
    {
        Server.MapFixture($"feeds/all.{format}", "wechat-mirror-feed/" + fixture);
        var source = Source($$""" "mirror": "{{Base}}/", "format": "{{format}}", "accounts": ["all"] """);

        var result = await PollAsync(source);

        Assert.Null(result.Error);
        Assert.Equal(expected, result.New);
        var entries = await EntriesAsync();
        Assert.Equal("机器之心", Assert.Single(entries, e => e.CanonicalKey == Riptide).Account);
        if (format != "rss") Assert.Equal("量子位", Assert.Single(entries, e => e.CanonicalKey == "wx:ef_P2dofxPeTKyghBe1aSw").Account);
    }

    [Theory]
    [InlineData("rsshub", "/wechat/wechat2rss/51e92aad2728acdd1fda7314be32b16639353001", "rsshub_wechat2rss.xml", 2)]
    [InlineData("wechat2rss", "/feed/51e92aad2728acdd1fda7314be32b16639353001.xml", "wechat2rss_jiqizhixin.xml", 1)]
    public async Task PollAsync_RssHubAndWechat2Rss_FetchTheirFeedAddresses(string flavor, string path, string fixture, int expected)
    {
        Server.MapFixture(path, "wechat-mirror-feed/" + fixture);
        var source = Source($$""" "mirror": "{{Base}}", "flavor": "{{flavor}}", "accounts": ["51e92aad2728acdd1fda7314be32b16639353001"] """);

        var result = await PollAsync(source);

        Assert.Null(result.Error);
        Assert.Equal(expected, result.New);
        Assert.Equal(path, Assert.Single(Server.Requests).PathAndQuery);
        var entries = await EntriesAsync();
        Assert.All(entries, e =>
        {
            Assert.Equal("机器之心", e.Account);
            Assert.StartsWith("https://mp.weixin.qq.com/s", e.Url);
            Assert.DoesNotContain("chksm", e.Url);
            Assert.DoesNotContain("scene", e.Url);
            Assert.DoesNotContain("<", e.Summary);
        });
    }

    // WeChat is in China: a mirror that writes its dates as Java, Go or PHP print them in Asia/Shanghai ("CST") or with no zone
    // at all means +08:00. The fixture's article was posted Tue 12 May 2020 12:21:09 +0800, 04:21:09 UTC; read as US Central
    // (RFC 822's CST) it was 18:21:09 UTC, as UTC 12:21:09: the next day in the editor's Berlin or New York for one of them.
    [Theory]
    [InlineData("Tue, 12 May 2020 12:21:09 +0800")]
    [InlineData("Tue, 12 May 2020 12:21:09 CST")]
    [InlineData("2020-05-12 12:21:09")]
    [InlineData("Tue, 12 May 2020 12:21:09")]
    public async Task PollAsync_MirrorDateInChinaStandardTimeOrWithoutZone_IsReadAtPlusEight(string pubDate)
    {
        const string path = "/feed/51e92aad2728acdd1fda7314be32b16639353001.xml";
        Server.MapFile(path, System.Text.Encoding.UTF8.GetBytes(Fixtures.Text("wechat-mirror-feed/wechat2rss_jiqizhixin.xml")
            .Replace("<pubDate>Tue, 12 May 2020 12:21:09 +0800</pubDate>", $"<pubDate>{pubDate}</pubDate>", StringComparison.Ordinal)));
        var source = Source($$""" "mirror": "{{Base}}", "flavor": "wechat2rss", "accounts": ["51e92aad2728acdd1fda7314be32b16639353001"] """);

        Assert.Null((await PollAsync(source)).Error);

        Assert.Equal(new DateTimeOffset(2020, 5, 12, 4, 21, 9, TimeSpan.Zero), Assert.Single(await EntriesAsync()).Published);
    }

    [Fact]
    public async Task PollAsync_RssHubAccountThatIsARoute_FetchesTheRouteAsWritten()
    {
        // README: rsshub → {mirror}/{route}; only a bare id means wechat/wechat2rss/{id}.
        Server.MapFixture("wechat/ershicimi/jqzx", "wechat-mirror-feed/rsshub_wechat2rss.xml");

        var result = await PollAsync(Source($$""" "mirror": "{{Base}}", "flavor": "rsshub", "accounts": ["wechat/ershicimi/jqzx"] """));

        Assert.Null(result.Error);
        Assert.Equal("/wechat/ershicimi/jqzx", Assert.Single(Server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task PollAsync_SourceAccountAndItemAuthors_TheSourceAccountNamesEveryItem()
    {
        // README: the name comes from the account's name, else the source's account, else the item author, else the feed title.
        Server.MapFixture("feeds/all.atom", "wechat-mirror-feed/wewe-rss_all.atom");

        await PollAsync(Source($$""" "mirror": "{{Base}}", "format": "atom", "accounts": ["all"], "account": "精选" """));

        var entries = await EntriesAsync();
        Assert.Contains(entries, e => e.CanonicalKey == "wx:ef_P2dofxPeTKyghBe1aSw");
        Assert.All(entries, e => Assert.Equal("精选", e.Account));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50)]
    public void Parse_EnrichLimitAtEitherEndOfItsRange_IsAccepted(int limit)
    {
        // README: enrichLimit, article pages fetched per poll (0–50).
        var (_, problems) = Services.Get<SourceCatalog>().Parse(
            $$"""{"sources": [{"id": "w", "kind": "wechat-mirror", "mirror": "https://m.org", "accounts": ["a"], "enrich": true, "enrichLimit": {{limit}}}]}""",
            "sources.json", new DraftOptions().SectionSlugs(), _ => null);

        Assert.DoesNotContain(problems, p => p.Contains("enrichLimit", StringComparison.Ordinal));
    }

    [Fact]
    public void ParsePage_DescriptionThatOnlyRepeatsTheTitle_SummaryIsTheBodysOpening()
    {
        // The author's description is the 摘要 unless it merely repeats the title; then the article's own text is.
        var html = """
            <html><head><meta property="og:title" content="Riptide：极低比特神经网络的快速端到端编译"><meta name="description" content="Riptide：极低比特神经网络的快速端到端编译"></head>
            <body><div id="js_content"><p>OctoML 的研究者提出了 Riptide，一种把二值神经网络编译到 ARM 处理器上的方法。</p></div></body></html>
            """;
        var entry = new CandidateEntry { CanonicalKey = Riptide, Url = "https://mp.weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA", Title = "Riptide" };
        var page = new FetchedDocument(System.Text.Encoding.UTF8.GetBytes(html), "text/html", "utf-8", new Uri(entry.Url), Services.Clock.GetUtcNow());

        var outcome = Assert.IsType<ParseOutcome.Parsed>(new EmbeddedAiReport.Sources.WeChat.WeChatMirrorSource().ParsePage(page, entry, Source(""" "mirror": "https://m.org", "accounts": ["a"] """)));

        Assert.Equal("OctoML 的研究者提出了 Riptide，一种把二值神经网络编译到 ARM 处理器上的方法。", Assert.Single(outcome.Entries).Summary);
    }

    [Fact]
    public async Task PollAsync_RssHubHtmlDescription_BecomesAPlainBoundedSummaryWithPaperLink()
    {
        Server.MapFixture("wechat/wechat2rss/jqzx", "wechat-mirror-feed/rsshub_wechat2rss.xml");

        await PollAsync(Source($$""" "mirror": "{{Base}}", "flavor": "rsshub", "accounts": ["jqzx"] """));

        var riptide = Assert.Single(await EntriesAsync(), e => e.CanonicalKey == Riptide);
        Assert.StartsWith("OctoML 的研究者提出了 Riptide，这是一种", riptide.Summary);
        Assert.True(riptide.Summary.Length <= 300);
        Assert.Contains(riptide.Links, l => l.Target == "arxiv:2005.00057");
    }

    [Fact]
    public async Task PollAsync_TwoMirrorsWithOverlappingAccountsAndUrlForms_StoreOneEntryPerArticle()
    {
        Server.MapFixture("a/feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        Server.MapFixture("a/feeds/all.atom", "wechat-mirror-feed/wewe-rss_all.atom");
        Server.MapFixture("b/wechat/wechat2rss/jqzx", "wechat-mirror-feed/rsshub_wechat2rss.xml");
        var mirrorA = Source($$""" "mirror": "{{Base}}/a", "accounts": [{"feed": "MP_WXS_3073282833", "name": "机器之心"}] """, "mirror-a");
        var mirrorAll = Source($$""" "mirror": "{{Base}}/a", "format": "atom", "accounts": ["all"] """, "mirror-a-all");
        var mirrorB = Source($$""" "mirror": "{{Base}}/b", "flavor": "rsshub", "accounts": ["jqzx"] """, "mirror-b");

        var a = await PollAsync(mirrorA);
        var all = await PollAsync(mirrorAll);
        var b = await PollAsync(mirrorB);

        Assert.Equal((3, 2, 0), (a.New, all.New, b.New));
        var entries = await EntriesAsync();
        Assert.Equal(5, entries.Count);
        Assert.Equal(entries.Count, entries.Select(e => e.CanonicalKey).Distinct().Count());
    }

    [Fact]
    public async Task Export_WeChatEntries_ShowTheAccountInTheTitleAsTheRealIssuesDo()
    {
        Server.MapFixture("feeds/all.atom", "wechat-mirror-feed/wewe-rss_all.atom");
        await PollAsync(Source($$""" "mirror": "{{Base}}", "format": "atom", "accounts": ["all"] """));

        var draft = await Services.Get<DraftExporter>().BuildAsync(
            DraftWindow.Of(new DateOnly(2020, 5, 10), new DateOnly(2020, 5, 14), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")), CancellationToken.None);
        var markdown = new DraftRenderer(File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "templates/draft.md.liquid")), "draft.md.liquid").Render(draft);

        Assert.Contains("- [Riptide:12倍端到端加速，陈天奇创业公司OctoML提出克服二值网络瓶颈新方法 | 机器之心](https://mp.weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA)", markdown);
        Assert.Contains("- [谷歌自研终端AI芯片曝出重大进展，联手三星，用于手机笔记本 | 量子位](https://mp.weixin.qq.com/s/ef_P2dofxPeTKyghBe1aSw)", markdown);
    }

    /// <summary>The article pages of the account feed's three items: Riptide's own, and two real 2018 pages standing in for the others.</summary>
    private void MapArticlePages()
    {
        Server.MapFixture("s/DdyvZLDb7D-dQ9okhwQreA", "wechat-article-html/handwritten_2020_article_og.html", "text/html");
        Server.MapFixture("s/XEPhK81Ms-wdDnoz5oPZgA", "wechat-article-html/wechatsogou_2018_article_qqmusic.html", "text/html");
        Server.MapFixture("s/OYSzol-vufiKPuU9YxtbuA", "wechat-article-html/wechatsogou_2018_article_video_iframe.html", "text/html");
    }

    private List<string> PagesRequested => Server.Requests.Select(r => r.PathAndQuery).Where(p => p.StartsWith("/s/", StringComparison.Ordinal)).ToList();

    /// <summary>The days of the account feed's items, as an editor in Shanghai drafts them.</summary>
    private static DraftWindow Window => DraftWindow.Of(new DateOnly(2020, 5, 10), new DateOnly(2020, 5, 14), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));

    private async Task<List<string>> DraftKeysAsync()
    {
        var draft = await Services.Get<DraftExporter>().BuildAsync(Window, CancellationToken.None);
        return draft.Sections.SelectMany(s => s.Items).Select(i => i.CanonicalKey).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task PollAsync_MirrorAnswers304_PagesLeftAreReadByTheNextPollsEnrichLimitEachNewestFirst()
    {
        // README, enrichLimit: the pages a poll does not read are read by the next polls, newest entry first, also while
        // the mirror answers 304 Not Modified (the feed's ETag), and `poll` says how many are left.
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        MapArticlePages();
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true, "enrichLimit": 1 """);

        var first = await PollAsync(source);
        var second = await PollAsync(source);
        var afterSecond = await EntriesAsync();
        var third = await PollAsync(source);
        var fourth = await PollAsync(source);

        Assert.Equal("wx: 3 new, 0 updated, 0 unchanged; 2 article pages left to read", first.Describe());
        Assert.True(second.NotModified);
        Assert.Equal("wx: 0 new, 1 updated, 0 unchanged; 1 article page left to read", second.Describe());
        Assert.Equal("wx: 0 new, 1 updated, 0 unchanged", third.Describe());
        Assert.Equal("wx: not modified", fourth.Describe());
        Assert.Equal(["/s/DdyvZLDb7D-dQ9okhwQreA", "/s/XEPhK81Ms-wdDnoz5oPZgA", "/s/OYSzol-vufiKPuU9YxtbuA"], PagesRequested);
        // Updated as the pages made them (their msg_title), where the feed gave a title only, and dated by the pages'
        // publish time (their ct), as a page read at the first poll dates its entry: these pages say 2018, the feed May 2020.
        Assert.Equal("关于音乐", afterSecond.Single(e => e.CanonicalKey == YoloV4).Title);
        Assert.Equal("矩阵相乘在GPU上的终极优化：深度解析Maxas汇编器工作原理", afterSecond.Single(e => e.CanonicalKey == Maxas).Title);
        var entries = await EntriesAsync();
        Assert.Equal(("关于音乐", DateTimeOffset.FromUnixTimeSeconds(1523110915)),
            entries.Where(e => e.CanonicalKey == YoloV4).Select(e => (e.Title, e.Published!.Value)).Single());
        Assert.Equal(("【视频】石榴花开", DateTimeOffset.FromUnixTimeSeconds(1521515999)),
            entries.Where(e => e.CanonicalKey == Maxas).Select(e => (e.Title, e.Published!.Value)).Single());
    }

    [Fact]
    public async Task PollAsync_PageReadAtALaterPoll_DatesTheEntryAsAtTheFirstPoll_UnlessTheEditorMarkedIt()
    {
        // README, enrich: a page gives the article's real publish time. Read at a later poll (enrichLimit 1), it dates its
        // entry as it would have at the first poll, so an article the mirror dated wrong leaves a draft it does not belong
        // in, as it would never have entered it; one the editor shortlisted meanwhile keeps its date and its place.
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        MapArticlePages();
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true, "enrichLimit": 1 """);
        await PollAsync(source);
        var before = await DraftKeysAsync();
        var maxas = (await EntriesAsync()).Single(e => e.CanonicalKey == Maxas);
        await Services.Get<EntryStore>().SetStatusAsync([maxas.Id], "shortlisted", CancellationToken.None);

        await PollAsync(source);
        await PollAsync(source);

        var entries = await EntriesAsync();
        Assert.Equal([Riptide, Maxas, YoloV4], before);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1523110915), entries.Single(e => e.CanonicalKey == YoloV4).Published);   // the page's ct
        Assert.Equal(new DateTimeOffset(2020, 5, 10, 12, 0, 0, TimeSpan.Zero), entries.Single(e => e.CanonicalKey == Maxas).Published);   // the feed's
        Assert.Equal("【视频】石榴花开", entries.Single(e => e.CanonicalKey == Maxas).Title);   // updated all the same
        Assert.Equal([Riptide, Maxas], await DraftKeysAsync());
    }

    [Fact]
    public async Task PollAsync_PageWithoutAPublishTimeReadAtALaterPoll_TheEntryKeepsItsFirstDate()
    {
        // README, enrich: an updated entry keeps its first date; only a page's publish time (ct) replaces it. A page that
        // states none, read at a later poll (enrichLimit 1), leaves the date stored first, also when the mirror's feed now
        // dates the article otherwise (a mirror re-dating by its crawl time).
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        MapArticlePages();
        var page = Fixtures.Text("wechat-article-html/wechatsogou_2018_article_qqmusic.html").Replace("var ct = \"1523110915\";", "", StringComparison.Ordinal);
        Server.MapFile("s/XEPhK81Ms-wdDnoz5oPZgA", System.Text.Encoding.UTF8.GetBytes(page), "text/html");
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true, "enrichLimit": 1 """);
        await PollAsync(source);
        var redated = Fixtures.Text("wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss")
            .Replace("<pubDate>Mon, 11 May 2020 09:40:00 GMT</pubDate>", "<pubDate>Wed, 13 May 2020 08:00:00 GMT</pubDate>", StringComparison.Ordinal);
        Server.MapFile("feeds/MP_WXS_3073282833.rss", System.Text.Encoding.UTF8.GetBytes(redated));

        await PollAsync(source);

        Assert.Equal(["/s/DdyvZLDb7D-dQ9okhwQreA", "/s/XEPhK81Ms-wdDnoz5oPZgA"], PagesRequested);
        var yolo = (await EntriesAsync()).Single(e => e.CanonicalKey == YoloV4);
        Assert.Equal(new DateTimeOffset(2020, 5, 11, 9, 40, 0, TimeSpan.Zero), yolo.Published);   // the first poll's feed date
        Assert.Equal("关于音乐", yolo.Title);   // the page's: it was read and applied
    }

    [Fact]
    public async Task PollAsync_FeedGivesAgainEntriesWhosePagesAreLeft_EachPageLeftCountsOnce()
    {
        // A mirror without validators gives its three articles at every poll: an article stored with its page left is then
        // the feed's, read or counted by the feed's pass, not counted a second time as a stored entry left from earlier
        // polls. Three pages, enrichLimit 1: two left after the first poll, one after the second, none after the third.
        MapAlways("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        MapArticlePages();
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true, "enrichLimit": 1 """);

        var results = new[] { await PollAsync(source), await PollAsync(source), await PollAsync(source) };

        Assert.Equal(["wx: 3 new, 0 updated, 0 unchanged; 2 article pages left to read", "wx: 0 new, 1 updated, 2 unchanged; 1 article page left to read",
            "wx: 0 new, 1 updated, 2 unchanged"], results.Select(r => r.Describe()));
        Assert.Equal(["wx: 2 article page(s) left to read; the next polls read them, enrichLimit per poll", "wx: 1 article page(s) left to read; the next polls read them, enrichLimit per poll"],
            _logs.Lines.Where(l => l.EventId == 2106).Select(l => l.Message));
        Assert.Equal(["/s/DdyvZLDb7D-dQ9okhwQreA", "/s/XEPhK81Ms-wdDnoz5oPZgA", "/s/OYSzol-vufiKPuU9YxtbuA"], PagesRequested);
    }

    [Fact]
    public async Task PollAsync_PageLeftForLaterIsGone_TheStoredEntryLeavesTheDraft()
    {
        // README: deleted or expired articles are never stored as content. One stored before its page was read (past
        // enrichLimit) leaves the draft when a later poll finds the page gone: a 404, or WeChat's deleted-article page.
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        Server.MapFixture("s/DdyvZLDb7D-dQ9okhwQreA", "wechat-article-html/handwritten_2020_article_og.html", "text/html");
        Server.MapFixture("s/OYSzol-vufiKPuU9YxtbuA", "wechat-article-html/handwritten_deleted.html", "text/html");   // XEPhK81Ms: no route, 404
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true, "enrichLimit": 1 """);
        await PollAsync(source);
        var before = await DraftKeysAsync();

        var results = new[] { await PollAsync(source), await PollAsync(source), await PollAsync(source) };

        Assert.Equal([Riptide, Maxas, YoloV4], before);
        Assert.Equal([Riptide], await DraftKeysAsync());
        Assert.Equal(["wx: not modified; 1 article page left to read", "wx: not modified", "wx: not modified"], results.Select(r => r.Describe()));
        Assert.Equal(["/s/DdyvZLDb7D-dQ9okhwQreA", "/s/XEPhK81Ms-wdDnoz5oPZgA", "/s/OYSzol-vufiKPuU9YxtbuA"], PagesRequested);   // each once
        // The 404's reason as a page's, without the hint a feed's 404 carries (the feed may have moved): a page is no source.
        Assert.Equal("wx: page https://mp.weixin.qq.com/s/XEPhK81Ms-wdDnoz5oPZgA is gone (HTTP 404 Not Found); its entry is not stored (one stored before leaves the draft)",
            Assert.Single(_logs.Lines, l => l.EventId == 2101 && l.Message.Contains("XEPhK81Ms", StringComparison.Ordinal)).Message);
        // The review page and `entries --explain` say why.
        var review = await Services.Get<DraftReview>().BuildAsync(Window, CancellationToken.None);
        Assert.All(review.Entries.Where(r => r.Entry.CanonicalKey != Riptide), r => Assert.Equal(
            "out: its article page is gone (deleted or expired), found after it was stored; shortlist it to keep it", review.Decisions[r.Entry.Id].Text));
    }

    [Theory]
    [InlineData(503)]
    [InlineData(502)]
    public async Task PollAsync_ArticleHostFailing_ItsPagesAreLeftForAPollAfterTheBackoffWhichReadsThem(int status)
    {
        // README: pages a poll does not read are read by the next polls, its stored articles "whose page was never read".
        // A page host down for a while (a 5xx) gave no page: a poll after Fetching:FailureBackoff (5 minutes for a first
        // failure) reads them, as it would any page left to read, and one before it does not ask; until then each entry is
        // as the feed gave it.
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        foreach (var code in new[] { "DdyvZLDb7D-dQ9okhwQreA", "XEPhK81Ms-wdDnoz5oPZgA", "OYSzol-vufiKPuU9YxtbuA" })
            Server.Map("s/" + code, context => { context.Response.StatusCode = status; return Task.CompletedTask; });
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true """);

        var whileDown = await PollAsync(source);
        var requestsWhileDown = PagesRequested.Count;
        MapArticlePages();
        Services.Clock.Advance(TimeSpan.FromMinutes(4));
        var beforeBackoff = await PollAsync(source);
        var requestsBeforeBackoff = PagesRequested.Count;
        Services.Clock.Advance(TimeSpan.FromMinutes(1));
        var after = await PollAsync(source);

        Assert.Equal("wx: 3 new, 0 updated, 0 unchanged; 3 article pages left to read", whileDown.Describe());
        Assert.Equal(3, requestsWhileDown);
        Assert.Equal("wx: not modified; 3 article pages left to read", beforeBackoff.Describe());
        Assert.Equal(3, requestsBeforeBackoff);
        Assert.Equal("wx: 0 new, 3 updated, 0 unchanged", after.Describe());
        Assert.Equal(6, PagesRequested.Count);
        // As the pages made them (their msg_title and ct), where the feed gave a title only and its own date.
        Assert.Equal(("关于音乐", DateTimeOffset.FromUnixTimeSeconds(1523110915)),
            (await EntriesAsync()).Where(e => e.CanonicalKey == YoloV4).Select(e => (e.Title, e.Published!.Value)).Single());
    }

    [Fact]
    public async Task PollAsync_ArticleHostAlwaysFailing_IsAskedAfterADoublingBackoffThenGivenUpAndSaidOnce()
    {
        // README (enrichLimit): a page whose host fails is asked again after Fetching:FailureBackoff (5 min), doubled per
        // failure in a row up to Fetching:MaxFailureBackoff (1 day), and given up at the 10th failure. Polled every hour,
        // by hand: failed at 0 h (next from 0:05), 1 h (1:10), 2 h (2:20), 3 h (3:40), 4 h (5:20), 6 h (8:40), 9 h (14:20),
        // 15 h (25:40), 26 h (47:20), given up at 48 h; never asked after.
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        MapArticlePages();
        Server.Map("s/DdyvZLDb7D-dQ9okhwQreA", context => { context.Response.StatusCode = 503; return Task.CompletedTask; });
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true """);
        var asked = new List<int>();
        var results = new List<string>();

        for (var hour = 0; hour <= 60; hour++)
        {
            var before = PagesRequested.Count(p => p == "/s/DdyvZLDb7D-dQ9okhwQreA");
            results.Add((await PollAsync(source)).Describe());
            if (PagesRequested.Count(p => p == "/s/DdyvZLDb7D-dQ9okhwQreA") > before) asked.Add(hour);
            Services.Clock.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal([0, 1, 2, 3, 4, 6, 9, 15, 26, 48], asked);
        Assert.Equal(10, PagesRequested.Count(p => p == "/s/DdyvZLDb7D-dQ9okhwQreA"));   // one request per failure counted, not three
        Assert.Equal("wx: 3 new, 0 updated, 0 unchanged; 1 article page left to read", results[0]);
        Assert.All(results[1..48], r => Assert.Equal("wx: not modified; 1 article page left to read", r));
        Assert.All(results[48..], r => Assert.Equal("wx: not modified", r));
        var givenUp = Assert.Single(_logs.Lines, l => l.EventId == 2109).Message;
        // Without the hint a failing source's status has ("the source is paused and polled again later"): a page is no source.
        Assert.Equal("wx: page https://mp.weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA given up after its host failed 10 times in a row "
            + "(last: HTTP 503 Service Unavailable); the entry stays as the feed gave it", givenUp);
        Assert.Equal(LogLevel.Warning, Assert.Single(_logs.Warnings, w => w.Message == givenUp).Level);
        Assert.Equal(["2020-05-14 20:05:00 +08:00", "2020-05-14 21:10:00 +08:00"], _logs.Lines.Where(l => l.EventId == 2107).Take(2).Select(l => Regex.Match(l.Message, "a poll from (.+) on reads it$").Groups[1].Value));
        // As the feed gave it (its title), the other two as their pages made them (their msg_title).
        var entries = await EntriesAsync();
        Assert.Equal(["Riptide:12倍端到端加速，陈天奇创业公司OctoML提出克服二值网络瓶颈新方法", "关于音乐", "【视频】石榴花开"],
            new[] { Riptide, YoloV4, Maxas }.Select(key => entries.Single(e => e.CanonicalKey == key).Title));
    }

    [Fact]
    public async Task PollAsync_ArticleHostCircuitOpen_PagesNotAskedAreNotCountedAsFailures()
    {
        // README (enrich): a page is one request per poll, and each failure counted was one. Three pages whose host answers
        // 503, with a breaker that opens after two failures (Fetching:CircuitBreakerFailures 2): the third page is not
        // asked, so no failure of it is counted (no row); it is left for a later poll like the other two.
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        foreach (var code in new[] { "DdyvZLDb7D-dQ9okhwQreA", "XEPhK81Ms-wdDnoz5oPZgA", "OYSzol-vufiKPuU9YxtbuA" })
            Server.Map("s/" + code, context => { context.Response.StatusCode = 503; return Task.CompletedTask; });
        var fetching = RetryingWithoutWaits();
        fetching.CircuitBreakerFailures = 2;
        using var services = new TestServices(Services.Clock.GetUtcNow(), fetching,
            configure: s => s.AddHttpClient(Fetcher.ClientName).AddHttpMessageHandler(() => new WeChatHostRedirect(Server.BaseUri)));
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true """);

        var result = await services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);

        Assert.Equal("wx: 3 new, 0 updated, 0 unchanged; 3 article pages left to read", result.Describe());
        Assert.Equal(2, PagesRequested.Count);
        var pages = await services.Get<PageStore>().GetAsync([Riptide, YoloV4, Maxas], CancellationToken.None);
        Assert.Equal(2, pages.Count);
        Assert.All(pages.Values, p => Assert.Equal((PageOutcome.Failing, 1), (p.Outcome, p.Failures)));
    }

    [Fact]
    public async Task PollAsync_ArticleHostFailing_PagesNeverAskedTakeTheEnrichLimitFirst()
    {
        // README (enrichLimit): a page whose host failed is asked after the pages never asked, once its backoff passed, so
        // it does not keep the others waiting. enrichLimit 1, the newest article's page failing: the next polls read the two
        // others, the one after asks it again. The count of pages left is logged (2106) when it changes: 3, 2, 1.
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        MapArticlePages();
        Server.Map("s/DdyvZLDb7D-dQ9okhwQreA", context => { context.Response.StatusCode = 503; return Task.CompletedTask; });
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true, "enrichLimit": 1 """);

        var results = new List<string>();
        for (var poll = 0; poll < 4; poll++)
        {
            results.Add((await PollAsync(source)).Describe());
            Services.Clock.Advance(TimeSpan.FromHours(1));
        }
        MapArticlePages();
        results.Add((await PollAsync(source)).Describe());

        Assert.Equal(["/s/DdyvZLDb7D-dQ9okhwQreA", "/s/XEPhK81Ms-wdDnoz5oPZgA", "/s/OYSzol-vufiKPuU9YxtbuA", "/s/DdyvZLDb7D-dQ9okhwQreA", "/s/DdyvZLDb7D-dQ9okhwQreA"],
            PagesRequested);
        Assert.Equal(["wx: 3 new, 0 updated, 0 unchanged; 3 article pages left to read", "wx: 0 new, 1 updated, 0 unchanged; 2 article pages left to read",
            "wx: 0 new, 1 updated, 0 unchanged; 1 article page left to read", "wx: not modified; 1 article page left to read", "wx: 0 new, 1 updated, 0 unchanged"], results);
        Assert.Equal([3, 2, 1], _logs.Lines.Where(l => l.EventId == 2106).Select(l => int.Parse(l.Message.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.StartsWith("OctoML 的研究者提出了 Riptide", (await EntriesAsync()).Single(e => e.CanonicalKey == Riptide).Summary);
    }

    [Fact]
    public async Task PollAsync_PollsDuringAnAntiBotPause_SayThePauseOnce()
    {
        // As a source's own pause (event 2006), the page fetches' pause after an anti-bot page (event 2104) is said at the
        // first poll it holds back, not at every poll of its 12 hours; a new anti-bot page after it is a new pause, said again.
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        var source = SourceWhoseArticlePagesAreAntiBotPages();

        await PollAsync(source);   // 12:00 meets the anti-bot page: paused until 00:00
        for (var poll = 0; poll < 3; poll++)
        {
            Services.Clock.Advance(TimeSpan.FromHours(1));
            await PollAsync(source);
        }
        Services.Clock.Advance(TimeSpan.FromHours(10));
        await PollAsync(source);   // 01:00 meets it again: paused until 13:00
        for (var poll = 0; poll < 3; poll++)
        {
            Services.Clock.Advance(TimeSpan.FromHours(1));
            await PollAsync(source);
        }

        Assert.Equal(2, PagesRequested.Count);
        // The end written as 2006 writes it (in Draft:TimeZone, Shanghai: UTC + 8 h), not in the culture's format ("05/15/2020 00:00:00 +00:00").
        Assert.Equal(["wx: page fetches paused until 2020-05-15 08:00:00 +08:00 after an anti-bot page", "wx: page fetches paused until 2020-05-15 21:00:00 +08:00 after an anti-bot page"],
            _logs.Lines.Where(l => l.EventId == 2104).Select(l => l.Message));
    }

    [Fact]
    public async Task PollAsync_FeedListsAgainAnArticleWhoseHostFails_ItsPageWaitsForTheDoublingBackoffAsABacklogPageDoes()
    {
        // README (enrichLimit): a page whose host fails is asked again only after a pause doubling per failure in a row from
        // Fetching:FailureBackoff (5 min), also when the mirror lists the article again at every poll (no validators, so
        // the feed's pass meets the page, not the backlog's). By hand: failed at 12:00 (next from 12:05), asked at 12:05
        // sharp, failed (next from 12:15), not asked at 12:14, asked at 12:15; each poll counts the page as left to read
        // (2107 says the times in the report's zone, +08:00).
        MapAlways("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        MapArticlePages();
        Server.Map("s/DdyvZLDb7D-dQ9okhwQreA", context => { context.Response.StatusCode = 503; return Task.CompletedTask; });
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true """);
        var asked = new List<int>();
        var results = new List<string>();

        foreach (var (poll, minutes) in new[] { 0, 4, 1, 9, 1 }.Index())
        {
            Services.Clock.Advance(TimeSpan.FromMinutes(minutes));
            var before = PagesRequested.Count(p => p == "/s/DdyvZLDb7D-dQ9okhwQreA");
            results.Add((await PollAsync(source)).Describe());
            if (PagesRequested.Count(p => p == "/s/DdyvZLDb7D-dQ9okhwQreA") > before) asked.Add(poll);
        }

        Assert.Equal([0, 2, 4], asked);
        Assert.Equal("wx: 3 new, 0 updated, 0 unchanged; 1 article page left to read", results[0]);
        Assert.All(results[1..], r => Assert.Equal("wx: 0 new, 0 updated, 3 unchanged; 1 article page left to read", r));
        Assert.Equal(["2020-05-14 20:05:00 +08:00", "2020-05-14 20:15:00 +08:00", "2020-05-14 20:35:00 +08:00"],
            _logs.Lines.Where(l => l.EventId == 2107).Select(l => Regex.Match(l.Message, "a poll from (.+) on reads it$").Groups[1].Value));
    }

    [Fact]
    public async Task PollAsync_ArticleHostFailingWithALongerRetryAfter_IsAskedAgainWhenItSays()
    {
        // README (enrichLimit): the pause of a page whose host fails is its doubling backoff (5 min, 10 min, ...) or the
        // host's Retry-After if longer, and debug event 2107 says when. A host answering 503 with Retry-After: 7200 (2 h,
        // past Fetching:MaxRetryAfter, so not waited for within the poll), polled every hour: asked at 0 h, 2 h, 4 h, 6 h.
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        MapArticlePages();
        Server.Map("s/DdyvZLDb7D-dQ9okhwQreA", context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "7200";
            return Task.CompletedTask;
        });
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true """);
        var asked = new List<int>();

        for (var hour = 0; hour <= 6; hour++)
        {
            var before = PagesRequested.Count(p => p == "/s/DdyvZLDb7D-dQ9okhwQreA");
            await PollAsync(source);
            if (PagesRequested.Count(p => p == "/s/DdyvZLDb7D-dQ9okhwQreA") > before) asked.Add(hour);
            Services.Clock.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal([0, 2, 4, 6], asked);
        Assert.Equal("wx: page https://mp.weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA not read now (HTTP 503 Service Unavailable (retry after 7200s); "
            + "failure 1 in a row); a poll from 2020-05-14 22:00:00 +08:00 on reads it", _logs.Lines.First(l => l.EventId == 2107).Message);
    }

    [Fact]
    public async Task PollAsync_PagesLeftDrainedThenLeftAgain_TheCountIsSaidAgain()
    {
        // README: the log says the count of pages left (event 2106) when it changes. Drained to none and then one left
        // again (a new article whose host fails), the one is said again, though the last count said was one too.
        // enrichLimit 1: the mirror lists two articles (one left), then none is left, then a third whose host fails.
        var feed = Fixtures.Text("wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        var riptideItem = Regex.Match(feed, @"\s*<item>(?:(?!</item>).)*DdyvZLDb7D-dQ9okhwQreA.*?</item>", RegexOptions.Singleline).Value;
        Server.MapFile("feeds/MP_WXS_3073282833.rss", System.Text.Encoding.UTF8.GetBytes(feed.Replace(riptideItem, "", StringComparison.Ordinal)));
        MapArticlePages();
        Server.Map("s/DdyvZLDb7D-dQ9okhwQreA", context => { context.Response.StatusCode = 503; return Task.CompletedTask; });
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true, "enrichLimit": 1 """);

        var results = new List<string> { (await PollAsync(source)).Describe(), (await PollAsync(source)).Describe() };
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        results.Add((await PollAsync(source)).Describe());

        Assert.NotEmpty(riptideItem);
        Assert.Equal(["wx: 2 new, 0 updated, 0 unchanged; 1 article page left to read", "wx: 0 new, 1 updated, 0 unchanged",
            "wx: 1 new, 0 updated, 2 unchanged; 1 article page left to read"], results);
        Assert.Equal(["wx: 1 article page(s) left to read; the next polls read them, enrichLimit per poll",
            "wx: 1 article page(s) left to read; the next polls read them, enrichLimit per poll"],
            _logs.Lines.Where(l => l.EventId == 2106).Select(l => l.Message));
    }

    [Fact]
    public async Task PollAsync_BudgetRunsOutReadingPagesLeftForLater_TheRestWaitsForTheNextPoll()
    {
        // Enrichment turned on for a source whose entries are stored already, behind a mirror answering 304: the first
        // enriching poll reads their pages, newest first, until its budget runs out on a slow page; the next reads the rest.
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        MapArticlePages();
        var asked = MapSlowTheFirstTime("s/XEPhK81Ms-wdDnoz5oPZgA", "wechat-article-html/wechatsogou_2018_article_qqmusic.html");
        Assert.Equal(3, (await PollAsync(Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"] """))).New);
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true, "budget": "20s" """);
        var writer = Services.Get<IngestWriter>();

        var cut = await ClockDriver.RunAsync(Services.Clock, PollAsync(source), TimeSpan.FromSeconds(1),
            hold: () => !asked() || writer.Busy);   // the clock runs once the slow page was asked for
        var afterCut = await EntriesAsync();
        var next = await PollAsync(source);

        Assert.Equal("wx: 0 new, 1 updated, 0 unchanged; 2 article pages left to read", cut.Describe());
        Assert.StartsWith("OctoML 的研究者提出了 Riptide，这是一种找出并解决端到端二值网络瓶颈的方法。", afterCut.Single(e => e.CanonicalKey == Riptide).Summary);
        Assert.Equal("AlexeyAB的Darknet发布YOLO v4及论文：速度效果双提升", afterCut.Single(e => e.CanonicalKey == YoloV4).Title);
        Assert.Equal("wx: 0 new, 2 updated, 0 unchanged", next.Describe());
        Assert.Equal(["/s/DdyvZLDb7D-dQ9okhwQreA", "/s/XEPhK81Ms-wdDnoz5oPZgA", "/s/XEPhK81Ms-wdDnoz5oPZgA", "/s/OYSzol-vufiKPuU9YxtbuA"], PagesRequested);
        Assert.Equal("【视频】石榴花开", (await EntriesAsync()).Single(e => e.CanonicalKey == Maxas).Title);
    }

    [Fact]
    public async Task PollAsync_AntiBotPage_PausesPagesLeftForLaterTooUntilTheBackoffPasses()
    {
        // README, enrichBackoff: no page fetches for this long after an anti-bot page, for the pages left from earlier polls
        // as for the feed's; after it the pages left are read (the one that met the anti-bot page first: it is the newest).
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        var source = SourceWhoseArticlePagesAreAntiBotPages();

        var first = await PollAsync(source);
        var duringBackoff = await PollAsync(source);
        var pagesDuringBackoff = PagesRequested.Count;
        Services.Clock.Advance(TimeSpan.FromHours(13));
        var blockedAgain = await PollAsync(source);
        var pagesBlockedAgain = PagesRequested.Count;
        MapArticlePages();
        Services.Clock.Advance(TimeSpan.FromHours(13));
        var read = await PollAsync(source);

        Assert.Equal("wx: 3 new, 0 updated, 0 unchanged; 3 article pages left to read", first.Describe());
        Assert.Equal("wx: not modified; 3 article pages left to read", duringBackoff.Describe());
        Assert.Equal("wx: not modified; 3 article pages left to read", blockedAgain.Describe());
        Assert.Equal((1, 2), (pagesDuringBackoff, pagesBlockedAgain));
        // Event 2106 once: the count of pages left did not change (each poll of a 12-hour pause would repeat it).
        Assert.Equal(["wx: 3 article page(s) left to read; the next polls read them, enrichLimit per poll"],
            _logs.Lines.Where(l => l.EventId == 2106).Select(l => l.Message));
        Assert.Equal("wx: 0 new, 3 updated, 0 unchanged", read.Describe());
        Assert.Equal(["/s/DdyvZLDb7D-dQ9okhwQreA", "/s/DdyvZLDb7D-dQ9okhwQreA", "/s/DdyvZLDb7D-dQ9okhwQreA", "/s/XEPhK81Ms-wdDnoz5oPZgA", "/s/OYSzol-vufiKPuU9YxtbuA"],
            PagesRequested);
    }

    [Fact]
    public async Task PollAsync_EnrichmentOn_FillsPublishTimeSummaryAndLinksFromThePageAndDropsDeletedArticles()
    {
        MapAlways("feeds/all.json", "wechat-mirror-feed/wewe-rss_all.json", "application/json");
        Server.MapFixture("s/DdyvZLDb7D-dQ9okhwQreA", "wechat-article-html/handwritten_2020_article_og.html", "text/html");
        Server.MapFixture("s/ef_P2dofxPeTKyghBe1aSw", "wechat-article-html/handwritten_deleted.html", "text/html");
        var source = Source($$""" "mirror": "{{Base}}", "format": "json", "accounts": ["all"], "enrich": true """);

        var first = await PollAsync(source);
        var second = await PollAsync(source);

        Assert.Equal(1, first.New);
        Assert.Equal((0, 0, 1), (second.New, second.Updated, second.Unchanged));
        Assert.Equal(2, PageRequests);   // each page once: the second poll re-applies what the pages gave
        var riptide = Assert.Single(await EntriesAsync());
        Assert.Equal(Riptide, riptide.CanonicalKey);
        Assert.Equal(new DateTimeOffset(2020, 5, 12, 4, 21, 9, TimeSpan.Zero), riptide.Published);
        Assert.StartsWith("OctoML 的研究者提出了 Riptide，这是一种找出并解决端到端二值网络瓶颈的方法。", riptide.Summary);
        Assert.Equal("机器之心", riptide.Account);
        Assert.Contains(riptide.Links, l => l.Target == "gh:jwfromm/riptide");
    }

    [Fact]
    public async Task PollAsync_PageTextReleasedByHousekeeping_ArticleStillListed_IsNotFetchedAgainAndItsEntryStaysAsThePageMadeIt()
    {
        // A mirror that lists an article for months: once housekeeping drops the page's stored text (after the 90-day
        // retention), the row left says the page was read, so it is neither fetched again nor replaced by the feed's version.
        MapAlways("feeds/all.json", "wechat-mirror-feed/wewe-rss_all.json", "application/json");
        Server.MapFixture("s/DdyvZLDb7D-dQ9okhwQreA", "wechat-article-html/handwritten_2020_article_og.html", "text/html");
        Server.MapFixture("s/ef_P2dofxPeTKyghBe1aSw", "wechat-article-html/handwritten_deleted.html", "text/html");
        var source = Source($$""" "mirror": "{{Base}}", "format": "json", "accounts": ["all"], "enrich": true """);
        await PollAsync(source);
        var enriched = Assert.Single(await EntriesAsync());
        Services.Clock.Advance(TimeSpan.FromDays(91));
        var released = await Services.Get<PageStore>().ReleaseTextAsync(Services.Clock.GetUtcNow() - TimeSpan.FromDays(90), CancellationToken.None);

        var later = await PollAsync(source);

        Assert.Equal(1, released);   // the deleted article's row never held text
        Assert.Equal((0, 0), (later.New, later.Updated));
        Assert.Equal(2, PageRequests);
        var riptide = Assert.Single(await EntriesAsync());
        Assert.Equal((enriched.Published, enriched.Summary, enriched.Account), (riptide.Published, riptide.Summary, riptide.Account));
        Assert.Equal(new DateTimeOffset(2020, 5, 12, 4, 21, 9, TimeSpan.Zero), riptide.Published);
        Assert.StartsWith("OctoML 的研究者提出了 Riptide", riptide.Summary);
    }

    [Theory]
    [InlineData("&lt;TensorRT&gt; 8.0 部署指南", "<TensorRT> 8.0 部署指南")]                      // text: its angle brackets stay
    [InlineData("当 n&lt;m 且 m&gt;k 时的量化误差", "当 n<m 且 m>k 时的量化误差")]
    [InlineData("&lt;b&gt;量化&lt;/b&gt;部署 &amp;amp; 剪枝", "量化部署 & 剪枝")]                      // HTML: tags and entities read
    public async Task PollAsync_EnrichedPageTitle_IsTextUnlessItLooksLikeHtml(string ogTitle, string expected)
    {
        // og:title is an attribute: AngleSharp decodes it once; what is left is the title as the page's author wrote it.
        MapAlways("feeds/all.json", "wechat-mirror-feed/wewe-rss_all.json", "application/json");
        var page = Fixtures.Text("wechat-article-html/handwritten_2020_article_og.html")
            .Replace("content=\"Riptide:12倍端到端加速，陈天奇创业公司OctoML提出克服二值网络瓶颈新方法\"", $"content=\"{ogTitle}\"", StringComparison.Ordinal);
        Server.MapFile("s/DdyvZLDb7D-dQ9okhwQreA", System.Text.Encoding.UTF8.GetBytes(page), "text/html");
        Server.MapFixture("s/ef_P2dofxPeTKyghBe1aSw", "wechat-article-html/handwritten_deleted.html", "text/html");

        await PollAsync(Source($$""" "mirror": "{{Base}}", "format": "json", "accounts": ["all"], "enrich": true """));

        Assert.Equal(expected, Assert.Single(await EntriesAsync()).Title);
    }

    [Fact]
    public async Task PollAsync_EnrichmentOff_FetchesNoPage()
    {
        Server.MapFixture("feeds/all.json", "wechat-mirror-feed/wewe-rss_all.json", "application/json");

        var result = await PollAsync(Source($$""" "mirror": "{{Base}}", "format": "json", "accounts": ["all"] """));

        Assert.Equal(2, result.New);
        Assert.Equal(0, PageRequests);
        // The feed's date_modified (wewe-rss writes no date_published), not a publish time read from a page.
        Assert.Equal([new DateTimeOffset(2020, 5, 12, 4, 21, 9, TimeSpan.Zero), new DateTimeOffset(2020, 5, 13, 1, 30, 0, TimeSpan.Zero)],
            (await EntriesAsync()).Select(e => e.Published).Order());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PollAsync_ShortLinkWhosePageNamesALongLinkSeenElsewhere_MergesIntoOneEntry(bool longFirst)
    {
        Server.MapFixture("b/feed/jqzx.xml", "wechat-mirror-feed/wechat2rss_jiqizhixin.xml");
        Server.MapFixture("a/feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        Server.MapFixture("s/DdyvZLDb7D-dQ9okhwQreA", "wechat-article-html/handwritten_2020_article_og.html", "text/html");
        var longLinks = Source($$""" "mirror": "{{Base}}/b", "flavor": "wechat2rss", "accounts": ["jqzx"] """, "wechat2rss");
        var shortLinks = Source($$""" "mirror": "{{Base}}/a", "accounts": ["MP_WXS_3073282833"], "enrich": true, "enrichLimit": 1 """, "wewe");

        foreach (var source in longFirst ? new[] { longLinks, shortLinks } : [shortLinks, longLinks])
            Assert.Null((await PollAsync(source)).Error);

        var entries = await EntriesAsync();
        Assert.Equal(3, entries.Count);
        Assert.Single(entries, e => e.Title.StartsWith("Riptide", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.CanonicalKey == (longFirst ? RiptideLong : Riptide));
    }

    [Fact]
    public async Task PollAsync_AntiBotPage_StopsPageFetchesAndBacksOffUntilTheBackoffPasses()
    {
        MapAlways("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        var source = SourceWhoseArticlePagesAreAntiBotPages();

        var first = await PollAsync(source);
        var afterFirst = PageRequests;
        await PollAsync(source);
        var duringBackoff = PageRequests - afterFirst;
        Services.Clock.Advance(TimeSpan.FromHours(13));
        await PollAsync(source);
        var afterBackoff = PageRequests - afterFirst - duringBackoff;

        Assert.Equal(3, first.New);   // the feed's entries are kept as the feed gave them, never as page content
        Assert.Equal((1, 0, 1), (afterFirst, duringBackoff, afterBackoff));
        Assert.All(await EntriesAsync(), e => Assert.DoesNotContain("环境异常", e.Summary + e.Title));
    }

    [Fact]
    public async Task PollAsync_EnrichLimit_BoundsPageFetchesPerPoll()
    {
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        Server.MapFixture("s/DdyvZLDb7D-dQ9okhwQreA", "wechat-article-html/handwritten_2020_article_og.html", "text/html");
        Server.MapFixture("s/XEPhK81Ms-wdDnoz5oPZgA", "wechat-article-html/handwritten_2020_article_og.html", "text/html");

        await PollAsync(Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true, "enrichLimit": 2 """));

        Assert.Equal(2, PageRequests);
    }

    [Fact]
    public async Task PollAsync_BudgetRunsOutWhileReadingPages_StoresWhatThePagesReadGaveAndTheNextPollGoesOn()
    {
        // A slow mirror: the second article page does not answer within the poll's budget the first time. The first page
        // was read and paid for; its entry is stored as the page made it by that poll, and the next poll reads only the rest.
        MapAlways("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        Server.MapFixture("s/DdyvZLDb7D-dQ9okhwQreA", "wechat-article-html/handwritten_2020_article_og.html", "text/html");
        var asked = MapSlowTheFirstTime("s/XEPhK81Ms-wdDnoz5oPZgA", "wechat-article-html/wechatsogou_2018_article_qqmusic.html");
        Server.MapFixture("s/OYSzol-vufiKPuU9YxtbuA", "wechat-article-html/wechatsogou_2018_article_video_iframe.html", "text/html");
        var source = Source($$""" "mirror": "{{Base}}", "accounts": ["MP_WXS_3073282833"], "enrich": true, "budget": "20s" """);
        var writer = Services.Get<IngestWriter>();

        var first = await ClockDriver.RunAsync(Services.Clock, PollAsync(source), TimeSpan.FromSeconds(1),
            hold: () => !asked() || writer.Busy);   // the clock runs once the slow page was asked for
        var afterFirst = await EntriesAsync();
        var second = await PollAsync(source);

        Assert.Equal(3, first.New);
        var riptide = Assert.Single(afterFirst, e => e.CanonicalKey == Riptide);
        Assert.StartsWith("OctoML 的研究者提出了 Riptide，这是一种找出并解决端到端二值网络瓶颈的方法。", riptide.Summary);
        Assert.Contains(riptide.Links, l => l.Target == "gh:jwfromm/riptide");
        Assert.Null(second.Error);
        Assert.Equal(1, Server.Requests.Count(r => r.PathAndQuery == "/s/DdyvZLDb7D-dQ9okhwQreA"));
        Assert.Equal(2, Server.Requests.Count(r => r.PathAndQuery == "/s/XEPhK81Ms-wdDnoz5oPZgA"));
        Assert.Equal(1, Server.Requests.Count(r => r.PathAndQuery == "/s/OYSzol-vufiKPuU9YxtbuA"));
        Assert.Equal((0, 2), (second.New, second.Updated));   // the two pages read now
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PollAsync_EnrichWithHeaders_SendsThemToArticlePagesOnlyOnTheMirrorsHost(bool mirrorOnWeChatsHost)
    {
        // README, headers: sent on every request of the source, article pages too when they are on the mirror's host.
        // The test handler serves mp.weixin.qq.com from the loopback server, so a mirror there shares the pages' host.
        Server.MapFixture("feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss");
        Server.MapFixture("s/DdyvZLDb7D-dQ9okhwQreA", "wechat-article-html/handwritten_2020_article_og.html", "text/html");
        var mirror = mirrorOnWeChatsHost ? "http://mp.weixin.qq.com" : Base;

        await PollAsync(Source($$""" "mirror": "{{mirror}}", "accounts": ["MP_WXS_3073282833"], "enrich": true, "enrichLimit": 1, "headers": {"X-Mirror-Token": "t-42"} """));

        Assert.Equal("t-42", Assert.Single(Server.Requests, r => r.PathAndQuery.StartsWith("/feeds/", StringComparison.Ordinal)).Headers["X-Mirror-Token"]);
        var page = Assert.Single(Server.Requests, r => r.PathAndQuery.StartsWith("/s/", StringComparison.Ordinal));
        Assert.Equal(mirrorOnWeChatsHost ? "t-42" : null, page.Headers.GetValueOrDefault("X-Mirror-Token"));
    }

    [Theory]
    [InlineData("""{"sources": [{"id": "w", "kind": "wechat-mirror"}]}""", "mirror: required")]
    [InlineData("""{"sources": [{"id": "w", "kind": "wechat-mirror", "mirror": "ftp://m.org"}]}""", "mirror: not an absolute http(s) URL")]
    [InlineData("""{"sources": [{"id": "w", "kind": "wechat-mirror", "mirror": "https://m.org"}]}""", "accounts: list at least one")]
    [InlineData("""{"sources": [{"id": "w", "kind": "wechat-mirror", "mirror": "https://m.org", "accounts": ["a"], "flavor": "x"}]}""", "flavor: unknown mirror flavor 'x'")]
    [InlineData("""{"sources": [{"id": "w", "kind": "wechat-mirror", "mirror": "https://m.org", "accounts": ["a"], "format": "xml"}]}""", "format: unknown format 'xml'")]
    [InlineData("""{"sources": [{"id": "w", "kind": "wechat-mirror", "mirror": "https://m.org", "accounts": [{"name": "机器之心"}]}]}""", "accounts[1]: feed: required")]
    [InlineData("""{"sources": [{"id": "w", "kind": "wechat-mirror", "mirror": "https://m.org", "accounts": ["a"], "staleAfter": "soon"}]}""", "staleAfter: 'soon' is not a duration; write it as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    [InlineData("""{"sources": [{"id": "w", "kind": "wechat-mirror", "mirror": "https://m.org", "accounts": ["a"], "enrichLimit": 500}]}""", "enrichLimit: expected a whole number")]
    [InlineData("""{"sources": [{"id": "w", "kind": "wechat-mirror", "mirror": "https://m.org", "accounts": ["a"], "repos": ["x/y"]}]}""", "repos: unknown field")]
    public void Parse_BadWeChatMirrorFields_NameTheField(string json, string problem)
    {
        var (_, problems) = Services.Get<SourceCatalog>().Parse(json, "sources.json", new DraftOptions().SectionSlugs(), _ => null);

        Assert.Contains(problems, p => p.StartsWith("sources.json: source 'w': " + problem, StringComparison.Ordinal));
    }

    // README: `format` is "wewe-rss only"; set for another flavour, or beside a `url`, it changed nothing without a word.
    [Theory]
    [InlineData(""" "flavor": "rsshub", "format": "atom" """, "format: 'atom' has no effect with flavor 'rsshub' (only wewe-rss serves a feed as rss, atom or json); remove it")]
    [InlineData(""" "flavor": "wechat2rss", "format": "json" """, "format: 'json' has no effect with flavor 'wechat2rss' (only wewe-rss serves a feed as rss, atom or json); remove it")]
    [InlineData(""" "url": "https://m.org/feeds/a.rss", "format": "atom" """, "format: 'atom' has no effect with 'url' (that feed is read as it is); remove it")]
    [InlineData(""" "flavor": "wewe-rss", "format": "atom" """, null)]
    [InlineData(""" "format": "json" """, null)]
    [InlineData(""" "flavor": "rsshub" """, null)]
    public void Warnings_FormatWithAFlavourOtherThanWeweRss_SaysItHasNoEffect(string fields, string? warning)
    {
        var json = $$"""{"sources": [{"id": "w", "kind": "wechat-mirror", "mirror": "https://m.org", "accounts": ["a"], {{fields}}}]}""";
        var catalog = Services.Get<SourceCatalog>();
        var (sources, problems) = catalog.Parse(json, "sources.json", new DraftOptions().SectionSlugs(), _ => null);

        var warnings = catalog.Warnings(sources, "sources.json").ToList();

        Assert.Empty(problems);
        Assert.Equal(warning is null ? [] : ["sources.json: source 'w': " + warning], warnings);
    }

    // One feed id left as shipped is named in the singular (CliTests has two: the plural); mutation audit 23.
    [Fact]
    public void Warnings_EnabledWithOneShippedPlaceholderFeed_NamesItInTheSingular()
    {
        var json = """{"sources": [{"id": "w", "kind": "wechat-mirror", "mirror": "https://m.org", "accounts": ["MP_WXS_3073282833", "SET-ME-qbitai"]}]}""";
        var catalog = Services.Get<SourceCatalog>();
        var (sources, problems) = catalog.Parse(json, "sources.json", new DraftOptions().SectionSlugs(), _ => null);

        var warnings = catalog.Warnings(sources, "sources.json").ToList();

        Assert.Empty(problems);
        Assert.Equal(["sources.json: source 'w': accounts: 1 feed id is still the shipped placeholder (SET-ME-qbitai): replace each with the "
            + "account's feed id on your mirror, or remove the account; the mirror has no such feed"], warnings);
    }

    [Fact]
    public async Task PollAsync_SingleFeedUrl_UsesTheSourceAccount()
    {
        Server.MapFixture("any/path.xml", "wechat-mirror-feed/wechat2rss_jiqizhixin.xml");
        var source = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "one", "kind": "wechat-mirror", "url": "{{Server.Url("any/path.xml")}}", "account": "机器之心Pro", "allowPrivateNetwork": true}]}"""));

        await PollAsync(source);

        var entry = Assert.Single(await EntriesAsync());
        Assert.Equal("机器之心Pro", entry.Account);
        Assert.Equal(RiptideLong, entry.CanonicalKey);
    }

    // An article page that does not answer the first request (until the poll gives up on it), then answers with the fixture;
    // the function says whether it was asked for yet.
    private Func<bool> MapSlowTheFirstTime(string path, string fixture)
    {
        var requests = 0;
        Server.Map(path, async context =>
        {
            if (Interlocked.Increment(ref requests) == 1)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
                return;
            }
            context.Response.ContentType = "text/html";
            await context.Response.Body.WriteAsync(Fixtures.Bytes(fixture));
        });
        return () => Volatile.Read(ref requests) > 0;
    }
}
