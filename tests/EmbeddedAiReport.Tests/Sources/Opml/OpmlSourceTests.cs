using EmbeddedAiReport.Sources.Opml;

namespace EmbeddedAiReport.Tests.Sources.Opml;

public sealed class OpmlSourceTests
{
    private static string Json(string url, string title = "t", string? kind = null) =>
        OpmlSource.For(new OpmlOutline(title, url, null, 1), new Uri(url), kind).ToJson("x", []);

    // README "Source kinds": what each kind needs, written for the address an OPML export gives.
    [Theory]
    [InlineData("https://rss.arxiv.org/rss/cs.LG", """{ "id": "x", "kind": "arxiv-rss", "category": "cs.LG" }""")]
    [InlineData("http://export.arxiv.org/rss/cs.AR+cs.PF", """{ "id": "x", "kind": "arxiv-rss", "category": ["cs.AR", "cs.PF"] }""")]
    [InlineData("https://github.com/Tencent/ncnn/releases.atom", """{ "id": "x", "kind": "github-releases", "repo": "Tencent/ncnn" }""")]
    [InlineData("https://github.com/alibaba/MNN/tags.atom", """{ "id": "x", "kind": "github-releases", "repo": "alibaba/MNN", "tags": true }""")]
    [InlineData("https://github.com/ggml-org/llama.cpp/commits/master.atom", """{ "id": "x", "kind": "feed", "url": "https://github.com/ggml-org/llama.cpp/commits/master.atom" }""")]
    [InlineData("https://wewe.example.org/feeds/MP_WXS_123.rss",
        """{ "id": "x", "kind": "wechat-mirror", "mirror": "https://wewe.example.org", "flavor": "wewe-rss", "accounts": [{ "feed": "MP_WXS_123", "name": "t" }] }""")]
    [InlineData("http://127.0.0.1:4000/wewe/feeds/MP_WXS_123.json",
        """{ "id": "x", "kind": "wechat-mirror", "mirror": "http://127.0.0.1:4000/wewe", "flavor": "wewe-rss", "format": "json", "accounts": [{ "feed": "MP_WXS_123", "name": "t" }], "allowPrivateNetwork": true }""")]
    [InlineData("https://rsshub.app/wechat/wechat2rss/abc123",
        """{ "id": "x", "kind": "wechat-mirror", "mirror": "https://rsshub.app", "flavor": "rsshub", "accounts": [{ "feed": "wechat/wechat2rss/abc123", "name": "t" }] }""")]
    [InlineData("https://wechat2rss.xlab.app/feed/51e92aad2728acdd1fda7314be32b16639353001.xml",
        """{ "id": "x", "kind": "wechat-mirror", "mirror": "https://wechat2rss.xlab.app", "flavor": "wechat2rss", "accounts": [{ "feed": "51e92aad2728acdd1fda7314be32b16639353001", "name": "t" }] }""")]
    // The addresses arxiv-listing and arxiv-api fetch (README's arXiv table: list new, show 250 and maxResults 100 by default).
    [InlineData("https://arxiv.org/list/cs.LG/new?skip=0&show=250", """{ "id": "x", "kind": "arxiv-listing", "category": "cs.LG" }""")]
    [InlineData("https://arxiv.org/list/cs.AR/pastweek?skip=0&show=2000", """{ "id": "x", "kind": "arxiv-listing", "category": "cs.AR", "list": "pastweek", "show": 2000 }""")]
    [InlineData("https://arxiv.org/list/cs.CV/recent", """{ "id": "x", "kind": "arxiv-listing", "category": "cs.CV", "list": "recent" }""")]
    [InlineData("https://export.arxiv.org/api/query?search_query=all:quantization+AND+cat:cs.LG&sortBy=submittedDate&sortOrder=descending&start=0&max_results=100",
        """{ "id": "x", "kind": "arxiv-api", "query": "all:quantization AND cat:cs.LG" }""")]
    [InlineData("http://export.arxiv.org/api/query?search_query=ti:%22low-bit%22%2Bx&max_results=500",
        """{ "id": "x", "kind": "arxiv-api", "query": "ti:\"low-bit\"+x", "maxResults": 500 }""")]
    // An arXiv address those kinds would fetch otherwise (another order, page, size or parameter): the feed it is.
    [InlineData("https://arxiv.org/list/cs.LG/new?skip=250&show=250", """{ "id": "x", "kind": "feed", "url": "https://arxiv.org/list/cs.LG/new?skip=250&show=250" }""")]
    [InlineData("https://arxiv.org/list/cs.LG/new?show=30", """{ "id": "x", "kind": "feed", "url": "https://arxiv.org/list/cs.LG/new?show=30" }""")]
    [InlineData("https://arxiv.org/list/cs.LG/2401", """{ "id": "x", "kind": "feed", "url": "https://arxiv.org/list/cs.LG/2401" }""")]
    [InlineData("https://export.arxiv.org/api/query?search_query=all:npu&sortBy=relevance", """{ "id": "x", "kind": "feed", "url": "https://export.arxiv.org/api/query?search_query=all:npu&sortBy=relevance" }""")]
    [InlineData("https://export.arxiv.org/api/query?search_query=all:npu&start=100", """{ "id": "x", "kind": "feed", "url": "https://export.arxiv.org/api/query?search_query=all:npu&start=100" }""")]
    // Oldest first, and the largest page README allows (maxResults ≤ 2000) read back (mutation audit 16: dropping the order's
    // check, or allowing up to 1999 only, survived).
    [InlineData("https://export.arxiv.org/api/query?search_query=all:npu&sortBy=submittedDate&sortOrder=ascending",
        """{ "id": "x", "kind": "feed", "url": "https://export.arxiv.org/api/query?search_query=all:npu&sortBy=submittedDate&sortOrder=ascending" }""")]
    [InlineData("https://export.arxiv.org/api/query?search_query=all:npu&max_results=2000", """{ "id": "x", "kind": "arxiv-api", "query": "all:npu", "maxResults": 2000 }""")]
    // No category arxiv-listing reads (categories are lower case: cs.LG), and an empty query (mutation audit 16: dropping either check survived).
    [InlineData("https://arxiv.org/list/CS.LG/new", """{ "id": "x", "kind": "feed", "url": "https://arxiv.org/list/CS.LG/new" }""")]
    [InlineData("https://export.arxiv.org/api/query?search_query=&max_results=50", """{ "id": "x", "kind": "feed", "url": "https://export.arxiv.org/api/query?search_query=&max_results=50" }""")]
    [InlineData("https://export.arxiv.org/api/query?search_query=all:npu&max_results=5000", """{ "id": "x", "kind": "feed", "url": "https://export.arxiv.org/api/query?search_query=all:npu&max_results=5000" }""")]
    [InlineData("https://export.arxiv.org/api/query?id_list=2011.12289", """{ "id": "x", "kind": "feed", "url": "https://export.arxiv.org/api/query?id_list=2011.12289" }""")]
    [InlineData("https://export.arxiv.org/api/query?search_query=all:npu&search_query=all:tpu", """{ "id": "x", "kind": "feed", "url": "https://export.arxiv.org/api/query?search_query=all:npu&search_query=all:tpu" }""")]
    [InlineData("https://rsshub.app/wechat/wechat2rss/abc123?key=k", """{ "id": "x", "kind": "feed", "url": "https://rsshub.app/wechat/wechat2rss/abc123?key=k" }""")]
    [InlineData("https://example.com/feeds/posts.rss", """{ "id": "x", "kind": "feed", "url": "https://example.com/feeds/posts.rss" }""")]
    // A query the kind's fields cannot carry, or a path only like a kind's: the address as it is (mutation audit 13: each
    // of those checks dropped survived).
    [InlineData("https://rss.arxiv.org/rss/cs.LG?format=atom", """{ "id": "x", "kind": "feed", "url": "https://rss.arxiv.org/rss/cs.LG?format=atom" }""")]
    [InlineData("https://github.com/Tencent/ncnn/releases.atom?token=t", """{ "id": "x", "kind": "feed", "url": "https://github.com/Tencent/ncnn/releases.atom?token=t" }""")]
    [InlineData("https://example.com/blog/wechat", """{ "id": "x", "kind": "feed", "url": "https://example.com/blog/wechat" }""")]
    [InlineData("https://example.com/posts/51e92aad2728acdd1fda7314be32b16639353001.xml", """{ "id": "x", "kind": "feed", "url": "https://example.com/posts/51e92aad2728acdd1fda7314be32b16639353001.xml" }""")]
    public void For_Address_IsTheKindReadmeSays(string url, string json) => Assert.Equal(json, Json(url));

