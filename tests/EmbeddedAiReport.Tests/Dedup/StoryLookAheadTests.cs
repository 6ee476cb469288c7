using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Dedup;

/// <summary>
/// The writer looks a poll's text hashes and named papers up in one statement each and skips the lookups that cannot find
/// anything. What they can find still joins: texts posted months apart (beyond the near-duplicate lookback, so only the
/// same-text lookup can join them), whether the first arrived in an earlier poll or earlier in the same poll, and a paper
/// and a post about it in different polls, in either order.
/// </summary>
public abstract class StoryLookAheadTests(StorageProvider provider) : IDisposable
{
    public sealed class OnSqlite() : StoryLookAheadTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : StoryLookAheadTests(StorageProvider.Postgres);

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

    // The same-text index is keyed by the hash's first 8 digits (migration 0022): a stored text whose hash shares them with a
    // new text's but differs after them is another text, and must not join it.
    [Fact]
    public async Task CommitAsync_StoredHashWithTheSamePrefixButAnotherEnd_DoesNotJoin()
    {
        var writer = _services.Get<IngestWriter>();
        await writer.CommitAsync(Record("first"), [Write("a", "npu", January), Write("c", "pruning", January)], null, CancellationToken.None);
        using (var connection = DatabaseProbe.Open(_services.Database, readOnly: false))
        using (var collide = connection.CreateCommand())
        {
            // a's hash becomes c's first 8 digits and 24 letters no hex hash has.
            collide.CommandText = """
                UPDATE entry_signatures SET text_hash = substr((SELECT s.text_hash FROM entry_signatures s JOIN entries e ON e.id = s.entry_id
                    WHERE e.url = 'https://example.com/c'), 1, 8) || 'xxxxxxxxxxxxxxxxxxxxxxxx'
                WHERE entry_id = (SELECT id FROM entries WHERE url = 'https://example.com/a')
                """;
            Assert.Equal(1, collide.ExecuteNonQuery());
        }

        await writer.CommitAsync(Record("second"), [Write("d", "pruning", April)], null, CancellationToken.None);

        var story = Stories();
        Assert.Equal(story["c"], story["d"]);   // the same text months later
        Assert.NotEqual(story["a"], story["d"]);
    }

    [Fact]
    public async Task CommitAsync_PaperAndPostAboutItInLaterPolls_JoinInEitherOrder()
    {
        var writer = _services.Get<IngestWriter>();

        await writer.CommitAsync(Record("papers"), [Paper("p", "2004.10934")], null, CancellationToken.None);
        await writer.CommitAsync(Record("posts"), [Post("q", "2004.10934"), Post("r", "2011.12289")], null, CancellationToken.None);
        await writer.CommitAsync(Record("papers"), [Paper("s", "2011.12289")], null, CancellationToken.None);

        var story = Stories();
        Assert.Equal(story["p"], story["q"]);   // the post names a paper stored in an earlier poll
        Assert.Equal(story["s"], story["r"]);   // the paper was named by a post stored in an earlier poll
        Assert.NotEqual(story["p"], story["s"]);
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

    private static EntryWrite Paper(string name, string id) =>
        new(new CandidateEntry
        {
            CanonicalKey = $"arxiv:{id}",
            Url = $"https://arxiv.org/abs/{id}#{name}",
            Title = $"Paper {id}: a method of its own",
            Summary = Words(id),
            Published = January,
        }, "arxiv-rss", "papers", 0, []);

    private static EntryWrite Post(string name, string id) =>
        new(new CandidateEntry
        {
            CanonicalKey = $"url:blog.example.org/{name}",
            Url = $"https://blog.example.org/{name}",
            Title = $"What paper {id} means for phones",
            Summary = Words(name),
            Published = January,
            Links = [new EntryLink("arxiv", $"arxiv:{id}", $"https://arxiv.org/abs/{id}")],
        }, "feed", "blogs", 0, []);

    // Thirty random lower-case words, the same for the same seed text: texts of different seeds share almost no 3-grams.
    private static string Words(string seed)
    {
        var random = new Random(seed.Aggregate(17, (h, c) => h * 31 + c));
        return string.Join(' ', Enumerable.Range(0, 30).Select(_ => new string(Enumerable.Range(0, 6).Select(_ => (char)('a' + random.Next(26))).ToArray())));
    }

    private FetchRecord Record(string source) =>
        new(source, "feed", _services.Clock.GetUtcNow(), TimeSpan.Zero, 200, 0, 1, null, new Dictionary<string, HttpValidators>());
}
