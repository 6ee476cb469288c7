using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Tests.Normalizing;

public sealed class EntryKeyTests
{
    [Theory]
    [InlineData("https://arxiv.org/abs/2011.12289", "arxiv:2011.12289")]
    [InlineData("https://arxiv.org/abs/2011.12289v1", "arxiv:2011.12289")]
    [InlineData("http://arxiv.org/abs/2011.12289v3", "arxiv:2011.12289")]
    [InlineData("https://arxiv.org/pdf/2011.12289", "arxiv:2011.12289")]
    [InlineData("https://arxiv.org/pdf/2011.12289v2.pdf", "arxiv:2011.12289")]
    [InlineData("https://arxiv.org/pdf/1905.11946.pdf", "arxiv:1905.11946")]
    [InlineData("https://arxiv.org/html/2011.12289v1", "arxiv:2011.12289")]
    [InlineData("https://export.arxiv.org/abs/2011.12289", "arxiv:2011.12289")]
    [InlineData("https://www.arxiv.org/abs/2011.12289/", "arxiv:2011.12289")]
    [InlineData("https://arxiv.org/abs/cs/0112017", "arxiv:cs/0112017")]
    [InlineData("https://arxiv.org/abs/cs/0112017v2", "arxiv:cs/0112017")]
    [InlineData("https://arxiv.org/abs/math.CA/0611800v2", "arxiv:math/0611800")]
    [InlineData("https://arxiv.org/abs/0704.0001", "arxiv:0704.0001")]
    [InlineData("https://github.com/Tencent/ncnn", "gh:tencent/ncnn")]
    [InlineData("https://github.com/tencent/NCNN/", "gh:tencent/ncnn")]
    [InlineData("https://github.com/Tencent/ncnn.git", "gh:tencent/ncnn")]
    [InlineData("https://github.com/Tencent/ncnn/tree/master/docs", "url:github.com/Tencent/ncnn/tree/master/docs")]
    [InlineData("https://github.com/miniflux/v2/commit/3ec8d0b", "url:github.com/miniflux/v2/commit/3ec8d0b")]
    [InlineData("https://github.com/alibaba/MNN/releases/tag/1.0.0", "gh:alibaba/mnn@1.0.0")]
    [InlineData("https://www.github.com/alibaba/MNN/releases/tag/v1.0.0-rc1", "gh:alibaba/mnn@v1.0.0-rc1")]
    [InlineData("https://Example.COM/Post/?utm_source=x&b=2&a=1#top", "url:example.com/Post?a=1&b=2")]
    [InlineData("https://www.example.com/post", "url:example.com/post")]
    // A port other than the scheme's default is part of the address (another server); the default one is not written.
    [InlineData("https://example.com:8443/post", "url:example.com:8443/post")]
    [InlineData("http://Example.com:8080/post/", "url:example.com:8080/post")]
    [InlineData("https://example.com:443/post", "url:example.com/post")]
    [InlineData("https://zhuanlan.zhihu.com/p/139552817?from=timeline&spm=a.b", "url:zhuanlan.zhihu.com/p/139552817")]
    [InlineData("https://example.com/p/1?from=singlemessage&isappinstalled=0&fbclid=x&utm_oi=2", "url:example.com/p/1")]
    // WeChat's sharer_* parameters (sharer_sharetime, sharer_shareid …) on a link shared from it, whatever the site.
    [InlineData("https://example.com/p/2?id=7&sharer_sharetime=1589260000&sharer_shareid=0a1b2c", "url:example.com/p/2?id=7")]
    [InlineData("https://mp.weixin.qq.com/mp/appmsgalbum?__biz=MzA3&action=getalbum&album_id=1&sharer_sharetime=1589260000&sharer_shareid=x",
        "url:mp.weixin.qq.com/mp/appmsgalbum?__biz=MzA3&action=getalbum&album_id=1")]
    // Parameters that name content on ordinary sites stay: two release notes, two languages, two files are two entries.
    [InlineData("https://docs.example.com/releases?version=8.6", "url:docs.example.com/releases?version=8.6")]
    [InlineData("https://news.example.com/article?id=42&lang=zh", "url:news.example.com/article?id=42&lang=zh")]
    [InlineData("https://code.example.com/view?source=mm/slab.c&ref=v6.1", "url:code.example.com/view?ref=v6.1&source=mm/slab.c")]
    [InlineData("https://forum.example.com/list?from=40&timestamp=1588550400", "url:forum.example.com/list?from=40&timestamp=1588550400")]
    // Parentheses and their escapes (drafts write %28 %29 to keep the markdown link whole) are one page.
    [InlineData("https://en.wikipedia.org/wiki/Quantization_(signal_processing)", "url:en.wikipedia.org/wiki/Quantization_(signal_processing)")]
    [InlineData("https://en.wikipedia.org/wiki/Quantization_%28signal_processing%29", "url:en.wikipedia.org/wiki/Quantization_(signal_processing)")]
    [InlineData("https://example.com/search?q=%28int8%29&page=2", "url:example.com/search?page=2&q=(int8)")]
    // On WeChat's own pages they are share noise.
    [InlineData("https://mp.weixin.qq.com/mp/appmsgalbum?__biz=MzA3&action=getalbum&album_id=1&scene=173&from=x&version=1&lang=zh_CN",
        "url:mp.weixin.qq.com/mp/appmsgalbum?__biz=MzA3&action=getalbum&album_id=1")]
    public void For_EveryUrlForm_GivesTheCanonicalKey(string url, string expected) => Assert.Equal(expected, EntryKey.For(new Uri(url)));

