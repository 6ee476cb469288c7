using System.Runtime.InteropServices;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>
/// Polls that finish together are written as one group in one transaction; a poll whose writes fail midway is rolled back
/// alone and the others of its group are stored, each once, with their stories.
/// </summary>
public abstract class IngestWriterGroupTests(StorageProvider provider) : IDisposable
{
    public sealed class OnSqlite() : IngestWriterGroupTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : IngestWriterGroupTests(StorageProvider.Postgres);

    private readonly TestServices _services = new(provider: provider);

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task CommitAsync_SecondPollOfAGroupFailsAfterWritingSome_OnlyThatPollIsRolledBack()
    {
        var writer = _services.Get<IngestWriter>();
        var good = new[] { "a", "c" }.ToDictionary(s => s, s => Enumerable.Range(1, 3).Select(i => Write(s, i)).ToList());
        // Source b's second entry has no title: its first entry, its fetch row and a story are written before the insert fails.
        var valid = new[] { Write("b", 1), Write("b", 2) };
        var failing = new[] { valid[0], valid[1] with { Candidate = valid[1].Candidate with { Title = null! } } };

        Task<StoreCounts> a, b, c;
        using (writer.Hold())
        {
            // Queued while the writer is held: released, the three are one group.
            a = writer.CommitAsync(Record("a", 3), good["a"], null, CancellationToken.None);
            b = writer.CommitAsync(Record("b", 2), failing, valid.Select(writer.Prepare).ToList(), CancellationToken.None);
            c = writer.CommitAsync(Record("c", 3), good["c"], null, CancellationToken.None);
        }

        Assert.Equal(new StoreCounts(3, 0), await a);
        Assert.Equal(new StoreCounts(3, 0), await c);
        await Assert.ThrowsAnyAsync<Exception>(() => b);
        using var connection = DatabaseProbe.Open(_services.Database);
        var entries = DatabaseProbe.Query(connection, "SELECT source_id, story_id FROM entries", r => (Source: r.GetString(0), Story: r.IsDBNull(1) ? (long?)null : r.GetInt64(1)));
        Assert.Equal(["a", "a", "a", "c", "c", "c"], entries.Select(e => e.Source).Order());
        Assert.All(entries, e => Assert.NotNull(e.Story));
        Assert.Equal(["a", "c"], DatabaseProbe.Query(connection, "SELECT source_id FROM fetches", r => r.GetString(0)).Order());
        // No story of b's rolled-back entry is left behind: every story has a member.
        Assert.Equal(0L, DatabaseProbe.Query(connection, "SELECT count(*) FROM stories s WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.story_id = s.id)",
            r => r.GetInt64(0)).Single());
    }

    [Fact]
    public async Task CommitAsync_EntryWithManyTags_StoresEveryTagWithItsWeightAndReplacesThemOnUpdate()
    {
        // 37 tags, names with quotes, Chinese and a comma (they travel to the database as one JSON object), one weight not a number.
        var tags = Enumerable.Range(0, 37).Select(i => new EntryTag(i switch { 0 => "量化", 1 => "say \"int8\"", 2 => "a, b", _ => $"tag{i:00}" },
            i == 3 ? double.NaN : i / 7.0)).ToList();
        var writer = _services.Get<IngestWriter>();
        var first = Write("t", 1) with { Tags = tags };
        Assert.Equal(new StoreCounts(1, 0), await writer.CommitAsync(Record("t", 1), [first], null, CancellationToken.None));
        Assert.Equal(tags.Select(t => (t.Tag, double.IsFinite(t.Weight) ? t.Weight : 0)).Order(), StoredTags());

        // The entry changes and carries three of them now, one with another weight: exactly those are stored.
        var fewer = new List<EntryTag> { new("量化", 2.5), new("tag10", 10 / 7.0), new("tag36", 0.125) };
        var second = first with { Candidate = first.Candidate with { Title = "Entry 1 of source t, edited" }, Tags = fewer };
        Assert.Equal(new StoreCounts(0, 1), await writer.CommitAsync(Record("t", 1), [second], null, CancellationToken.None));
        Assert.Equal(fewer.Select(t => (t.Tag, t.Weight)).Order(), StoredTags());
    }

    [Fact]
    public async Task CommitAsync_SeveralEntriesOfOnePoll_EachStoresItsOwnSignature()
    {
        // A pass binds its entries' signatures one after another (on SQLite from one reused buffer): each row must hold its
        // own entry's MinHash signature, as the hasher computes it for that entry's text.
        var writer = _services.Get<IngestWriter>();
        var writes = Enumerable.Range(1, 3).Select(i => Write("s", i)).ToList();
        Assert.Equal(new StoreCounts(3, 0), await writer.CommitAsync(Record("s", 3), writes, null, CancellationToken.None));

        var hasher = _services.Get<MinHasher>();
        var expected = writes.Select(w => (w.Candidate.CanonicalKey,
            Convert.ToHexString(MemoryMarshal.AsBytes(hasher.Fingerprint(w.Candidate.Title, w.Candidate.Summary, w.Candidate.Text).Signature.AsSpan())))).Order().ToList();
        Assert.Equal(3, expected.Select(e => e.Item2).Distinct().Count());
        using var connection = DatabaseProbe.Open(_services.Database);
        var stored = DatabaseProbe.Query(connection, "SELECT e.canonical_key, s.signature FROM entry_signatures s JOIN entries e ON e.id = s.entry_id",
            r => (r.GetString(0), Convert.ToHexString(r.GetFieldValue<byte[]>(1)))).Order().ToList();
        Assert.Equal(expected, stored);
    }

    private List<(string Tag, double Weight)> StoredTags()
    {
        using var connection = DatabaseProbe.Open(_services.Database);
        return DatabaseProbe.Query(connection, "SELECT tags FROM entries WHERE tags IS NOT NULL", r => EntryTag.Parse(r.GetString(0)))
            .SelectMany(tags => tags.Select(t => (t.Tag, t.Weight))).Order().ToList();
    }

    private static EntryWrite Write(string source, int i) => IngestWrites.Write(source, i);

    private FetchRecord Record(string source, int seen) => IngestWrites.Record(_services, source, seen);
}
