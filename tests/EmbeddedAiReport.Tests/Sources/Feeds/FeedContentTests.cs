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

    // Atom text constructs (RFC 4287 3.1): type="text", or no type, is literal text; only "html" and "xhtml" are markup.
    public static TheoryData<string, bool> AtomTextConstructs()
    {
        var atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link href="https://e.com/"/>
            <entry><title>List&lt;T&gt; in C#</title><id>tag:e.com,1</id><link href="https://e.com/1"/>
              <summary type="text">when a &lt; b and a&lt;b, write &amp;lt;</summary><content type="text">x&lt;y&gt; &amp; more</content></entry>
            <entry><title type="html">&lt;b&gt;Bold&lt;/b&gt; move &amp;amp; more</title><id>tag:e.com,2</id><link href="https://e.com/2"/>
              <summary type="html">&lt;p&gt;a&lt;/p&gt;</summary><content type="text/plain">Vec&lt;u8&gt;</content></entry>
            </feed>
            """;
        return new TheoryData<string, bool> { { atom, true }, { atom, false } };
    }

    [Theory]
    [MemberData(nameof(AtomTextConstructs))]
    public void Parse_AtomTypeText_IsLiteralTextNotTags(string xml, bool streaming)
    {
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);

        var items = FeedDocumentParser.Parse(document, streaming).Feed!.Items;

        Assert.Equal(["List<T> in C#", "Bold move & more"], items.Select(i => TextCleaner.HtmlToText(i.Title)));
        Assert.Equal(["when a < b and a<b, write &lt;", "a"], items.Select(i => TextCleaner.HtmlToText(i.Description)));
        Assert.Equal(["x<y> & more", "Vec<u8>"], items.Select(i => TextCleaner.HtmlToText(i.Content)));
    }

    // RSS leaves a title's format open; as feedparser reads one, it is HTML only with a closing tag or an entity in it and
    // nothing but HTML's elements and entities, else text written as it is.
    [Theory]
    [InlineData("Release &lt;TensorRT&gt; 8.0", "Release <TensorRT> 8.0", true)]
    [InlineData("Release &lt;TensorRT&gt; 8.0", "Release <TensorRT> 8.0", false)]
    [InlineData("Bounds for n&lt;m and m&gt;k", "Bounds for n<m and m>k", true)]
    [InlineData("Bounds for n&lt;m and m&gt;k", "Bounds for n<m and m>k", false)]
    [InlineData("List&lt;T&gt; &lt;/T&gt; in C#", "List<T> </T> in C#", true)]
    [InlineData("量&lt;b&gt;化&lt;/b&gt;与&lt;em&gt;剪枝&lt;/em&gt;", "量化与剪枝", true)]
    [InlineData("量&lt;b&gt;化&lt;/b&gt;与&lt;em&gt;剪枝&lt;/em&gt;", "量化与剪枝", false)]
    [InlineData("&lt;p&gt;MNN 2.0&lt;br&gt;released&lt;/p&gt;", "MNN 2.0 released", true)]
    [InlineData("MNN 2.0&lt;br /&gt;released", "MNN 2.0 released", true)]
    [InlineData("MNN 2.0&lt;BR&gt;released", "MNN 2.0 released", false)]
    [InlineData("INT8 &amp;amp; INT4", "INT8 & INT4", true)]
    [InlineData("INT8 &amp;amp; INT4", "INT8 & INT4", false)]
    [InlineData("&amp;lt;TensorRT&amp;gt; 8.0", "<TensorRT> 8.0", true)]
    [InlineData("R&amp;D &lt;3", "R&D <3", true)]
    public void Parse_RssTitle_IsTextUnlessItLooksLikeHtml(string title, string expected, bool streaming)
    {
        var xml = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>t</title><link>https://e.com/</link>
            <item><title>{title}</title><link>https://e.com/a</link><description>d</description></item></channel></rss>
            """;
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);

        var item = Assert.Single(FeedDocumentParser.Parse(document, streaming).Feed!.Items);

        Assert.Equal(expected, TextCleaner.HtmlToText(item.Title));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Parse_RdfTitleOfText_KeepsItsAngleBrackets(bool streaming)
    {
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
            <channel rdf:about="https://e.com/"><title>t</title><link>https://e.com/</link></channel>
            <item rdf:about="https://e.com/a"><title>Release &lt;TensorRT&gt; 8.0</title><link>https://e.com/a</link></item></rdf:RDF>
            """;
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);

        var item = Assert.Single(FeedDocumentParser.Parse(document, streaming).Feed!.Items);

        Assert.Equal("Release <TensorRT> 8.0", TextCleaner.HtmlToText(item.Title));
    }

    // A media type as Atom content's type (RFC 4287 4.1.3.1): text/plain is text, but text/html is markup like type="html".
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Parse_AtomContentOfMediaTypeTextHtml_IsMarkup(bool streaming)
    {
        var xml = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link href="https://e.com/"/>
            <entry><title>a</title><id>tag:e.com,1</id><link href="https://e.com/1"/>
              <content type="text/html">&lt;p&gt;Deploy &lt;b&gt;YOLO&lt;/b&gt; on the NPU&lt;/p&gt;</content></entry>
            </feed>
            """;
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);

        var item = Assert.Single(FeedDocumentParser.Parse(document, streaming).Feed!.Items);

        Assert.Equal("Deploy YOLO on the NPU", TextCleaner.HtmlToText(item.Content));
    }

    [Fact]
    public void Parse_JsonFeedTextFields_AreLiteralTextNotTags()
    {
        // JSON Feed 1.1: title, summary and content_text are plain text; only content_html is HTML.
        var json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [
              {"id": "1", "url": "https://e.com/1", "title": "List<T> in C#", "summary": "when a<b", "content_text": "Vec<u8> & more"},
              {"id": "2", "url": "https://e.com/2", "title": "plain", "content_html": "<p>a</p>", "content_text": "ignored <x>"}]}
            """;
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(json), "application/feed+json", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);

        var items = FeedDocumentParser.Parse(document).Feed!.Items;

        Assert.Equal(["List<T> in C#", "plain"], items.Select(i => TextCleaner.HtmlToText(i.Title)));
        Assert.Equal("when a<b", TextCleaner.HtmlToText(items[0].Description));
        Assert.Equal(["Vec<u8> & more", "a"], items.Select(i => TextCleaner.HtmlToText(i.Content)));
    }
}