    // The edges of each recognizer's pattern (ArxivId's /abs|pdf|html|format|ps/ path and id scheme, sources.md §1; GitHub's
    // owner of 1-39 letters, digits and '-' not first, its reserved paths, /releases/tag/TAG; WeChat's short code of 6 or more
    // of [A-Za-z0-9_-], sources.md §3): a URL just outside a form falls back to its url: key. Written by hand from those rules
    // and checked against the build before the recognizers read the path in place.
    [Theory]
    [InlineData("https://arxiv.org/abs/2011.12289v", "url:arxiv.org/abs/2011.12289v")]
    [InlineData("https://arxiv.org/abs/2011.122899", "url:arxiv.org/abs/2011.122899")]
    [InlineData("https://arxiv.org/abs/1412.69800", "url:arxiv.org/abs/1412.69800")]
    [InlineData("https://arxiv.org/abs/1501.0001", "url:arxiv.org/abs/1501.0001")]
    [InlineData("https://arxiv.org/abs/2011.12289v2.PDF", "url:arxiv.org/abs/2011.12289v2.PDF")]
    [InlineData("https://arxiv.org/abs/2011.12289v2x", "url:arxiv.org/abs/2011.12289v2x")]
    [InlineData("https://arxiv.org/abs/2011.12289v99999999999", "arxiv:2011.12289")]
    [InlineData("https://arxiv.org/format/2011.12289", "arxiv:2011.12289")]
    [InlineData("https://arxiv.org/ps/cs/0112017v1", "arxiv:cs/0112017")]
    [InlineData("https://arxiv.org/list/2011.12289", "url:arxiv.org/list/2011.12289")]
    [InlineData("https://arxiv.org/absx/2011.12289", "url:arxiv.org/absx/2011.12289")]
    [InlineData("https://ARXIV.org/abs/2011.12289", "arxiv:2011.12289")]
    [InlineData("https://arxiv.org/abs/arXiv:2011.12289", "arxiv:2011.12289")]
    // Mutation audit 23: a number too short to hold YYMM., six digits (no scheme has them, 1412 or not), an upper-case V.
    [InlineData("https://arxiv.org/abs/2011", "url:arxiv.org/abs/2011")]
    [InlineData("https://arxiv.org/abs/1412.698000", "url:arxiv.org/abs/1412.698000")]
    [InlineData("https://arxiv.org/abs/2011.12289V2", "url:arxiv.org/abs/2011.12289V2")]
    [InlineData("https://arxiv.org/abs/2011.12289//", "url:arxiv.org/abs/2011.12289")]
    [InlineData("https://arxiv.org/abs//", "url:arxiv.org/abs")]
    [InlineData("https://arxiv.org/abs", "url:arxiv.org/abs")]
    [InlineData("https://github.com//Tencent//ncnn", "url:github.com//Tencent//ncnn")]
    [InlineData("https://github.com/Tencent", "url:github.com/Tencent")]
    [InlineData("https://GitHub.com/Tencent/ncnn", "gh:tencent/ncnn")]
    [InlineData("https://github.com/Tencent/ncnn.git/", "gh:tencent/ncnn")]
    [InlineData("https://github.com/orgs/Tencent", "url:github.com/orgs/Tencent")]
    [InlineData("https://github.com/ORGS/Tencent", "url:github.com/ORGS/Tencent")]
    [InlineData("https://github.com/-bad/repo", "url:github.com/-bad/repo")]
    [InlineData("https://github.com/abcdefghijklmnopqrstuvwxyz0123456789abc/repo", "gh:abcdefghijklmnopqrstuvwxyz0123456789abc/repo")]
    [InlineData("https://github.com/abcdefghijklmnopqrstuvwxyz0123456789abcd/repo", "url:github.com/abcdefghijklmnopqrstuvwxyz0123456789abcd/repo")]
    [InlineData("https://github.com/Tencent/nc%20nn", "url:github.com/Tencent/nc%20nn")]
    // A name of 100 characters and of 101 (mutation audit 23: no name reached either bound); '_' in a name (openvinotoolkit/open_model_zoo).
    [InlineData("https://github.com/ggml-org/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn.cpp", "gh:ggml-org/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn.cpp")]
    [InlineData("https://github.com/ggml-org/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn.cpp", "url:github.com/ggml-org/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn.cpp")]
    [InlineData("https://github.com/openvinotoolkit/open_model_zoo", "gh:openvinotoolkit/open_model_zoo")]
    [InlineData("https://github.com/alibaba/MNN/releases/tag/v1.0/rc1", "gh:alibaba/mnn@v1.0/rc1")]
    [InlineData("https://github.com/alibaba/MNN/releases/tag/v1.0//rc1/", "gh:alibaba/mnn@v1.0/rc1")]
    [InlineData("https://github.com/alibaba/MNN/releases/tag/v1.0%2Brc", "gh:alibaba/mnn@v1.0+rc")]
    [InlineData("https://github.com/Tencent/ncnn/releases/tag/V1.0-RC", "gh:tencent/ncnn@V1.0-RC")]
    [InlineData("https://github.com/Tencent/ncnn/releases/tag/", "url:github.com/Tencent/ncnn/releases/tag")]
    [InlineData("https://github.com/Tencent/ncnn/releases/tags/v1", "url:github.com/Tencent/ncnn/releases/tags/v1")]
    // A release page's trailing slash is not the tag's; "Releases" is no path GitHub writes a release under.
    [InlineData("https://github.com/alibaba/MNN/releases/tag/2.9.0/", "gh:alibaba/mnn@2.9.0")]
    [InlineData("https://github.com/alibaba/MNN/Releases/tag/2.9.0", "url:github.com/alibaba/MNN/Releases/tag/2.9.0")]
    [InlineData("https://mp.weixin.qq.com/s/AbC_d-", "wx:AbC_d-")]
    [InlineData("https://mp.weixin.qq.com/s/AbC_d", "url:mp.weixin.qq.com/s/AbC_d")]
    [InlineData("https://mp.weixin.qq.com/s/AbCdEfG/", "wx:AbCdEfG")]
    [InlineData("https://MP.WEIXIN.QQ.COM/s/AbCdEfG", "wx:AbCdEfG")]
    [InlineData("https://mp.weixin.qq.com/s/AbC.dEfG", "url:mp.weixin.qq.com/s/AbC.dEfG")]
    [InlineData("https://mp.weixin.qq.com/s/AbCdEfG/more", "url:mp.weixin.qq.com/s/AbCdEfG/more")]
    // Every trailing slash dropped, as the short link's path was always read; /S/ is not the short link's path.
    [InlineData("https://mp.weixin.qq.com/s/AbCdEfG//", "wx:AbCdEfG")]
    [InlineData("https://mp.weixin.qq.com/S/AbCdEfG", "url:mp.weixin.qq.com/S/AbCdEfG")]
    public void For_UrlJustInsideOrOutsideAForm_GivesThatFormsKey(string url, string expected) => Assert.Equal(expected, EntryKey.For(new Uri(url)));

