using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Dedup;

/// <summary>
/// The writer looks a poll's text hashes up in one statement and skips the same-text lookup of entries no stored or
/// just-signed entry shares: texts posted months apart (beyond the near-duplicate lookback, so only the same-text lookup
/// can join them) still become one story, whether the first arrived in an earlier poll or earlier in the same poll.
/// </summary>
public abstract class SameTextLookAheadTests(StorageProvider provider) : IDisposable
{
    public sealed class OnSqlite() : SameTextLookAheadTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : SameTextLookAheadTests(StorageProvider.Postgres);

    private static readonly DateTimeOffset January = new(2020, 1, 6, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset April = January.AddDays(90);   // Dedup:LookbackDays is 30

    private readonly TestServices _services = new(provider: provider);

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task CommitAsync_SameTextMonthsLaterInAnotherPoll_JoinsTheStoryAndOtherTextStaysApart()
    {
        var writer = _services.Get<IngestWriter>();

        await writer.CommitAsync(Record("first"), [Write("a", "npu", January)], null, CancellationToken.None);
        await writer.CommitAsync(Record("second"), [Write("b", "npu", April), Write("c", "pruning", April)], null, CancellationToken.None);

        var story = Stories();
        Assert.Equal(story["a"], story["b"]);
        Assert.NotEqual(story["a"], story["c"]);
    }

    [Fact]
    public async Task CommitAsync_SameTextMonthsApartInOnePoll_IsOneStory()
    {
        var writer = _services.Get<IngestWriter>();

        await writer.CommitAsync(Record("only"), [Write("a", "npu", January), Write("b", "npu", April), Write("c", "pruning", April)], null,
            CancellationToken.None);

        var story = Stories();
        Assert.Equal(story["a"], story["b"]);
        Assert.NotEqual(story["a"], story["c"]);
    }

    private Dictionary<string, long> Stories()
    {
        using var connection = DatabaseProbe.Open(_services.Database);
        return DatabaseProbe.Query(connection, "SELECT url, story_id FROM entries", r => (Url: r.GetString(0), Story: r.GetInt64(1)))
            .ToDictionary(e => e.Url[^1..], e => e.Story);
    }

    // The same title and text for one topic, under another key per name.
    private static EntryWrite Write(string name, string topic, DateTimeOffset published) =>
        new(new CandidateEntry
        {
            CanonicalKey = $"url:example.com/{name}",
            Url = $"https://example.com/{name}",
            Title = $"Weekly notes on {topic} for embedded inference",
            Summary = string.Join(' ', Enumerable.Range(0, 30).Select(w => $"{topic}{w}")),
            Published = published,
        }, "feed", "blogs", 0, []);

    private FetchRecord Record(string source) =>
        new(source, "feed", _services.Clock.GetUtcNow(), TimeSpan.Zero, 200, 0, 1, null, new Dictionary<string, HttpValidators>());
}
