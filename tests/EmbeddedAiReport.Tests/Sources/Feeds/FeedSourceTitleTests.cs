using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;

namespace EmbeddedAiReport.Tests.Sources.Feeds;

/// <summary>Items without a title (microblog feeds, JSON Feed) are kept under their first words instead of being dropped.</summary>
public sealed class FeedSourceTitleTests
{
    [Theory]
    [InlineData("""<rss version="2.0"><channel><title>T</title><item><title></title><link>https://example.com/a</link><description><![CDATA[<p>高通发布新一代 NPU，<b>INT4</b> 推理提速 2 倍。后续细节待公布。</p>]]></description></item></channel></rss>""",
        "高通发布新一代 NPU，INT4 推理提速 2 倍。后续细节待公布。")]
    [InlineData("""<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title><item><link>https://example.com/a</link><description>   </description><content:encoded>Only the content names it</content:encoded></item></channel></rss>""",
        "Only the content names it")]
    [InlineData("""{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": "1", "url": "https://example.com/a", "content_text": "We released a pruning toolkit for edge devices today, with INT8 kernels for Cortex-M55 and Ethos-U55 and a guide."}]}""",
        "We released a pruning toolkit for edge devices today, with INT8 kernels for…")]
    public void Parse_ItemWithoutTitle_IsTitledByItsFirstWords(string feed, string title)
    {
        var outcome = Parse(feed);

        Assert.Equal(title, Assert.Single(outcome.Entries).Title);
        Assert.Empty(outcome.Skipped);
    }

    [Fact]
    public void Parse_ItemWithoutTitleOrText_IsSkippedWithTheReason()
    {
        var outcome = Parse("""<rss version="2.0"><channel><title>T</title><item><title> </title><link>https://example.com/a</link></item></channel></rss>""");

        Assert.Empty(outcome.Entries);
        Assert.Equal("item 'https://example.com/a': no usable link, or neither title nor text", Assert.Single(outcome.Skipped));
    }

    // The account is printed as it is stored (entries, the review page, the draft's "| account"): a terminal escape or a
    // right-to-left override in a feed's author or title must not come with it.
    [Theory]
    [InlineData("""<rss version="2.0"><channel><title>T</title><item><title>A</title><link>https://example.com/a</link><author>acc&#x202E;tnuo</author></item></channel></rss>""",
        "acc tnuo")]
    [InlineData("""<rss version="2.0"><channel><title>Feed &#x202E;eltit</title><item><title>A</title><link>https://example.com/a</link></item></channel></rss>""",
        "Feed eltit")]
    [InlineData("""{"version": "https://jsonfeed.org/version/1", "title": "T", "items": [{"id": "1", "url": "https://example.com/a", "title": "A", "author": {"name": "Bob\u001b[2J\u001b]0;pwned\u0007 Smith"}}]}""",
        "Bob [2J ]0;pwned Smith")]
    public void Parse_AuthorOrFeedTitleWithControlOrBidiCharacters_AccountHasNone(string feed, string account)
    {
        Assert.Equal(account, Assert.Single(Parse(feed).Entries).Account);
    }

    private static ParseOutcome.Parsed Parse(string feed) => FeedSourceParsing.Parse(feed);
}
