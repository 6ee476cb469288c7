using System.Text;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;

namespace EmbeddedAiReport.Tests.Sources.Feeds;

/// <summary>Which address an item links to, whichever reader reads it: FeedBurner's original link.</summary>
public sealed class FeedLinkTests
{
    private static readonly Uri FeedUri = new("https://example.com/blog/feed.xml");

    private static FeedDocument Parse(string xml, bool streaming)
    {
        var parsed = FeedDocumentParser.Parse(new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, FeedUri, DateTimeOffset.UnixEpoch), streaming);
        Assert.Null(parsed.Error);
        return parsed.Feed!;
    }

    public static TheoryData<string, bool> FeedBurnerFeeds()
    {
        var rss = """
            <rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel><title>t</title><link>https://e.com/</link>
            <item><title>a</title><link>https://feedproxy.google.com/~r/e/~3/abc/</link><feedburner:origLink>https://e.com/posts/a</feedburner:origLink></item>
            <item><title>b</title><link>https://e.com/posts/b</link></item>
            <item><title>c</title><link>https://feedproxy.google.com/~r/e/~3/c/</link><feedburner:origLink> </feedburner:origLink></item>
            </channel></rss>
            """;
        var atom = """
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><title>t</title>
            <entry><title>a</title><id>tag:e.com,1</id><link href="https://feedproxy.google.com/~r/e/~3/abc/"/><feedburner:origLink>https://e.com/posts/a</feedburner:origLink></entry>
            <entry><title>b</title><id>tag:e.com,2</id><link href="https://e.com/posts/b"/></entry>
            <entry><title>c</title><id>tag:e.com,3</id><link href="https://feedproxy.google.com/~r/e/~3/c/"/><feedburner:origLink> </feedburner:origLink></entry>
            </feed>
            """;
        return new TheoryData<string, bool> { { rss, true }, { rss, false }, { atom, true }, { atom, false } };
    }

    [Theory]
    [MemberData(nameof(FeedBurnerFeeds))]
    public void Parse_FeedBurnerOrigLink_IsTheItemsLink(string xml, bool streaming)
    {
        var feed = Parse(xml, streaming);

        Assert.Equal(["https://e.com/posts/a", "https://e.com/posts/b", "https://feedproxy.google.com/~r/e/~3/c/"], feed.Items.Select(i => i.Link));
    }
}
