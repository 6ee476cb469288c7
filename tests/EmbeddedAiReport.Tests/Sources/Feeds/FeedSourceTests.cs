using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Tests.Sources.Feeds;

public sealed class FeedSourceTests : LoopbackTest
{
    private readonly CapturingLoggerProvider _logs;

    public FeedSourceTests() : this(new CapturingLoggerProvider())
    {
    }

    private FeedSourceTests(CapturingLoggerProvider logs) : base(new TestServices(configure: s => s.AddSingleton<ILoggerProvider>(logs))) => _logs = logs;

    private SourceDefinition Source(string path, string id = "feed-1") => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "{{id}}", "kind": "feed", "url": "{{Server.Url(path)}}", "allowPrivateNetwork": true}]}"""));

    [Theory]
    [InlineData("github-releases-atom/feedrs_feed-rs_releases_2020.atom", 4)]
    [InlineData("github-releases-atom/rssparser_gulp_releases_2015.atom", 10)]
    [InlineData("github-releases-atom/miniflux_github_commits_2024.atom", 20)]
    [InlineData("generic-feed/miniflux_no_xml_decl_iso-8859-1.xml", 9)]
    [InlineData("generic-feed/rssparser_news_qq_gb2312.xml", 20)]
    public async Task PollAsync_RealFeed_StoresEveryItem(string fixture, int expected)
    {
        Server.MapFixture("feed.xml", fixture);

        var result = await Services.Get<SourcePoller>().PollAsync(Source("feed.xml"), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(expected, result.New);
    }

    [Theory]
    [InlineData("2020-02-01T00:00:00Z", "2020-01-19T05:08:59Z")]
    [InlineData("2020-01-10T00:00:00Z", null)]   // received nine days before the release: its date lies in the future, so none
    public void Parse_DocumentReceivedAtAnotherTime_MeasuresDatesAgainstItsReceivedTimeNotTheClock(string received, string? published)
    {
        var source = Source("feed.xml");
        var document = new FetchedDocument(Fixtures.Bytes("github-releases-atom/feedrs_feed-rs_releases_2020.atom"), "application/atom+xml", null,
            source.Url!, DateTimeOffset.Parse(received, System.Globalization.CultureInfo.InvariantCulture));

        var outcome = Assert.IsType<ParseOutcome.Parsed>(new FeedSource().Parse(document, source, new SourceRequest(source.Url!)));

        var release = Assert.Single(outcome.Entries, e => e.Url == "https://github.com/feed-rs/feed-rs/releases/tag/v0.2.0");
        Assert.Equal(published, release.Published?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }

    // news.qq.com's 新闻国内 (rssparser_news_qq_gb2312.xml) says <language>zh-cn</language> and dates its items
    // "2018-09-18 14:38:10", without a zone: Beijing time, 06:38:10 UTC (read as UTC it was 8 hours late).
    [Fact]
    public void Parse_RealChineseFeedWithDatesWithoutAZone_ReadsThemAsChinaTime()
    {
        var source = Source("feed.xml");
        var document = new FetchedDocument(Fixtures.Bytes("generic-feed/rssparser_news_qq_gb2312.xml"), "text/xml", null, source.Url!,
            new DateTimeOffset(2018, 9, 19, 0, 0, 0, TimeSpan.Zero));

        var outcome = Assert.IsType<ParseOutcome.Parsed>(new FeedSource().Parse(document, source, new SourceRequest(source.Url!)));

        Assert.Equal(new DateTimeOffset(2018, 9, 18, 6, 38, 10, TimeSpan.Zero),
            Assert.Single(outcome.Entries, e => e.Url == "http://news.qq.com/a/20180918/009846.htm").Published);
    }

    // The same channel's shape with other languages and dates: only a Chinese feed's dates without a zone (and its "CST",
    // as Java, Go and PHP print China Standard Time) move to +08:00; a date with its zone is read as written.
    [Theory]
    [InlineData("rss", "zh-cn", "2018-09-18 14:38:10", "2018-09-18T06:38:10Z")]
    [InlineData("rss", "zh-CN", "2018-09-18 14:38:10", "2018-09-18T06:38:10Z")]
    [InlineData("rss", "ZH-CN", "2018-09-18 14:38:10", "2018-09-18T06:38:10Z")]   // language tags are case-insensitive (RFC 5646 2.1.1)
    [InlineData("rss", "zh", "2018-09-18 14:38:10", "2018-09-18T06:38:10Z")]
    [InlineData("rss", "zh-Hans", "Tue, 18 Sep 2018 14:38:10", "2018-09-18T06:38:10Z")]
    [InlineData("rss", "zh_TW", "2018-09-18 14:38:10", "2018-09-18T06:38:10Z")]
    [InlineData("rss", "zh-cn", "Tue, 18 Sep 2018 14:38:10 CST", "2018-09-18T06:38:10Z")]
    [InlineData("rss", "zh-cn", "Tue, 18 Sep 2018 14:38:10 GMT", "2018-09-18T14:38:10Z")]
    [InlineData("rss", "zh-cn", "Tue, 18 Sep 2018 14:38:10 +0000", "2018-09-18T14:38:10Z")]
    [InlineData("rss", "zh-cn", "2018-09-18T14:38:10Z", "2018-09-18T14:38:10Z")]
    [InlineData("rss", "zh-cn", "2018-09-18 14:38:10+09:00", "2018-09-18T05:38:10Z")]
    [InlineData("rss", "en-us", "2018-09-18 14:38:10", "2018-09-18T14:38:10Z")]
    [InlineData("rss", "en-us", "Tue, 18 Sep 2018 14:38:10 CST", "2018-09-18T20:38:10Z")]   // RFC 822's US Central
    [InlineData("rss", null, "2018-09-18 14:38:10", "2018-09-18T14:38:10Z")]
    [InlineData("rss", "zhx", "2018-09-18 14:38:10", "2018-09-18T14:38:10Z")]
    [InlineData("atom", "zh-CN", "2018-09-18T14:38:10", "2018-09-18T06:38:10Z")]
    [InlineData("atom", "en", "2018-09-18T14:38:10", "2018-09-18T14:38:10Z")]
    [InlineData("json", "zh-CN", "2018-09-18T14:38:10", "2018-09-18T06:38:10Z")]
    [InlineData("json", "en", "2018-09-18T14:38:10", "2018-09-18T14:38:10Z")]
    [InlineData("json", null, "2018-09-18T14:38:10", "2018-09-18T14:38:10Z")]
    public void Parse_FeedInALanguage_ReadsDatesWithoutAZoneInItsPlace(string format, string? language, string date, string expected)
    {
        var source = Source("feed.xml");
        var lang = language is null ? "" : format switch
        {
            "rss" => $"<language>{language}</language>",
            "json" => $"\"language\": \"{language}\",",
            _ => $" xml:lang=\"{language}\"",
        };
        var xml = format == "json"
            ? $$"""
              {"version": "https://jsonfeed.org/version/1.1", "title": "新闻国内", "home_page_url": "http://news.qq.com/china_index.shtml", {{lang}}
               "items": [{"id": "http://news.qq.com/a/20180918/009846.htm", "url": "http://news.qq.com/a/20180918/009846.htm",
                          "title": "端侧AI芯片量产", "date_published": "{{date}}", "summary": "编者按：端侧AI芯片今日量产。"}]}
              """
            : format == "rss"
            ? $"""
              <?xml version="1.0" encoding="utf-8"?>
              <rss version="2.0">
                <channel>
                  <title>新闻国内</title>
                  <description>新闻国内</description>
                  <link>http://news.qq.com/china_index.shtml</link>
                  {lang}
                  <generator>www.qq.com</generator>
                  <item>
                    <title>端侧AI芯片量产</title>
                    <link>http://news.qq.com/a/20180918/009846.htm</link>
                    <author>www.qq.com</author>
                    <category/>
                    <pubDate>{date}</pubDate>
                    <comments/>
                    <description>编者按：端侧AI芯片今日量产。</description>
                  </item>
                </channel>
              </rss>
              """
            : $"""
              <?xml version="1.0" encoding="utf-8"?>
              <feed xmlns="http://www.w3.org/2005/Atom"{lang}>
                <title>新闻国内</title>
                <link href="http://news.qq.com/china_index.shtml"/>
                <entry>
                  <title>端侧AI芯片量产</title>
                  <link href="http://news.qq.com/a/20180918/009846.htm"/>
                  <id>http://news.qq.com/a/20180918/009846.htm</id>
                  <updated>{date}</updated>
                  <summary>编者按：端侧AI芯片今日量产。</summary>
                </entry>
              </feed>
              """;
        var document = new FetchedDocument(System.Text.Encoding.UTF8.GetBytes(xml), "text/xml", null, source.Url!, new DateTimeOffset(2018, 9, 19, 0, 0, 0, TimeSpan.Zero));

        var outcome = Assert.IsType<ParseOutcome.Parsed>(new FeedSource().Parse(document, source, new SourceRequest(source.Url!)));

        Assert.Equal(expected, Assert.Single(outcome.Entries).Published?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task PollAsync_RelativeAtomLinks_BecomeAbsolute()
    {
        Server.MapFixture("feed.xml", "github-releases-atom/rssparser_gulp_releases_2015.atom");

        await Services.Get<SourcePoller>().PollAsync(Source("feed.xml"), CancellationToken.None);

        var entries = await Services.Get<EntryStore>().ListWindowAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None);
        // The fixture's ten entries, each linking "/gulpjs/gulp/releases/tag/{tag}" (read off the file): every one stored, absolute.
        string[] tags = ["v3.8.10", "v3.8.11", "v3.8.3", "v3.8.4", "v3.8.5", "v3.8.6", "v3.8.7", "v3.8.8", "v3.8.9", "v3.9.0"];
        Assert.Equal(tags.Select(tag => $"https://github.com/gulpjs/gulp/releases/tag/{tag}"), entries.Select(e => e.Url).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PollAsync_IncludeAndExclude_KeepOnlyItemsWhoseTitleOrSummaryMatchesAnIncludeAndNoExclude()
    {
        // README: include / exclude are regexes on title + summary, case-insensitive. Of the fixture's 20 commits, "xml" is in
        // the titles of "Move iTunes and GooglePlay XML definitions…" (also "iTunes": excluded) and in the message only of
        // "Refactor RSS parser…" ("the Go XML parser"); "podcast" is in one title.
        Server.MapFixture("feed.xml", "github-releases-atom/miniflux_github_commits_2024.atom");
        var source = Assert.Single(Services.Sources($$"""
            {"sources": [{"id": "feed-1", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true,
                          "include": ["xml", "podcast"], "exclude": "itunes"}]}
            """));

        var result = await Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);

        var entries = await Services.Get<EntryStore>().ListWindowAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None);
        Assert.Equal(["Parse podcast categories", "Refactor RSS parser to use default namespace"], entries.Select(e => e.Title).Order(StringComparer.Ordinal));
        Assert.Equal(2, result.New);
    }

    // (a+)+$ on forty a's and a '!' backtracks 2^40 ways: the regex times out (1 s).
    private const string Backtracking = "^(a+)+$";
    private static readonly string Slow = new string('a', 40) + "!";

    // Polls feed-1, a feed of items titled `titles`, with `field` (include or exclude) set to Backtracking.
    private async Task<PollResult> PollWithABacktrackingPatternAsync(string field, params string[] titles)
    {
        var items = string.Concat(titles.Select((title, i) => $"<item><title>{title}</title><link>https://blog.example.org/{i}</link></item>"));
        Server.MapFile("feed.xml", System.Text.Encoding.UTF8.GetBytes($"""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>博客</title><link>https://blog.example.org/</link>{items}</channel></rss>
            """));
        var source = Assert.Single(Services.Sources($$"""
            {"sources": [{"id": "feed-1", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true, "{{field}}": "{{Backtracking}}"}]}
            """));
        return await Services.Get<SourcePoller>().PollGuardedAsync(source, CancellationToken.None);
    }

    [Fact]
    public async Task PollAsync_ExcludePatternThatBacktracksWithoutEnd_KeepsThatEntry_AndWarnsOnce()
    {
        // The timeout threw out of the filter: the poll crashed ("internal error") and the source stored nothing at any poll.
        var result = await PollWithABacktrackingPatternAsync("exclude", Slow, "NPU 编译器发布");

        Assert.Null(result.Error);
        Assert.Equal(2, result.New);
        var warning = Assert.Single(_logs.Lines, l => l.EventId == 2108);
        Assert.StartsWith($"feed-1: exclude pattern '{Backtracking}' took longer than 00:00:01 on an entry, which was kept as if unfiltered", warning.Message);
    }

    [Fact]
    public async Task PollAsync_IncludePatternThatBacktracksWithoutEnd_KeepsThoseEntries_AndWarnsOncePerPoll()
    {
        // An include pattern that times out on an entry keeps it (README: as if unfiltered); two such entries are one
        // warning for the poll. The entry the pattern reads at once and refuses is left out, as any is.
        var result = await PollWithABacktrackingPatternAsync("include", Slow, Slow + "?", "NPU 编译器发布");

        Assert.Null(result.Error);
        Assert.Equal(2, result.New);
        var warning = Assert.Single(_logs.Lines, l => l.EventId == 2108);
        Assert.StartsWith($"feed-1: include pattern '{Backtracking}' took longer than 00:00:01 on an entry, which was kept as if unfiltered", warning.Message);
    }

    [Fact]
    public async Task PollAsync_ItemNamingAPaperInFullWidthDigits_IsStoredWithTheOthers()
    {
        // A Chinese post may write digits full-width (an input method's default): not an arXiv id, and not a reason to fail the feed.
        Server.MapFile("feed.xml", System.Text.Encoding.UTF8.GetBytes("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>博客</title><link>https://blog.example.org/</link>
            <item><title>端侧 ViT 量化</title><link>https://blog.example.org/a</link><description>论文 arXiv:２０１１.１２２８９，代码已开源。</description></item>
            <item><title>NPU 编译器发布</title><link>https://blog.example.org/b</link><description>论文 arXiv:2011.12289。</description></item>
            </channel></rss>
            """));

        var result = await Services.Get<SourcePoller>().PollAsync(Source("feed.xml"), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(2, result.New);
    }

    [Fact]
    public async Task PollAsync_SecondPoll_SendsETagGets304AndStoresNothing()
    {
        Server.MapFixture("feed.xml", "github-releases-atom/feedrs_feed-rs_releases_2020.atom");
        var poller = Services.Get<SourcePoller>();

        var first = await poller.PollAsync(Source("feed.xml"), CancellationToken.None);
        var second = await poller.PollAsync(Source("feed.xml"), CancellationToken.None);

        Assert.Equal(4, first.New);
        Assert.True(second.NotModified);
        Assert.Equal(0, second.Seen);
        Assert.Equal(2, Server.Requests.Count);
        Assert.NotEmpty(Server.Requests.Last().IfNoneMatch);
        Assert.Equal(4, await Services.Get<EntryStore>().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_FeedChangesAnItem_UpdatesItInPlace()
    {
        var original = Fixtures.Text("github-releases-atom/feedrs_feed-rs_releases_2020.atom");
        Server.MapFile("feed.xml", System.Text.Encoding.UTF8.GetBytes(original));
        var poller = Services.Get<SourcePoller>();
        await poller.PollAsync(Source("feed.xml"), CancellationToken.None);

        Server.MapFile("feed.xml", System.Text.Encoding.UTF8.GetBytes(original.Replace("Update version to 0.1.3", "Update version to 0.1.3 (edited)")));
        var second = await poller.PollAsync(Source("feed.xml"), CancellationToken.None);

        Assert.Equal(0, second.New);
        Assert.Equal(1, second.Updated);
        Assert.Equal(3, second.Unchanged);
        Assert.Equal(4, await Services.Get<EntryStore>().CountAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("generic-feed/feedparser_illformed_unclosed_root.xml", "malformed XML")]
    [InlineData("generic-feed/feedrs_reuters_truncated_server_error.xml", "malformed XML")]
    [InlineData("wechat-article-html/wechatsogou_link_expired.html", "HTML page")]
    public async Task PollAsync_BrokenDocument_FailsWithAClearReasonAndWritesAFetchRow(string fixture, string reason)
    {
        Server.MapFixture("feed.xml", fixture);

        var result = await Services.Get<SourcePoller>().PollAsync(Source("feed.xml"), CancellationToken.None);

        Assert.Contains(reason, result.Error);
        var health = Assert.Single(await Services.Get<SourceStore>().ListHealthAsync(CancellationToken.None));
        Assert.Equal(1, health.ConsecutiveFailures);
        Assert.Contains(reason, health.LastError);
    }

    [Fact]
    public async Task PollAsync_PrivateAddressNotAllowed_IsRefusedBeforeAnyRequest()
    {
        Server.MapFixture("feed.xml", "github-releases-atom/feedrs_feed-rs_releases_2020.atom");
        var source = Source("feed.xml") with { AllowPrivateNetwork = false };

        var result = await Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);

        Assert.Contains("allowPrivateNetwork", result.Error);
        Assert.Empty(Server.Requests);
    }
}
