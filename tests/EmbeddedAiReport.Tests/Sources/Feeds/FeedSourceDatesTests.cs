using System.Globalization;
using System.Text;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;

namespace EmbeddedAiReport.Tests.Sources.Feeds;

/// <summary>
/// The date an item is stored under when its feed writes no publication date but another one: RSS 2.0 <c>dc:date</c>,
/// JSON Feed <c>date_modified</c>. Without it the item was dated at fetch time and landed in the current week.
/// </summary>
public sealed class FeedSourceDatesTests
{
    [Theory]
    // RSS 2.0 read in one pass (a well-formed document) and by the library (a media namespace makes it Media RSS).
    [InlineData("""<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title><item><title>A</title><link>https://example.com/a</link><dc:date>2020-05-04T10:00:00+08:00</dc:date></item></channel></rss>""")]
    [InlineData("""<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title><item><title>A</title><link>https://example.com/a</link><dc:date>2020-05-04T10:00:00+08:00</dc:date></item></channel></rss>""")]
    // JSON Feed with date_modified only (wewe-rss writes its items so).
    [InlineData("""{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": "a", "url": "https://example.com/a", "title": "A", "date_modified": "2020-05-04T10:00:00+08:00"}]}""")]
    public void Parse_ItemWithoutPublicationDate_TakesItsOtherDate(string feed)
    {
        Assert.Equal("2020-05-04T02:00:00Z", PublishedOfOnlyItem(feed));
    }

    [Theory]
    [InlineData("""<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title><item><title>A</title><link>https://example.com/a</link><pubDate>Mon, 04 May 2020 10:00:00 +0000</pubDate><dc:date>2020-05-01T00:00:00Z</dc:date></item></channel></rss>""")]
    [InlineData("""{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": "a", "url": "https://example.com/a", "title": "A", "date_published": "2020-05-04T10:00:00Z", "date_modified": "2020-05-06T00:00:00Z"}]}""")]
    public void Parse_ItemWithBothDates_TakesThePublicationDate(string feed)
    {
        Assert.Equal("2020-05-04T10:00:00Z", PublishedOfOnlyItem(feed));
    }

    private static string? PublishedOfOnlyItem(string feed)
    {
        var outcome = FeedSourceParsing.Parse(feed);

        return Assert.Single(outcome.Entries).Published?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