    // README, sources.json: a loopback or private address is polled only with allowPrivateNetwork, and validate warns of a
    // source without it (round 43). An outline whose address is one by itself is the operator's own network (a self-hosted
    // RSSHub, an intranet feed) as a WeChat mirror's is: imported, it had no allowPrivateNetwork and every poll was refused.
    [Theory]
    [InlineData("http://127.0.0.1:1200/github/issue/ggml-org/llama.cpp", null,
        """{ "id": "x", "kind": "feed", "url": "http://127.0.0.1:1200/github/issue/ggml-org/llama.cpp", "allowPrivateNetwork": true }""")]
    [InlineData("http://10.0.0.7/feed.xml", null, """{ "id": "x", "kind": "feed", "url": "http://10.0.0.7/feed.xml", "allowPrivateNetwork": true }""")]
    [InlineData("http://localhost:8080/atom.xml", null, """{ "id": "x", "kind": "feed", "url": "http://localhost:8080/atom.xml", "allowPrivateNetwork": true }""")]
    // A mirror's account feed imported as --kind feed: the address as url, still on the operator's network.
    [InlineData("http://192.168.1.20:4000/feeds/MP_WXS_3073282833.atom", "feed",
        """{ "id": "x", "kind": "feed", "url": "http://192.168.1.20:4000/feeds/MP_WXS_3073282833.atom", "allowPrivateNetwork": true }""")]
    // Each range the address guard refuses (README "allowPrivateNetwork": RFC 1918's 172.16/12, link-local 169.254/16, IPv6
    // loopback and unique local fc00::/7), and the public addresses just outside 172.16/12 and 192.168/16.
    [InlineData("http://172.20.0.5/rss", null, """{ "id": "x", "kind": "feed", "url": "http://172.20.0.5/rss", "allowPrivateNetwork": true }""")]
    [InlineData("http://169.254.10.10/rss", null, """{ "id": "x", "kind": "feed", "url": "http://169.254.10.10/rss", "allowPrivateNetwork": true }""")]
    [InlineData("http://[::1]:1200/rss", null, """{ "id": "x", "kind": "feed", "url": "http://[::1]:1200/rss", "allowPrivateNetwork": true }""")]
    [InlineData("http://[fd12::7]/rss", null, """{ "id": "x", "kind": "feed", "url": "http://[fd12::7]/rss", "allowPrivateNetwork": true }""")]
    [InlineData("http://172.32.0.5/rss", null, """{ "id": "x", "kind": "feed", "url": "http://172.32.0.5/rss" }""")]
    [InlineData("http://192.169.1.20/rss", null, """{ "id": "x", "kind": "feed", "url": "http://192.169.1.20/rss" }""")]
    // A name is not looked up here (validate resolves none either): a public-looking name stays as it was.
    [InlineData("http://intranet.example.org/feed.xml", null, """{ "id": "x", "kind": "feed", "url": "http://intranet.example.org/feed.xml" }""")]
    public void For_PrivateOrLoopbackAddress_AllowsThePrivateNetwork(string url, string? kind, string json) => Assert.Equal(json, Json(url, kind: kind));

