using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.WeChat;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources.WeChat;

public sealed class ArticlePageParserTests
{
    private static readonly Uri ArticleUri = new("https://mp.weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA");
    private static readonly DateTimeOffset Received = new(2020, 5, 14, 12, 0, 0, TimeSpan.Zero);

    private static (ArticlePage? Page, ParseOutcome? Failure) Parse(string fixture, string? charset = null, Uri? finalUri = null) =>
        ArticlePageParser.Parse(new FetchedDocument(Fixtures.Bytes("wechat-article-html/" + fixture), "text/html", charset, finalUri ?? ArticleUri, Received));

    [Fact]
    public void Parse_Real2018Article_ReadsTitleAccountPublishTimeBodyAndLongLink()
    {
        var (page, failure) = Parse("wechatsogou_2018_article_video_iframe.html");

        Assert.Null(failure);
        Assert.Equal("【视频】石榴花开", page!.Title);
        Assert.Equal("共产党员", page.Account);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1521515999), page.Published);
        Assert.Equal("wx:MzA4ODUzNjAxOA==:2671068104:7", page.LongLink?.Key);
        Assert.NotEmpty(page.Body);
        Assert.DoesNotContain("<", page.Body);
    }

    // The script's nickname is a JS string, whose \x1b is an ESC once decoded: the account is printed as stored.
    [Fact]
    public void Parse_NicknameOnlyInTheScriptWithEscapes_AccountWithoutControlCharacters()
    {
        var html = Fixtures.Text("wechat-article-html/handwritten_2020_article_og.html")
            .Replace("id=\"js_name\">机器之心</a>", "></a>").Replace("htmlDecode(\"机器之心\")", "htmlDecode(\"机器\\x1b[2J\\u202e之心\")");

        var (page, failure) = ArticlePageParser.Parse(new FetchedDocument(System.Text.Encoding.UTF8.GetBytes(html), "text/html", "utf-8", ArticleUri, Received));

        Assert.Null(failure);
        Assert.Equal("机器 [2J 之心", page!.Account);
    }

    [Fact]
    public void Parse_Real2018ArticleWithMusic_ReadsScriptVariables()
    {
        var (page, _) = Parse("wechatsogou_2018_article_qqmusic.html");

        Assert.Equal("关于音乐", page!.Title);
        Assert.Equal("闲云野鹤古刹", page.Account);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1523110915), page.Published);
        Assert.Equal("wx:MzIwOTc2ODc1NQ==:2247484727:1", page.LongLink?.Key);
    }

    [Theory]
    [InlineData("handwritten_2020_article_og.html", null)]
    [InlineData("handwritten_2020_article_og_gbk_meta.html", null)]
    [InlineData("handwritten_2020_article_og_gbk_nometa.html", "gbk")]
    public void Parse_CurrentLayoutInAnyCharset_ReadsOgTagsAndDescription(string fixture, string? httpCharset)
    {
        var (page, failure) = Parse(fixture, httpCharset);

        Assert.Null(failure);
        Assert.Equal("Riptide:12倍端到端加速，陈天奇创业公司OctoML提出克服二值网络瓶颈新方法", page!.Title);
        Assert.Equal("机器之心", page.Account);
        Assert.Equal(new DateTimeOffset(2020, 5, 12, 4, 21, 9, TimeSpan.Zero), page.Published);
        Assert.StartsWith("OctoML 的研究者提出了 Riptide，", page.Description);
        Assert.Contains("https://github.com/jwfromm/Riptide", page.Body);
        Assert.Equal("wx:MzA3MzI4MjgzMw==:2650786213:3", page.LongLink?.Key);
    }

    [Fact]
    public void Parse_GbkPageWithoutAnyCharset_IsMojibakeNotAnError()
    {
        // Without a declaration or an HTTP charset, HTML means UTF-8: the page is read, but its title is garbled.
        var (page, failure) = Parse("handwritten_2020_article_og_gbk_nometa.html");

        Assert.Null(failure);
        Assert.DoesNotContain("陈天奇", page!.Title);
    }

    [Theory]
    [InlineData("wechatsogou_link_expired.html", "链接已过期")]
    [InlineData("handwritten_deleted.html", "已被发布者删除")]
    public void Parse_ExpiredOrDeletedArticlePage_ReturnsGone(string fixture, string reason)
    {
        var (page, failure) = Parse(fixture);

        Assert.Null(page);
        Assert.Equal(reason, Assert.IsType<ParseOutcome.Gone>(failure).Reason);
    }

    [Theory]
    [InlineData("wechatsogou_sogou_antispider.html", "访问过于频繁")]
    [InlineData("handwritten_environment_error.html", "环境异常")]
    public void Parse_AntiBotPage_ReturnsBlocked(string fixture, string reason)
    {
        var (page, failure) = Parse(fixture);

        Assert.Null(page);
        Assert.Equal(reason, Assert.IsType<ParseOutcome.Blocked>(failure).Reason);
    }

    [Fact]
    public void Parse_RedirectedToCaptcha_ReturnsBlockedWithoutReadingTheBody()
    {
        var (_, failure) = Parse("handwritten_2020_article_og.html", finalUri: new Uri("https://mp.weixin.qq.com/mp/wappoc_appmsgcaptcha?poc_token=x"));

        Assert.IsType<ParseOutcome.Blocked>(failure);
    }

    [Fact]
    public void Parse_UnknownPage_IsTreatedAsBlocked()
    {
        var (page, failure) = ArticlePageParser.Parse(new FetchedDocument("<html><body><p>hello</p></body></html>"u8.ToArray(), "text/html", null, ArticleUri, Received));

        Assert.Null(page);
        Assert.IsType<ParseOutcome.Blocked>(failure);
    }

    // WeChat official accounts opened in August 2012: a "ct" of 2011-03-13 is not when the article was published. One in
    // full-width digits is none either (\d took them and long.Parse threw: the page's read failed instead of going without a date).
    [Theory]
    [InlineData("1300000000")]
    [InlineData("１５２３１１０９１５")]
    public void Parse_CreateTimeThatIsNoPublishTime_HasNoPublishTime(string createTime)
    {
        var html = $"""
            <html><head><meta property="og:title" content="标题"></head>
            <body><div id="js_content"><p>正文</p></div><script>var ct = "{createTime}";</script></body></html>
            """;

        var (page, _) = ArticlePageParser.Parse(new FetchedDocument(System.Text.Encoding.UTF8.GetBytes(html), "text/html", "utf-8", ArticleUri, Received));

        Assert.NotNull(page);
        Assert.Null(page.Published);
    }

    public static TheoryData<string> EveryFixture()
    {
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "wechat-article-html", "wechat-mirror-feed", "generic-feed", "github-releases-atom", "arxiv-listing-html" })
            foreach (var file in Directory.GetFiles(Fixtures.PathOf(folder)).Order(StringComparer.Ordinal))
                data.Add(folder + "/" + Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryFixture))]
    public void Parse_AnyDocument_ReturnsAnOutcomeAndNeverThrows(string fixture)
    {
        var (page, failure) = ArticlePageParser.Parse(new FetchedDocument(Fixtures.Bytes(fixture), "text/html", null, ArticleUri, Received));

        Assert.True(page is not null ^ failure is not null);
    }
}
