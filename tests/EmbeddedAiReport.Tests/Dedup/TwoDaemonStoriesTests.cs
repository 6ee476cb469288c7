using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Dedup;

/// <summary>
/// Issue 17 item 3: two daemons on one database each keep their own in-memory story index; the stories they make together
/// are the ones one daemon makes alone (the index is rebuilt whenever the other daemon placed entries since).
/// </summary>
public abstract class TwoDaemonStoriesTests : IDisposable
{
    public sealed class OnSqlite() : TwoDaemonStoriesTests(StorageProvider.Sqlite);

    /// <summary>
    /// Each rebuild loads its window a few entries at a time, so a window spans many chunks put into the band buckets while
    /// the next is read (DedupOptions.LoadChunk, of these services only: the tests beside them load as the program does).
    /// </summary>
    public sealed class OnSqliteInSmallChunks() : TwoDaemonStoriesTests(StorageProvider.Sqlite, loadChunk: 7)
    {
        [Fact]
        public void LoadChunk_LoweredForTheseServices_OtherServicesKeepTheProgramsChunk()
        {
            using var beside = new TestServices();

            Assert.Equal([7, 7, 7], new[] { _alone, _first, _second }.Select(s => s.Get<DedupOptions>().LoadChunk));
            Assert.Equal(8192, beside.Get<DedupOptions>().LoadChunk);   // 2.6 MB of band keys with the default 40 bands
        }
    }

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : TwoDaemonStoriesTests(StorageProvider.Postgres);

    private readonly TestServices _alone;
    private readonly TestServices _first;
    private readonly TestServices _second;

    private TwoDaemonStoriesTests(StorageProvider provider, int? loadChunk = null)
    {
        Action<IServiceCollection>? configure = loadChunk is { } chunk ? services => services.Configure<DedupOptions>(o => o.LoadChunk = chunk) : null;
        _alone = new TestServices(provider: provider, configure: configure);
        _first = new TestServices(provider: provider, configure: configure);
        _second = new TestServices(provider: provider, sameDatabaseAs: _first, configure: configure);
    }

    public void Dispose()
    {
        _second.Dispose();
        _first.Dispose();
        _alone.Dispose();
    }

    [Fact]
    public async Task CommitAsync_CorpusPolledByTwoDaemonsInTurn_MakesTheStoriesOneDaemonMakes()
    {
        // The corpus issue by issue, each with retellings of some of its items under other accounts (near duplicates to
        // find), then a second round that rewrites some summaries (entries signed again, by the other daemon).
        var corpus = CorpusEntries.Load();
        var rounds = corpus.GroupBy(i => i.Issue).Select(issue => issue.Select(i => i.Entry)
            .Concat(issue.Where(i => i.Index % 3 == 0 && i.Entry.Summary.Length > 40).Select(CorpusEntries.Retell))
            .DistinctBy(e => e.CanonicalKey).ToList()).ToList();
        rounds.AddRange(rounds.Take(6).Select(round => round.Where((_, i) => i % 4 == 1).Select(e => e with { Summary = e.Summary + " 据悉，相关代码已开源。" }).ToList()));

        var alone = _alone.Get<IngestWriter>();
        var writers = new[] { _first.Get<IngestWriter>(), _second.Get<IngestWriter>() };
        for (var i = 0; i < rounds.Count; i++)
        {
            await CommitAsync(alone, _alone, rounds[i]);
            await CommitAsync(writers[i % 2], i % 2 == 0 ? _first : _second, rounds[i]);
        }

        var single = Stories(_alone);
        var shared = Stories(_first);
        Assert.Equal(single.Count, shared.Count);
        Assert.Equal(single, shared);
        Assert.Contains(single, story => story.Count > 1);   // there were near duplicates to find
    }

    private static async Task CommitAsync(IngestWriter writer, TestServices node, IReadOnlyList<CandidateEntry> entries)
    {
        var writes = entries.Select(CorpusEntries.Write).ToList();
        var record = new FetchRecord("corpus", "feed", node.Clock.GetUtcNow(), TimeSpan.Zero, 200, 0, writes.Count, null, new Dictionary<string, HttpValidators>());
        await writer.CommitAsync(record, writes, null, CancellationToken.None);
    }

    // Each story as the ordered keys of its entries, the stories ordered: ids may differ, the grouping may not.
    private static List<List<string>> Stories(TestServices node)
    {
        using var connection = DatabaseProbe.Open(node.Database);
        var rows = DatabaseProbe.Query(connection, "SELECT canonical_key, story_id FROM entries", r => (Key: r.GetString(0), Story: r.IsDBNull(1) ? -1 : r.GetInt64(1)));
        Assert.DoesNotContain(rows, r => r.Story < 0);
        return rows.GroupBy(r => r.Story).Select(g => g.Select(r => r.Key).Order(StringComparer.Ordinal).ToList())
            .OrderBy(keys => keys[0], StringComparer.Ordinal).ToList();
    }
}
