using System.Text;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Reliability;

/// <summary>An export running while polls commit reads one consistent snapshot: every fetch all or nothing, every entry with its links.</summary>
public sealed class SnapshotTests : LoopbackTest
{
    private const int Sources = 8;
    private const int Items = 150;

    [Fact]
    public async Task ListWindowAsync_DuringConcurrentPolls_SeesEachFetchWholeWithItsLinks()
    {
        using var services = new TestServices();
        var json = new List<string>();
        for (var s = 0; s < Sources; s++)
        {
            var items = new StringBuilder();
            for (var i = 0; i < Items; i++)
                items.Append(FaultFeeds.Item($"source {s} paper {i}", $"https://example.org/s{s}/{i}",
                    $"Code and paper: https://arxiv.org/abs/2011.{s:D2}{i:D3}", pubDate: "Wed, 25 Nov 2020 08:00:00 GMT"));
            Server.MapFile($"s{s}.xml", Encoding.UTF8.GetBytes(FaultFeeds.Rss(items.ToString())));
            json.Add($$"""{"id": "s{{s}}", "kind": "feed", "url": "{{Server.Url($"s{s}.xml")}}", "allowPrivateNetwork": true}""");
        }
        var sources = services.Sources($$"""{"sources": [{{string.Join(",", json)}}]}""");
        var store = services.Get<EntryStore>();
        var from = DateTimeOffset.UnixEpoch;
        var to = new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var poll = services.Get<SourcePoller>().PollManyAsync(sources, maxParallel: 4, CancellationToken.None);
        var exports = new List<IReadOnlyList<StoredEntry>>();
        do exports.Add(await store.ListWindowAsync(from, to, CancellationToken.None));
        while (!poll.IsCompleted);
        var results = await poll;
        exports.Add(await store.ListWindowAsync(from, to, CancellationToken.None));

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.All(exports, export =>
        {
            Assert.All(export.GroupBy(e => e.SourceId), group => Assert.Equal(Items, group.Count()));   // a fetch is all or nothing
            Assert.All(export, e => Assert.Single(e.Links, l => l.Kind == "arxiv"));                    // entries and links from one snapshot
        });
        Assert.Equal(Sources * Items, exports[^1].Count);
    }
}
