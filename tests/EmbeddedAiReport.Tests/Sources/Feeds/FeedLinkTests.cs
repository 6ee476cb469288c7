using System.Text;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;

namespace EmbeddedAiReport.Tests.Sources.Feeds;

/// <summary>Which address an item links to, whichever reader reads it: xml:base scopes, FeedBurner's original link.</summary>
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

    // Fetched from https://example.com/blog/feed.xml. Nested scopes: each xml:base resolves against its parent's, the outermost
    // against the feed's address; an element's own xml:base applies to its href.
    public static TheoryData<string, bool, string?, string[]> XmlBaseFeeds()
    {
        var atom = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://e.com/site/"><title>t</title><link href="home/"/>
            <entry><title>a</title><id>tag:e.com,1</id><link href="posts/a.html"/></entry>
            <entry xml:base="2024/"><title>b</title><id>tag:e.com,2</id><link href="b.html"/></entry>
            <entry xml:base="/other/"><title>c</title><id>tag:e.com,3</id><link rel="alternate" type="text/html" xml:base="deep/" href="c.html"/></entry>
            <entry><title>d</title><id>tag:e.com,4</id><link href="https://absolute.org/d"/></entry>
            </feed>
            """;
        var relativeRoot = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="/news/"><title>t</title>
            <entry><title>a</title><id>tag:e.com,1</id><link href="a.html"/></entry>
            </feed>
            """;
        var rss = """
            <rss version="2.0"><channel><title>t</title><link>https://e.com/</link>
            <item xml:base="https://e.com/posts/2024/"><title>a</title><link>a.html</link></item>
            <item><title>b</title><link>/b.html</link></item>
            <item xml:base="https://e.com/x/"><title>c</title><link xml:base="y/">c.html</link></item>
            </channel></rss>
            """;
        return new TheoryData<string, bool, string?, string[]>
        {
            { atom, true, "https://e.com/site/home/", ["https://e.com/site/posts/a.html", "https://e.com/site/2024/b.html", "https://e.com/other/deep/c.html", "https://absolute.org/d"] },
            { atom, false, "https://e.com/site/home/", ["https://e.com/site/posts/a.html", "https://e.com/site/2024/b.html", "https://e.com/other/deep/c.html", "https://absolute.org/d"] },
            { relativeRoot, true, null, ["https://example.com/news/a.html"] },
            { relativeRoot, false, null, ["https://example.com/news/a.html"] },
            // The second item has no xml:base in scope: left as written, for the kind to resolve against the channel's link.
            { rss, true, "https://e.com/", ["https://e.com/posts/2024/a.html", "/b.html", "https://e.com/x/y/c.html"] },
            { rss, false, "https://e.com/", ["https://e.com/posts/2024/a.html", "/b.html", "https://e.com/x/y/c.html"] },
        };
    }

    [Theory]
    [MemberData(nameof(XmlBaseFeeds))]
    public void Parse_RelativeLinksUnderXmlBase_ResolveAgainstTheBaseInScope(string xml, bool streaming, string? feedLink, string[] links)
    {
        var feed = Parse(xml, streaming);

        Assert.Equal(feedLink, feed.Link);
        Assert.Equal(links, feed.Items.Select(i => i.Link));
    }

    [Fact]
    public void Parse_AtomWithXmlBase_StoredLinksAreAbsoluteUnderTheBase()
    {
        var outcome = FeedSourceParsing.Parse("""
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.e.com/2024/"><title>t</title><link href="https://e.com/"/>
            <entry><title>a</title><id>tag:e.com,1</id><link href="a.html"/></entry></feed>
            """);

        Assert.Equal("https://blog.e.com/2024/a.html", Assert.Single(outcome.Entries).Url);
    }
}
