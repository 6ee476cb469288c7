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
}
