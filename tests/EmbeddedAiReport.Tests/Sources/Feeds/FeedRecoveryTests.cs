using System.Text;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;

namespace EmbeddedAiReport.Tests.Sources.Feeds;

/// <summary>The lenient path loses nothing a repair can keep, whichever reader reads the repaired document.</summary>
public sealed class FeedRecoveryTests
{
    // HTML void elements written unescaped and unclosed, as hand-made feeds do: miniflux and newsboat keep every item.
    public static TheoryData<string, bool> UnclosedVoidTags()
    {
        var rss = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>t</title><link>https://e.com/</link>
            <item><title>first</title><link>https://e.com/1</link><description>line one<br>line two</description></item>
            <item><title>second<BR></title><link>https://e.com/2</link><description>see <img src="https://e.com/x.png?a=1&b=2" alt="x"> here<hr>and there</br></description></item>
            <item><title>third</title><link>https://e.com/3</link><description><![CDATA[kept <br> as is]]> and <wbr/> closed</description></item>
            </channel></rss>
            """;
        var atom = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link href="https://e.com/"/>
            <entry><title>first</title><id>tag:e.com,2020:1</id><link href="https://e.com/1"/><summary type="html">line one<br>line two</summary></entry>
            <entry><title type="html">second<BR></title><id>tag:e.com,2020:2</id><link href="https://e.com/2"/><summary type="html">see <img src="https://e.com/x.png?a=1&b=2" alt="x"> here<hr>and there</br></summary></entry>
            <entry><title>third</title><id>tag:e.com,2020:3</id><link href="https://e.com/3"/><summary type="html"><![CDATA[kept <br> as is]]> and <wbr/> closed</summary></entry>
            </feed>
            """;
        return new TheoryData<string, bool> { { rss, true }, { rss, false }, { atom, true }, { atom, false } };
    }

    // A hostile feed that nests elements thousands deep: LINQ to XML (the library, the salvage) builds such a tree in time
    // square to its depth, and 250,000 unclosed <title>s (2 MB) held a poll's thread for minutes. Refused before any tree.
    public static TheoryData<string> DeeplyNested()
    {
        const int depth = 3000;
        var unclosed = "<rss version=\"2.0\"><channel><title>t</title><item>" + string.Concat(Enumerable.Repeat("<title>a", depth));
        var rdf = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><channel><title>t</title><link>https://e.com/</link></channel>"
            + "<item><title>t</title><link>https://e.com/1</link><description>" + string.Concat(Enumerable.Repeat("<b>", depth)) + "x"
            + string.Concat(Enumerable.Repeat("</b>", depth)) + "</description></item></rdf:RDF>";
        var brokenFirst = "<rss version=\"2.0\"><channel><title>AT&T</title><item><title>a</title><description>" + string.Concat(Enumerable.Repeat("<p>", depth));
        return new TheoryData<string> { unclosed, rdf, brokenFirst };
    }

    [Theory]
    [MemberData(nameof(DeeplyNested))]
    public void Parse_ElementsNestedThousandsDeep_IsRefusedAsMalformed(string xml)
    {
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);

        var parsed = FeedDocumentParser.Parse(document, streaming: true);