    [Fact]
    public void For_KindGiven_UsesItsOwnFieldsOrTheAddress()
    {
        Assert.Equal("""{ "id": "x", "kind": "arxiv-rss", "category": "cs.LG" }""", Json("https://rss.arxiv.org/rss/cs.LG", kind: "arxiv-rss"));
        Assert.Equal("""{ "id": "x", "kind": "feed", "url": "https://rss.arxiv.org/rss/cs.LG" }""", Json("https://rss.arxiv.org/rss/cs.LG", kind: "feed"));
        Assert.Equal("""{ "id": "x", "kind": "wechat-mirror", "url": "https://example.com/rss" }""", Json("https://example.com/rss", kind: "wechat-mirror"));
    }

    [Theory]
    [InlineData("High Scalability", "high-scalability")]
    [InlineData("cs.LG updates on arXiv.org", "cs.lg-updates-on-arxiv.org")]
    [InlineData("  Stratechery by Ben Thompson!  ", "stratechery-by-ben-thompson")]
    [InlineData("Recent Commits to llama.cpp:master", "recent-commits-to-llama.cpp-master")]
    [InlineData("阮一峰的网络日志", null)]
    [InlineData("AI前线", null)]
    [InlineData("", null)]
    [InlineData("!!!", null)]
    [InlineData("a very long title that goes on and on and on past the forty-eight character cap", "a-very-long-title-that-goes-on-and-on-and-on-pas")]
    [InlineData("Notes on Embedded Machine Learning from the ARM Team", "notes-on-embedded-machine-learning-from-the-arm")]   // cut after 48: "…-arm-", hand count
    public void Slug_Title_FollowsReadmeIdRules(string title, string? id) => Assert.Equal(id, OpmlSource.Slug(title));

