using System.Text;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;

namespace EmbeddedAiReport.Tests.Sources.Feeds;

/// <summary>Full-text content (RSS content:encoded, Atom content) is HTML: its escaped text stays text, whichever reader reads it.</summary>
public sealed class FeedContentTests
{
    // The article as a reader sees it: escaped angle brackets and ampersands are text, not markup.
    private const string Article = "Never put user input inside a <script> element. Escape it first: use List<T> when 5 < n, and write &amp; for &.";

    private const string Html = "<p>Never put user input inside a &lt;script&gt; element. Escape it first: use List&lt;T&gt; when 5 &lt; n, "
        + "and write &amp;amp; for &amp;.</p>";

    public static TheoryData<string, bool> Documents()
    {
        var escaped = System.Security.SecurityElement.Escape(Html);
        var rss = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title><link>https://e.com/</link>
            <item><title>a</title><link>https://e.com/a</link><content:encoded><![CDATA[{Html}]]></content:encoded></item></channel></rss>
            """;
        var atom = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link href="https://e.com/"/>
            <entry><title>a</title><id>tag:e.com,2020:a</id><link href="https://e.com/a"/><content type="html">{escaped}</content></entry></feed>
            """;
        var rdf = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel rdf:about="https://e.com/"><title>t</title><link>https://e.com/</link></channel>
            <item rdf:about="https://e.com/a"><title>a</title><link>https://e.com/a</link><content:encoded>{escaped}</content:encoded></item></rdf:RDF>
            """;
        return new TheoryData<string, bool> { { rss, true }, { rss, false }, { atom, true }, { atom, false }, { rdf, false } };
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Parse_ContentWithEscapedMarkup_KeepsItAsText(string xml, bool streaming)
    {
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);

        var parsed = FeedDocumentParser.Parse(document, streaming);

        Assert.Null(parsed.Error);
        Assert.Equal(Article, TextCleaner.HtmlToText(Assert.Single(parsed.Feed!.Items).Content));
    }
}