        Assert.Null(parsed.Feed);
        Assert.Equal("malformed XML: elements nested more than 256 deep (not a feed)", parsed.Error);
    }

    // README: "elements nested more than 256 deep are refused". An RSS 1.0 feed (read by the library, which builds a tree)
    // whose description holds XHTML down to the 256th level of elements (rdf:RDF, item, description and 253 <b>s) is read;
    // one level more is refused.
    [Theory]
    [InlineData(256, true)]
    [InlineData(256, false)]
    [InlineData(257, true)]
    [InlineData(257, false)]
    public void Parse_ElementsNestedTo256Levels_IsRead_To257_IsRefused(int levels, bool streaming)
    {
        var bold = levels - 3;   // rdf:RDF, item, description
        var xml = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><channel><title>t</title><link>https://e.com/</link></channel>"
            + "<item><title>deep</title><link>https://e.com/1</link><description>" + string.Concat(Enumerable.Repeat("<b>", bold)) + "x"
            + string.Concat(Enumerable.Repeat("</b>", bold)) + "</description></item></rdf:RDF>";
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);

        var parsed = FeedDocumentParser.Parse(document, streaming);

        if (levels <= 256)
        {
            Assert.Null(parsed.Error);
            Assert.Equal(["deep"], parsed.Feed!.Items.Select(i => i.Title));
        }
        else
        {
            Assert.Null(parsed.Feed);
            Assert.Equal("malformed XML: elements nested more than 256 deep (not a feed)", parsed.Error);
        }
    }

    [Theory]
    [MemberData(nameof(UnclosedVoidTags))]
    public void Parse_UnclosedHtmlVoidTagsInText_KeepsEveryItemWithItsTextAndNoWarning(string xml, bool streaming)
    {
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);

        var parsed = FeedDocumentParser.Parse(document, streaming);

        Assert.Null(parsed.Error);
        Assert.Null(parsed.Warning);   // repaired whole: nothing was lost
        var items = parsed.Feed!.Items;
        Assert.Equal(["first", "second", "third"], items.Select(i => TextCleaner.HtmlToText(i.Title)));
        Assert.Equal(["line one line two", "see here and there", "kept as is and closed"], items.Select(i => TextCleaner.HtmlToText(i.Description)));
        Assert.Contains("<img src=\"https://e.com/x.png?a=1&b=2\"", items[1].Description, StringComparison.Ordinal);
    }

    // HTML that does not nest written raw in a field: a paragraph left open, a tag closed by another name. feedparser's loose
    // mode and miniflux keep every item; before, the field's end tag cut the feed there and the items after it were lost.
    public static TheoryData<string, bool> UnnestedHtml()
    {
        var rss = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title><link>https://e.com/</link>
            <item><title>first</title><link>https://e.com/1</link><description>intro<p>para one<p>para two</description></item>
            <item><title>second</title><link>https://e.com/2</link><description>plain</description><content:encoded><b>bold</strong> and <![CDATA[a < b]]> end</content:encoded></item>
            <item><title>third</title><link>https://e.com/3</link><description><p>closed</p> fine</description></item>
            </channel></rss>
            """;
        var atom = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link href="https://e.com/"/>
            <entry><title>first</title><id>tag:e.com,2020:1</id><link href="https://e.com/1"/><content src="https://e.com/1.html"/><summary type="html">intro<p>para one<p>para two</summary></entry>
            <entry><title>second</title><id>tag:e.com,2020:2</id><link href="https://e.com/2"/><summary type="html"><b>bold</strong> and <![CDATA[a < b]]> end</summary></entry>
            <entry><title>third</title><id>tag:e.com,2020:3</id><link href="https://e.com/3"/><summary type="html"><p>closed</p> fine</summary></entry>
            </feed>
            """;
        return new TheoryData<string, bool> { { rss, true }, { rss, false }, { atom, true }, { atom, false } };
    }

    [Theory]
    [MemberData(nameof(UnnestedHtml))]
    public void Parse_HtmlThatDoesNotNestInAField_KeepsEveryItemWithItsTextAndNoWarning(string xml, bool streaming)
    {
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);

        var parsed = FeedDocumentParser.Parse(document, streaming);

        Assert.Null(parsed.Error);
        Assert.Null(parsed.Warning);   // repaired whole: nothing was lost
        var items = parsed.Feed!.Items;
        Assert.Equal(["first", "second", "third"], items.Select(i => i.Title));
        Assert.Equal("intro para one para two", TextCleaner.HtmlToText(items[0].Description));
        Assert.Contains("bold and a < b end", TextCleaner.HtmlToText(items[1].Content ?? items[1].Description), StringComparison.Ordinal);
        Assert.Equal("closed fine", TextCleaner.HtmlToText(items[2].Description));
    }

    // The field repair searches each field name's last unclosed start tag to the end: thousands of names (<a1:title>,
    // <a2:title> …, 150 KB) took half a minute. With more names than a real feed has, fields are not repaired; the salvage
    // still keeps the complete items before the break.
    [Fact]
    public void Parse_MoreDistinctFieldNamesThanARealFeedHas_SkipsTheFieldRepairButKeepsTheItemsBeforeTheBreak()
    {
        var parsed = FeedDocumentParser.Parse(PrefixedTitles(40), streaming: true);

        Assert.Equal(["zero"], parsed.Feed!.Items.Select(i => i.Title));
        Assert.EndsWith("; recovered 1 complete item(s)", parsed.Warning);
    }

    // README: "HTML fields are repaired only in a document with at most 32 distinct field names": 32 names (title,
    // description and 30 prefixed titles) are repaired, every item kept; 33 are not, and the salvage keeps the item before the break.
    [Theory]
    [InlineData(30, new[] { "zero", "first", "second" })]
    [InlineData(31, new[] { "zero" })]
    public void Parse_AtMost32DistinctFieldNames_RepairsTheFields_33DoNot(int prefixed, string[] expected)
    {
        var parsed = FeedDocumentParser.Parse(PrefixedTitles(prefixed), streaming: true);

        Assert.Equal(expected, parsed.Feed!.Items.Select(i => i.Title));
    }

    // A feed whose channel has a title under each of `prefixed` namespace prefixes, then three items, the
    // second with HTML that does not nest in its description (the field repair's case).
    private static FetchedDocument PrefixedTitles(int prefixed)
    {
        var prefixes = Enumerable.Range(0, prefixed).ToList();
        var xml = "<rss version=\"2.0\"" + string.Concat(prefixes.Select(i => $" xmlns:x{i}=\"urn:x{i}\"")) + "><channel><title>t</title><link>https://e.com/</link>"
            + string.Concat(prefixes.Select(i => $"<x{i}:title>n</x{i}:title>"))
            + "<item><title>zero</title><link>https://e.com/0</link><description>fine</description></item>"
            + "<item><title>first</title><link>https://e.com/1</link><description>intro<p>para one<p>para two</description></item>"
            + "<item><title>second</title><link>https://e.com/2</link><description>plain</description></item></channel></rss>";
        return new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);
    }

    // A field whose HTML is escaped by the repair keeps each CDATA section's text as it is, each ending at its own "]]>":
    // the text between two sections is the field's HTML, not part of one long section.
    [Fact]
    public void Parse_TwoCdataSectionsInAFieldThatIsRepaired_EachKeepsItsOwnText()
    {
        const string xml = """
            <rss version="2.0"><channel><title>t</title><link>https://e.com/</link>
            <item><title>first</title><link>https://e.com/1</link><description>one <![CDATA[a < b]]> two <b>three <![CDATA[c > d]]> end</description></item>
            </channel></rss>
            """;
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);

        var parsed = FeedDocumentParser.Parse(document, streaming: true);

        Assert.Null(parsed.Warning);
        Assert.Equal("one a < b two three c > d end", TextCleaner.HtmlToText(Assert.Single(parsed.Feed!.Items).Description));
    }

    [Fact]
    public void Parse_AFieldLeftWithoutItsEndTag_DoesNotSwallowTheItemsAfterIt()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>t</title><link>https://e.com/</link>
            <item><title>first</title><link>https://e.com/1</link><description>fine</description></item>
            <item><title>second</title><link>https://e.com/2</link><description>never closed<p>x</item>
            <item><title>third</title><link>https://e.com/3</link><description>after <p>it</description></item>
            </channel></rss>
            """;
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", null, new Uri("https://e.com/feed"), DateTimeOffset.UnixEpoch);

        var parsed = FeedDocumentParser.Parse(document, streaming: true);

        // The break is the second item: the first is kept and the feed says it was cut (as before this repair); the third
        // item's field is not read as the end of the second's.
        Assert.Equal(["first"], parsed.Feed!.Items.Select(i => i.Title));
        Assert.NotNull(parsed.Warning);
    }
}