    [Theory]
    [InlineData("https://feeds.feedburner.com/HighScalability", "http://www.feeds.feedburner.com/HighScalability/")]
    [InlineData("https://example.com/feed?utm_source=opml", "https://EXAMPLE.com/feed")]
    [InlineData("https://github.com/tencent/NCNN/releases.atom", "https://github.com/Tencent/ncnn/releases.atom")]
    [InlineData("http://export.arxiv.org/rss/cs.LG", "https://rss.arxiv.org/rss/cs.LG")]
    // wewe-rss serves each account as {mirror}/feeds/{feed}.{rss,atom,json} (README, WeChat mirrors): one account's articles.
    [InlineData("http://192.168.1.20:4000/feeds/MP_WXS_3073282833.rss", "http://192.168.1.20:4000/feeds/MP_WXS_3073282833.atom")]
    [InlineData("https://wewe.example.com/rss/feeds/MP_WXS_3073282833.json", "https://wewe.example.com/rss/feeds/MP_WXS_3073282833.rss")]
    public void FeedKey_FormsTheDedupTakesForOne_AreOne(string one, string other) =>
        Assert.Equal(OpmlSource.FeedKey(new Uri(one)), OpmlSource.FeedKey(new Uri(other)));

    [Theory]
    [InlineData("https://example.com/Feed", "https://example.com/feed")]   // paths have case outside GitHub
    [InlineData("https://rss.arxiv.org/rss/cs.LG", "https://rss.arxiv.org/rss/cs.CV")]
    [InlineData("http://192.168.1.20:4000/feeds/MP_WXS_3073282833.rss", "http://192.168.1.20:4000/feeds/MP_WXS_3266093041.rss")]   // two accounts
    [InlineData("http://192.168.1.20:4000/feeds/MP_WXS_3073282833.atom", "http://192.168.1.21:4000/feeds/MP_WXS_3073282833.atom")]   // two mirrors
    [InlineData("https://blog.example.com/feeds/index.rss", "https://blog.example.com/feeds/index.atom")]   // not a wewe-rss account feed
    [InlineData("https://wewe.example.com/rss/MP_WXS_3073282833.rss", "https://wewe.example.com/rss/MP_WXS_3073282833.atom")]   // not under feeds/
    [InlineData("http://192.168.1.20:4000/feeds/MP_WXS_3073282833.rss?title_include=AI", "http://192.168.1.20:4000/feeds/MP_WXS_3073282833.rss?title_include=ML")]   // two queries
    public void FeedKey_OtherFeeds_Differ(string one, string other) =>
        Assert.NotEqual(OpmlSource.FeedKey(new Uri(one)), OpmlSource.FeedKey(new Uri(other)));

    // README (import-opml): keep="new,cross" is a list (also with spaces after the commas, as a person writes it), a keep of
    // one name that name; another setting is a number only as JSON writes one (RFC 8259 §6), else a string, which the
    // source's check names as the wrong type (mutation audit 19).
    [Theory]
    [InlineData("keep", "new, cross", """["new", "cross"]""")]
    [InlineData("keep", "new", "\"new\"")]
    [InlineData("keep", "1", "\"1\"")]
    [InlineData("days", "014", "\"014\"")]
    [InlineData("days", "14", "14")]
    [InlineData("weight", "-0.1", "-0.1")]
    [InlineData("weight", "2e-3", "2e-3")]
    public void Setting_IsTheFieldSourcesJsonWouldHave(string name, string text, string json) =>
        Assert.Equal(KeyValuePair.Create(name, json), OpmlSource.Setting(name, text));
}
