using System.Text.Json;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>The editor's reads of entries (<see cref="EditorStore"/>) on SQLite and PostgreSQL.</summary>
public abstract class EditorStoreTests : IDisposable
{
    public sealed class OnSqlite() : EditorStoreTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : EditorStoreTests(StorageProvider.Postgres);

    private readonly TempDirectory _directory = new();
    private readonly TestDatabase _database;

    private EditorStoreTests(StorageProvider provider) => _database = TestDatabase.Create(provider, _directory);

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task EntryAsync_EachEntryOfAMillisecondSharedWithOthers_IsWhatTheReadOfItsWindowGivesForIt()
    {
        // Round 40: the edit page's entry is read by its id, not as the window of its millisecond. Five entries of one
        // millisecond (a feed's entries polled at once) and one a millisecond later, carrying everything the read gives:
        // the editor's title, summary and section, tags, links, a story (its primary and a member), the issue that covers
        // one of them and the story's first issue covering the other member; the entry by id is the window read's entry.
        await using var database = _database.Open();
        await database.MigrateAsync(CancellationToken.None);
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            await ExecuteAsync(connection, """
                INSERT INTO stories (id, primary_entry_id, created) VALUES (1, 2, '2020-05-11T00:00:00.000Z');
                INSERT INTO entries (id, source_id, kind, canonical_key, url, title, summary, account, published, first_seen, updated, window_time,
                                     content_hash, section, score, status, story_id, tags) VALUES
                  (1, 'f', 'feed', 'url:example.org/1', 'https://example.org/1', 'One', 'first', '机器之心', '2020-05-12T01:02:03.004Z',
                   '2020-05-12T01:02:03.004Z', '2020-05-12T01:02:03.004Z', '2020-05-12T01:02:03.004Z', 'h1', 'news', 0.75, 'shortlisted', NULL, '{"npu":2,"quantization":0.5}'),
                  (2, 'f', 'feed', 'url:example.org/2', 'https://example.org/2', 'Two', 'second', NULL, NULL,
                   '2020-05-12T01:02:03.004Z', '2020-05-12T01:02:03.004Z', '2020-05-12T01:02:03.004Z', 'h2', 'papers', 0.5, 'candidate', 1, NULL),
                  (3, 'f', 'feed', 'url:example.org/3', 'https://example.org/3', 'Three', '', NULL, NULL,
                   '2020-05-12T01:02:03.004Z', '2020-05-12T01:02:03.004Z', '2020-05-12T01:02:03.004Z', 'h3', NULL, 0.25, 'rejected', 1, '{}'),
                  (4, 'f', 'feed', 'url:example.org/4', 'https://example.org/4', 'Four', 'fourth', NULL, '2020-05-12T01:02:03.004Z',
                   '2020-05-12T01:02:03.004Z', '2020-05-12T01:02:03.004Z', '2020-05-12T01:02:03.004Z', 'h4', 'blogs', 0.1, 'published', NULL, NULL),
                  (5, 'f', 'feed', 'url:example.org/5', 'https://example.org/5', 'Five', 'fifth', NULL, NULL,
                   '2020-05-12T01:02:03.004Z', '2020-05-12T01:02:03.004Z', '2020-05-12T01:02:03.004Z', 'h5', NULL, 0.9, 'candidate', 1, NULL),
                  (6, 'f', 'feed', 'url:example.org/6', 'https://example.org/6', 'Six', 'sixth', NULL, NULL,
                   '2020-05-12T01:02:03.005Z', '2020-05-12T01:02:03.005Z', '2020-05-12T01:02:03.005Z', 'h6', NULL, 0.3, 'candidate', NULL, NULL);
                INSERT INTO entry_overrides (entry_id, title, summary, section, position, updated) VALUES
                  (1, 'One, edited', NULL, NULL, 2, '2020-05-13T00:00:00.000Z'), (3, NULL, 'third, edited', 'blogs', NULL, '2020-05-13T00:00:00.000Z');
                INSERT INTO entry_links (entry_id, kind, target, url) VALUES
                  (1, 'arxiv', '2004.10934', 'https://arxiv.org/abs/2004.10934'), (1, 'github', 'o/r', 'https://github.com/o/r'),
                  (2, 'arxiv', '2004.10934', 'https://arxiv.org/abs/2004.10934'), (6, 'github', 'o/s', 'https://github.com/o/s');
                INSERT INTO issues (id, date, imported) VALUES (1, '2020-05-15', '2020-05-15T00:00:00.000Z');
                INSERT INTO issue_items (issue_id, canonical_key, title, url) VALUES
                  (1, 'url:example.org/4', 'Four', 'https://example.org/4'), (1, 'url:example.org/5', 'Five', 'https://example.org/5');
                """);
        }
        var store = new EditorStore(database, TimeProvider.System);
        var at = new DateTimeOffset(2020, 5, 12, 1, 2, 3, 4, TimeSpan.Zero);

        var window = await store.ListWindowAsync(at, at.AddMilliseconds(2), CancellationToken.None);
        var byId = new List<ReviewEntry?>();
        foreach (var id in new long[] { 1, 2, 3, 4, 5, 6 }) byId.Add(await store.EntryAsync(id, CancellationToken.None));

        Assert.Equal([1L, 2, 3, 4, 5, 6], window.Select(e => e.Entry.Id));
        Assert.Equal(window.Select(Json), byId.Select(e => Json(e!)));
        // What the comparison covers is there to compare (the record's lists compare by reference, its JSON by value).
        Assert.Equal("One, edited", byId[0]!.Entry.Title);
        Assert.Equal(2, byId[0]!.Entry.Links.Count);
        Assert.Equal(["npu", "quantization"], byId[0]!.Tags.Select(t => t.Tag));
        Assert.Equal(("third, edited", "blogs"), (byId[2]!.Entry.Summary, byId[2]!.Entry.Section));
        Assert.NotNull(byId[3]!.CoveredBy);
        Assert.Equal(byId[3]!.CoveredBy, byId[1]!.CoveredBy);   // a member of a story an issue published a member of
        Assert.True(byId[1]!.Entry.IsStoryPrimary);
        Assert.Null(await store.EntryAsync(7, CancellationToken.None));
        // Nor is an id below the first (0: the id of an issue item no stored entry matches) the next entry's (mutation audit 21's S01).
        Assert.Null(await store.EntryAsync(0, CancellationToken.None));
    }

    private static string Json(ReviewEntry entry) => JsonSerializer.Serialize(entry);

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand(null, sql);
        await command.ExecuteNonQueryAsync();
    }
}
