using System.Text;
using System.Text.Json;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources.Feeds;

/// <summary>
/// The one-pass reader of RSS 2.0 and Atom gives what CodeHollow.FeedReader gives for the same bytes: every feed fixture
/// and a table of the corners its field rules have, each read both ways (the library is the oracle).
/// </summary>
public sealed class FeedStreamReaderTests
{
    private static readonly string[] FeedFolders = ["arxiv-rss", "arxiv-api-atom", "generic-feed", "github-engines", "github-releases-atom", "wechat-mirror-feed"];

    public static TheoryData<string> FeedFixtures() => [.. FeedFiles()];

    private static List<string> FeedFiles() =>
        FeedFolders.SelectMany(folder => Directory.GetFiles(Fixtures.PathOf(folder)).Where(f => !f.EndsWith(".md", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(f => Path.Combine(folder, Path.GetFileName(f)))).ToList();

    [Theory]
    [MemberData(nameof(FeedFixtures))]
    public void Parse_EveryFeedFixture_SameAsTheLibrary(string fixture)
    {
        var document = new FetchedDocument(Fixtures.Bytes(fixture), "application/xml", null, new Uri("https://example.com/feed"), new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(Describe(FeedDocumentParser.Parse(document, streaming: false)), Describe(FeedDocumentParser.Parse(document, streaming: true)));
    }

    [Fact]
    public void TryRead_FeedFixtures_ReadsTheWellFormedRss20AndAtomOnes()
    {
        // Counted by hand from the fixtures' root elements: arxiv-rss 4 (RSS 2.0), arxiv-api-atom 3 (the .body.xml Atom
        // bodies; the .recorded.json files are not feeds), generic-feed 3 (of 8: one RSS without a version and four broken
        // ones go to the library), github-engines 11 and github-releases-atom 3 (Atom), wechat-mirror-feed 4 (the JSON Feed
        // goes to the library).
        var read = FeedFiles().Count(f => FeedStreamReader.TryRead(FeedText.Decode(Fixtures.Bytes(f), null).Text.TrimStart('\ufeff', ' ', '\t', '\r', '\n')) is not null);

        Assert.Equal(StreamedFixtures, read);
    }

    // The count the test above expects; see its comment.
    private const int StreamedFixtures = 28;

    [Theory]
    [InlineData("""<rss version="2.0"><channel><title> T </title><link>https://e.com/</link><item><title>A</title><link>https://e.com/a</link><guid>g1</guid><description><![CDATA[<p>x</p>]]> tail <b>bold</b> </description><pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate><category>c1</category><category/><author>me@e.com</author></item></channel></rss>""")]
    [InlineData("""<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom"><channel><title>T</title><item><title>P</title><link>https://arxiv.org/abs/2402.1</link><content:encoded>&lt;p&gt;full &amp;amp; more&lt;/p&gt;</content:encoded><content:encoded>second</content:encoded><dc:creator>A, B</dc:creator><arxiv:announce_type>cross</arxiv:announce_type><arxiv:announce_type>new</arxiv:announce_type></item></channel></rss>""")]
    [InlineData("""<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>dc:date</title><item><title>d</title><dc:date>2020-05-04T10:00:00+08:00</dc:date><dc:date>second</dc:date></item><item><title>both</title><pubDate>Mon, 04 May 2020 10:00:00 GMT</pubDate><dc:date> 2020-05-01 </dc:date></item></channel></rss>""")]
    [InlineData("""<RSS VERSION="2.0"><channel><title>upper case root, no item</title></channel></RSS>""")]
    [InlineData("""<rss Version="2.0"><channel><title>attribute name case: not version</title><item><title>x</title></item></channel></rss>""")]
    [InlineData("""<rss version="2.0" xmlns="urn:default"><channel><title>default namespace</title><item><title>x</title><link>https://e.com/x</link></item></channel></rss>""")]
    [InlineData("""<rss version="2.0"><channel xmlns="urn:other"><title>channel in another namespace</title></channel><channel><title>second channel</title><item><title>y</title></item></channel></rss>""")]
    [InlineData("""<rss version="2.0"><channel><title>item default namespace</title><item xmlns="urn:x"><title>x</title></item></channel></rss>""")]
    [InlineData("""<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>media rss</title><item><title>m</title><link>https://e.com/m</link></item></channel></rss>""")]
    [InlineData("""<rss version="0.91"><channel><title>old</title><item><title>o</title><link>https://e.com/o</link></item></channel></rss>""")]
    [InlineData("""<rss version="2.0"><title>no channel</title></rss>""")]
    [InlineData("""<rss version="2.0"><channel><title>language padded</title><language>  zh-cn </language><item><title>l</title></item></channel></rss>""")]
    [InlineData("""<rss version="2.0"><channel><title>xml:space</title><item><title xml:space="preserve">  a  </title><description>  <![CDATA[ c ]]>  </description><guid xml:space="preserve"> <![CDATA[g]]> <b> </b></guid></item></channel></rss>""")]
    [InlineData("""<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">A &amp;amp; B</title><link rel="self" href="https://e.com/self"/><link href="https://e.com/"/><entry><title>E</title><id>tag:e,1</id><link rel="related" href="https://e.com/r"/><link rel="alternate" type="text/plain" href="https://e.com/p"/><link rel="ALTERNATE" type="TEXT/HTML" href="https://e.com/h"/><updated>2024-01-02T00:00:00Z</updated><issued>2024-01-01</issued><summary>S</summary><content type="html">&lt;b&gt;C&lt;/b&gt; &amp;amp;</content><author><name>N</name><email>n@e.com</email></author><author><name>second</name></author><category term="t" label="L"/><category term="t2"/><category>text</category></entry></feed>""")]
    // No text/html link: the first alternate (a link without rel is one), not a later one nor a related link (mutation audit 21's F01, F02).
    [InlineData("""<feed xmlns="http://www.w3.org/2005/Atom"><title>no html link</title><link rel="self" href="https://e.com/self"/><link href="https://e.com/f1"/><link rel="alternate" href="https://e.com/f2"/><entry><title>E</title><id>tag:e,2</id><link rel="related" href="https://e.com/r"/><link rel="alternate" type="text/plain" href="https://e.com/p1"/><link href="https://e.com/p2"/><link rel="alternate" type="application/pdf" href="https://e.com/p3"/></entry></feed>""")]
    [InlineData("""<feed xmlns="http://www.w3.org/2005/Atom"><title>no links</title><entry><title>E</title><id>https://e.com/id</id><modified>2024-01-01</modified><created>2023</created><author><email>only@e.com</email></author></entry><entry><link rel="self" href="https://e.com/s"/><author/></entry></feed>""")]
    [InlineData("""<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>prefixed atom</a:title><a:entry><a:title>x</a:title></a:entry></a:feed>""")]
    [InlineData("""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>rss 1.0</title></channel><item><title>r</title><link>https://e.com/r</link></item></rdf:RDF>""")]
    [InlineData("""<rss version="2.0"><channel><title>two roots</title></channel></rss><rss/>""")]
    [InlineData("""<?xml version="1.0"?><!-- a comment --><?pi x?><rss version="2.0"><channel><!-- c --><title>comments<!-- inside --> kept out</title><item><title>i</title></item></channel></rss>""")]
    public void Parse_FieldRuleCorners_SameAsTheLibrary(string xml)
    {
        var document = new FetchedDocument(Encoding.UTF8.GetBytes(xml), "application/xml", "utf-8", new Uri("https://example.com/feed"), new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(Describe(FeedDocumentParser.Parse(document, streaming: false)), Describe(FeedDocumentParser.Parse(document, streaming: true)));
    }

    private static string Describe(FeedDocumentParser.ParseResult result) => JsonSerializer.Serialize(new
    {
        result.Error,
        result.Warning,
        Feed = result.Feed is { } feed ? new { feed.Title, feed.Link, feed.Language, Items = feed.Items.Select(i => new
        {
            i.Id, i.Title, i.Link, i.Description, i.Content, i.Author, i.Published, i.Updated, i.Categories, i.Creator,
            Extensions = i.Extensions?.OrderBy(e => e.Key, StringComparer.Ordinal).ToList(),
        }) } : null,
    }, new JsonSerializerOptions { WriteIndented = true });
}
