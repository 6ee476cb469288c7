using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources.Feeds;

public sealed class FeedDocumentParserTests
{
    private static FeedDocumentParser.ParseResult Parse(byte[] body) =>
        FeedDocumentParser.Parse(new FetchedDocument(body, "application/xml", null, new Uri("https://example.org/feed.xml"), DateTimeOffset.UnixEpoch));

    [Theory]
    // CodeHollow.FeedReader dereferences the channel of these without checking (NullReferenceException inside it).
    [InlineData("<rss version=\"2.0\"></rss>", "not a feed: <rss> has no <channel> element")]
    [InlineData("<rss version=\"0.92\"><item><title>x</title></item></rss>", "not a feed: <rss> has no <channel> element")]
    [InlineData("<a:rss xmlns:a=\"urn:x\"/>", "not a feed: <a:rss> has no <channel> element")]
    [InlineData("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><item/></rdf:RDF>",
        "not a feed: <rdf:RDF> has no <channel> element")]
    [InlineData("<?xml version=\"1.0\"?><foo/>", "not a feed: unknown feed type foo")]
    [InlineData("{}", "not a feed: json content is not a JSON Feed (missing or unknown \"version\")")]
    public void Parse_RootWithoutAFeedInside_SaysWhy(string xml, string error)
    {
        var result = Parse(System.Text.Encoding.UTF8.GetBytes(xml));

        Assert.Null(result.Feed);
        Assert.Equal(error, result.Error);
    }

    [Theory]
    [InlineData("<rss version=\"2.0\"><channel><title>t</title></channel></rss>", 0)]
    [InlineData("<rss version=\"2.0\"><!-- c --><channel><item><title>a</title></item></channel></rss>", 1)]
    [InlineData("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><channel/><item><title>a</title></item></rdf:RDF>", 1)]
    public void Parse_RootWithAChannel_IsAFeed(string xml, int items)
    {
        var result = Parse(System.Text.Encoding.UTF8.GetBytes(xml));

        Assert.Equal(items, Assert.IsType<FeedDocument>(result.Feed).Items.Count);
    }

    // README: a DOCTYPE is dropped before the document is read. The declaration ends at its internal subset's "]>": a
    // CDATA section's "]]>" further on is the item's text, not the end of the DOCTYPE.
    [Fact]
    public void Parse_DocTypeWithAnInternalSubset_IsDroppedUpToItsOwnEnd()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <!DOCTYPE rss [<!ENTITY brand "NPU">]>
            <rss version="2.0"><channel><title>t</title><link>https://e.com/</link>
            <item><title>first</title><link>https://e.com/1</link><description><![CDATA[<p>one</p>]]></description></item>
            <item><title>second</title><link>https://e.com/2</link><description>two</description></item>
            </channel></rss>
            """;

        var result = Parse(System.Text.Encoding.UTF8.GetBytes(xml));

        Assert.Null(result.Warning);
        Assert.Equal(["first", "second"], Assert.IsType<FeedDocument>(result.Feed).Items.Select(i => i.Title));
        Assert.Equal("<p>one</p>", result.Feed!.Items[0].Description);
    }

    public static TheoryData<string> FeedFixtures() =>
        [.. new[] { "generic-feed", "arxiv-rss", "github-releases-atom", "wechat-mirror-feed", "arxiv-api-atom", "dedup" }
            .SelectMany(folder => Directory.GetFiles(Fixtures.PathOf(folder)).Where(f => !f.EndsWith(".md", StringComparison.Ordinal) && !f.EndsWith(".json", StringComparison.Ordinal)))
            .Select(path => Path.GetRelativePath(Fixtures.PathOf(""), path))];

    [Theory]
    [MemberData(nameof(FeedFixtures))]
    public void Parse_FixtureCutAnywhere_ReturnsAFeedOrAReasonAndNeverThrows(string fixture)
    {
        var bytes = Fixtures.Bytes(fixture);
        for (var k = 1; k < 40; k++)
        {
            var cut = bytes.Length * k / 40;
            foreach (var part in new[] { bytes[..cut], bytes[cut..], [.. bytes[..(cut / 2)], .. bytes[cut..]] })
            {
                var result = Parse(part);
                Assert.True(result.Feed is not null || !string.IsNullOrWhiteSpace(result.Error), $"{fixture} cut at {cut}: neither a feed nor a reason");
            }
        }
    }
}