    [Theory]
    [InlineData("2011.12289v2", "2011.12289", 2)]
    [InlineData("arXiv:2011.12289", "2011.12289", null)]
    [InlineData("oai:arXiv.org:2403.01234v1", "2403.01234", 1)]
    [InlineData("hep-th/9901001", "hep-th/9901001", null)]
    [InlineData("astro-ph/0601001v1", "astro-ph/0601001", 1)]
    // arXiv identifier scheme: 4-digit numbers up to 1412 (Adam is 1412.6980), 5-digit ones from 1501 on (1501.00001 is the first).
    [InlineData("1412.6980v9", "1412.6980", 9)]
    [InlineData("1501.00001", "1501.00001", null)]
    public void ArxivId_TryParse_SplitsBaseAndVersion(string text, string expectedBase, int? expectedVersion)
    {
        var id = ArxivId.TryParse(text);

        Assert.Equal(new ArxivId(expectedBase, expectedVersion), id);
    }

    [Theory]
    [InlineData("2011.1228")]
    [InlineData("1501.0001")]
    [InlineData("1412.69800")]
    [InlineData("not an id")]
    [InlineData("arXiv:")]   // the label alone: nothing left to read (mutation audit 23)
    [InlineData("")]
    public void ArxivId_TryParse_Garbage_IsNull(string text) => Assert.Null(ArxivId.TryParse(text));

    [Fact]
    public void Mentions_Find_PaperAndCodeInAPost_LinksBoth()
    {
        var links = Mentions.Find("wx:abc", "论文：https://arxiv.org/abs/2004.10934 代码：https://github.com/AlexeyAB/darknet 另见 arXiv:2004.10934v2");

        Assert.Equal([new EntryLink("arxiv", "arxiv:2004.10934", "https://arxiv.org/abs/2004.10934"),
            new EntryLink("github", "gh:alexeyab/darknet", "https://github.com/AlexeyAB/darknet")], links);
    }

    [Fact]
    public void Mentions_Find_ReleaseNamingItsOwnRepo_DoesNotLinkToItself()
    {
        Assert.Empty(Mentions.Find("gh:tencent/ncnn@20240102", "see https://github.com/Tencent/ncnn/wiki"));
    }
}
