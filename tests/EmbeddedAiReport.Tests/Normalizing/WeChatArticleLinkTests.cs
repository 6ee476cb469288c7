using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Tests.Normalizing;

public sealed class WeChatArticleLinkTests
{
    private const string Biz = "MzA3MzI4MjgzMw==";

    [Theory]
    // Short links: the path is the identity; every query parameter and the fragment are noise.
    [InlineData("https://mp.weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA", "wx:DdyvZLDb7D-dQ9okhwQreA")]
    [InlineData("http://mp.weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA", "wx:DdyvZLDb7D-dQ9okhwQreA")]
    [InlineData("https://MP.WEIXIN.QQ.COM/s/DdyvZLDb7D-dQ9okhwQreA/", "wx:DdyvZLDb7D-dQ9okhwQreA")]
    [InlineData("https://mp.weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA?scene=21&chksm=abc123#wechat_redirect", "wx:DdyvZLDb7D-dQ9okhwQreA")]
    [InlineData("https://mp.weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA?srcid=0510abcd&sharer_sharetime=1589260000&sharer_shareid=x&mpshare=1", "wx:DdyvZLDb7D-dQ9okhwQreA")]
    [InlineData("https://mp.weixin.qq.com/s/-KyjpaMJOefAh1nGV4Ic7w", "wx:-KyjpaMJOefAh1nGV4Ic7w")]
    // Long links: __biz + mid + idx; sn, chksm, scene, … dropped; aliases appmsgid/itemidx; &amp; unescaped; %3D read as '='.
    [InlineData("https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650786213&idx=3&sn=4e1a0a9c2d7f35b1a4a1c0f2f7e81d2b", "wx:" + Biz + ":2650786213:3")]
    [InlineData("http://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650786213&idx=3&sn=4e1a&chksm=871a4b7e&scene=0&xtrack=1#rd", "wx:" + Biz + ":2650786213:3")]
    [InlineData("https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw%3D%3D&mid=2650786213&idx=3&sn=other-mirror-sn", "wx:" + Biz + ":2650786213:3")]
    [InlineData("https://mp.weixin.qq.com/s?idx=3&mid=2650786213&__biz=MzA3MzI4MjgzMw==&scene=21#wechat_redirect", "wx:" + Biz + ":2650786213:3")]
    [InlineData("https://mp.weixin.qq.com/mp/appmsg/show?__biz=MzA3MzI4MjgzMw==&appmsgid=2650786213&itemidx=3&sign=abc", "wx:" + Biz + ":2650786213:3")]
    [InlineData("https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&amp;mid=2650786213&amp;idx=3&amp;sn=4e1a", "wx:" + Biz + ":2650786213:3")]
    // A parameter written twice (a mirror that appends its own copy): the first one names the article (documented in ReadQuery).
    [InlineData("https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650786213&idx=3&sn=4e1a&idx=1&mid=1", "wx:" + Biz + ":2650786213:3")]
    // A long link without mid/idx still has its sn.
    [InlineData("https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&sn=4e1a0a9c&chksm=1", "wx:sn:4e1a0a9c")]
    public void For_EveryWeChatUrlForm_GivesTheArticleKey(string url, string expected)
    {
        Assert.Equal(expected, EntryKey.For(new Uri(url)));
        Assert.Equal(expected, WeChatArticleLink.TryParse(url)?.Key);
    }

    [Fact]
    public void TryParse_TemporaryLink_KeepsTheFourEssentialParametersAndDropsTheRest()
    {
        const string url = "https://mp.weixin.qq.com/s?timestamp=1554017543&src=3&ver=1&signature=BqWMSdNcT5ey46yqvZ5g0hWq6d3yBDqH9TZzsSE-p39iMbJOaJjJ0QWPq3kjjS0XUPUx-Q*KtHu8WCAAYZR4552dGt*G70M7QuVbmOUAwUI6gxJ4DXD*jdkQRlEuSVeHwww4jFVs7W5VWjPV5zfBW-*PUfU23xK9UFp4gDNHtNY=";

        var plain = WeChatArticleLink.TryParse(url);
        var tracked = WeChatArticleLink.TryParse(url + "&scene=21&chksm=abc#wechat_redirect");

        Assert.Equal(WeChatLinkForm.Temporary, plain?.Form);
        Assert.StartsWith("wx:tmp:", plain!.Key);
        Assert.Equal(plain.Key, tracked?.Key);
        Assert.Contains("signature=", plain.Url);
        Assert.DoesNotContain("scene", tracked!.Url);
    }

    [Theory]
    [InlineData("https://mp.weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA", "https://mp.weixin.qq.com/s/XEPhK81Ms-wdDnoz5oPZgA")]
    [InlineData("https://mp.weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA", "https://mp.weixin.qq.com/s/ddyvzldb7d-dq9okhwqrea")]
    [InlineData("https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650786213&idx=3", "https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650786213&idx=1")]
    [InlineData("https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650786213&idx=1", "https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650786214&idx=1")]
    [InlineData("https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650786213&idx=1", "https://mp.weixin.qq.com/s?__biz=MzIwOTc2ODc1NQ==&mid=2650786213&idx=1")]
    [InlineData("https://mp.weixin.qq.com/s?timestamp=1554017543&src=3&ver=1&signature=AAA", "https://mp.weixin.qq.com/s?timestamp=1554017543&src=3&ver=1&signature=BBB")]
    public void For_DifferentArticles_GiveDifferentKeys(string first, string second) =>
        Assert.NotEqual(EntryKey.For(new Uri(first)), EntryKey.For(new Uri(second)));

    [Theory]
    [InlineData("https://mp.weixin.qq.com/s?scene=21")]
    [InlineData("https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA3MzI4MjgzMw==")]
    [InlineData("https://weixin.qq.com/s/DdyvZLDb7D-dQ9okhwQreA")]
    [InlineData("https://example.com/s/DdyvZLDb7D-dQ9okhwQreA")]
    public void TryParse_NotAnArticle_IsNull(string url) => Assert.Null(WeChatArticleLink.TryParse(url));

    [Fact]
    public void Url_LongLink_IsHttpsWithOnlyTheEssentialParameters()
    {
        var link = WeChatArticleLink.TryParse("http://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&amp;mid=2650786213&amp;idx=3&amp;sn=4e1a&amp;chksm=871a&amp;scene=0#rd");

        Assert.Equal("https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw%3D%3D&mid=2650786213&idx=3&sn=4e1a", link?.Url);
    }
}
