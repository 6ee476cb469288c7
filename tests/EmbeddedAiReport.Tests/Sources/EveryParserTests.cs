using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Arxiv;
using EmbeddedAiReport.Sources.Feeds;
using EmbeddedAiReport.Sources.GitHub;
using EmbeddedAiReport.Sources.WeChat;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources;

/// <summary>
/// Every parser over every real fixture document, the wrong kinds included (an HTML page where a feed is expected, a
/// GitHub JSON where an arXiv listing is): each returns a result — items, entries it skipped with a reason, or a failure
/// with a reason — and never throws.
/// </summary>
public sealed class EveryParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly GitHubRepo Repo = GitHubRepo.TryParse("Tencent/ncnn")!.Value;

    private static readonly string[] Folders =
        ["arxiv-api-atom", "arxiv-listing-html", "arxiv-rss", "generic-feed", "github-engines", "github-releases-api-json", "github-releases-atom",
         "wechat-article-html", "wechat-mirror-feed"];

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in Folders)
            foreach (var file in Directory.GetFiles(Fixtures.PathOf(folder)).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                foreach (var parser in Parsers.Keys)
                    data.Add(parser, Path.Combine(folder, Path.GetFileName(file)));
        return data;
    }

    // Each parser's result as (items read or skipped with a reason, failure reason or null).
    private static readonly Dictionary<string, Func<FetchedDocument, (int Items, string? Error)>> Parsers = new()
    {
        ["feed"] = d => FeedDocumentParser.Parse(d) is var r && r.Feed is { } feed ? (feed.Items.Count, null) : (0, r.Error),
        ["arxiv-listing"] = d => ArxivListingParser.Parse(d) is var r ? (r.Papers.Count + r.Skipped.Count, r.Error) : default,
        ["arxiv-api"] = d => ArxivApiParser.Parse(d, Now) is var r ? (r.Papers.Count + r.Skipped.Count, r.Error) : default,
        ["github-atom"] = d => GitHubAtomParser.Parse(d, Repo, Now) is var r ? (r.Releases.Count + r.Skipped.Count, r.Error) : default,
        ["github-rest"] = d => GitHubRestParser.Parse(d, Repo, Now) is var r ? (r.Releases.Count + r.Skipped.Count, r.Error) : default,
        ["wechat-page"] = d => ArticlePageParser.Parse(d) is var r ? (r.Page is null ? 0 : 1, r.Failure?.ToString()) : default,
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Parse_AnyFixture_ReturnsItemsOrAReasonAndNeverThrows(string parser, string fixture)
    {
        var contentType = fixture.EndsWith(".html", StringComparison.Ordinal) ? "text/html"
            : fixture.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/xml";
        var document = new FetchedDocument(Fixtures.Bytes(fixture), contentType, null, new Uri("https://example.org/" + Path.GetFileName(fixture)), Now);

        var (items, error) = Parsers[parser](document);

        Assert.True(items > 0 || !string.IsNullOrWhiteSpace(error) || IsEmptyListing(fixture),
            $"{parser} on {fixture}: no items and no reason");
    }

    // Fixtures that are valid and empty on purpose: a weekend arXiv feed, an API answer with no results, a listing day
    // without updates, feedparser's channel with a Greek date and no items.
    private static bool IsEmptyListing(string fixture) =>
        fixture.Contains("weekend_empty", StringComparison.Ordinal) || fixture.Contains("empty_result", StringComparison.Ordinal)
        || fixture.Contains("no_updates", StringComparison.Ordinal) || fixture.Contains("iso8859-7_date", StringComparison.Ordinal);
}
