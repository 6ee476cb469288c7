using System.Text;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;

namespace EmbeddedAiReport.Tests.Sources.Feeds;

/// <summary>A feed document parsed by the <c>feed</c> kind as a poll would, fetched from <see cref="FeedUri"/> on 2024-06-01.</summary>
internal static class FeedSourceParsing
{
    public static readonly Uri FeedUri = new("https://example.com/feed");

    private static readonly SourceDefinition Source = new() { Id = "feed-1", Kind = FeedSource.KindName, Url = FeedUri };

    public static ParseOutcome.Parsed Parse(string feed) =>
        Assert.IsType<ParseOutcome.Parsed>(new FeedSource().Parse(new FetchedDocument(Encoding.UTF8.GetBytes(feed), "application/xml", "utf-8", FeedUri,
            new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero)), Source, new SourceRequest(FeedUri)));
}
