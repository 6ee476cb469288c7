using System.Runtime.InteropServices;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace EmbeddedAiReport.Tests.Dedup;

public sealed class BandIndexTests : IDisposable
{
    private static readonly DedupOptions Options = new();
    private readonly TestServices _services = new();
    private readonly MinHasher _hasher = new(Options);

    public void Dispose() => _services.Dispose();

    private DateTimeOffset Now => _services.Clock.GetUtcNow();

    [Fact]
    public void Candidates_CrowdedBucket_KeepsTheNewestMaxBucketCandidates()
    {
        var index = new BandIndex(_hasher, new DedupOptions { MaxBucketCandidates = 3 });

        foreach (var id in new long[] { 5, 1, 7, 3, 9, 6, 7 }) index.Add(id, [42L]);

        var candidates = new HashSet<long>();
        index.Candidates([42L], candidates);
        Assert.Equal([6L, 7L, 9L], candidates.Order());
    }

    [Fact]
    public void Candidates_SeveralKeys_UnitesTheirBucketsAndIgnoresUnknownKeys()
    {
        var index = new BandIndex(_hasher, Options);
        index.Add(1, [10L, 20L]);
        index.Add(2, [20L, 30L]);
        index.Add(3, [40L]);

        var candidates = new HashSet<long>();
        index.Candidates([10L, 30L, 99L], candidates);

        Assert.Equal([1L, 2L], candidates.Order());
    }

    [Fact]
    public void Candidates_BucketOfOne_KeepsOnlyTheNewest()
    {
        var index = new BandIndex(_hasher, new DedupOptions { MaxBucketCandidates = 1 });
        index.Add(4, [7L]);
        index.Add(2, [7L]);

        var candidates = new HashSet<long>();
        index.Candidates([7L], candidates);

        Assert.Equal(4L, Assert.Single(candidates));
    }

    [Fact]
    public async Task RefreshAsync_RowsSignedThroughAnotherConnection_AreLoadedIncrementally()
    {
        var first = await SignAsync("端侧大模型量化实践：在手机上运行四比特量化的大语言模型", Now);
        var index = new BandIndex(_hasher, Options);
        await using var connection = await _services.Get<ReportDatabase>().OpenSqliteAsync(CancellationToken.None);
        var built = await index.RefreshAsync(connection, null, Now, Now.AddDays(-30), CancellationToken.None);

        var second = await SignAsync("高通发布新一代骁龙移动平台，NPU 算力大幅提升，支持端侧生成式模型", Now);
        var refreshed = await index.RefreshAsync(connection, null, Now, Now.AddDays(-30), CancellationToken.None);

        Assert.Equal(new BandIndex.Refresh(true, 1), built);
        Assert.Equal(new BandIndex.Refresh(false, 1), refreshed);
        Assert.Equal(second.Id, index.Watermark);
        Assert.Equal([first.Id], Candidates(index, first.Keys).Order());
        Assert.Equal([second.Id], Candidates(index, second.Keys).Order());
    }

    [Fact]
    public async Task RefreshAsync_EntryOlderThanTheWindow_IsLeftOutUntilAnOlderEntryIsPending()
    {
        var old = await SignAsync("端侧大模型量化实践：在手机上运行四比特量化的大语言模型", Now.AddDays(-45));
        var recent = await SignAsync("高通发布新一代骁龙移动平台，NPU 算力大幅提升，支持端侧生成式模型", Now.AddDays(-10));
        var index = new BandIndex(_hasher, Options);
        await using var connection = await _services.Get<ReportDatabase>().OpenSqliteAsync(CancellationToken.None);

        await index.RefreshAsync(connection, null, Now, Now.AddDays(-30), CancellationToken.None);
        var before = Candidates(index, old.Keys);
        var lowered = await index.RefreshAsync(connection, null, Now, Now.AddDays(-60), CancellationToken.None);

        Assert.Empty(before);
        Assert.Equal([recent.Id], Candidates(index, recent.Keys).Order());
        Assert.Equal(new BandIndex.Refresh(false, 1), lowered);
        Assert.Equal([old.Id], Candidates(index, old.Keys).Order());
    }

    [Fact]
    public async Task RefreshAsync_HalfTheLookbackLater_RebuildsWithoutAgedOutEntries()
    {
        var aging = await SignAsync("端侧大模型量化实践：在手机上运行四比特量化的大语言模型", Now.AddDays(-25));
        var index = new BandIndex(_hasher, Options);
        await using var connection = await _services.Get<ReportDatabase>().OpenSqliteAsync(CancellationToken.None);
        await index.RefreshAsync(connection, null, Now, Now.AddDays(-30), CancellationToken.None);
        var before = Candidates(index, aging.Keys);

        var later = Now.AddDays(Options.LookbackDays / 2.0);
        var refresh = await index.RefreshAsync(connection, null, later, later.AddDays(-30), CancellationToken.None);

        Assert.Equal([aging.Id], before.Order());
        Assert.Equal(new BandIndex.Refresh(true, 0), refresh);
        Assert.Empty(Candidates(index, aging.Keys));
    }

    [Fact]
    public void ApproximateBytes_TenThousandEntriesOfSingletonBuckets_StaysUnderTwoAndAHalfKilobytesPerEntry()
    {
        var index = new BandIndex(_hasher, Options);
        var random = new Random(329);
        for (var id = 1; id <= 10_000; id++)
            index.Add(id, Enumerable.Range(0, Options.Bands).Select(_ => random.NextInt64()).ToArray());

        // 28 bytes per dictionary slot and band, the dictionary between half full and full after it grows.
        Assert.InRange(index.ApproximateBytes / index.Entries, Options.Bands * 28, Options.Bands * 28 * 2 + 64);
    }

    // The index is per process: an entry another process (here another assigner) signed must still be found.
    [Fact]
    public async Task AssignPendingAsync_OriginalSignedByAnotherAssigner_RetellingJoinsIt()
    {
        var corpus = CorpusEntries.Load();
        // No links: only text similarity, through the band index, can join the retelling to it.
        var original = corpus.First(i => i.Entry.Account == "机器之心" && i.Entry.Summary.Length > 80 && i.Entry.Links.Count == 0);
        var unrelated = corpus.First(i => i.Entry.Account != "机器之心" && i.Entry.Summary.Length > 80).Entry;
        var assigner = _services.Get<StoryAssigner>();
        var other = new StoryAssigner(_services.Get<ReportDatabase>(), _hasher, _services.Get<StoryPrimary>(), Options, _services.Clock,
            NullLogger<StoryAssigner>.Instance);

        await StoreAsync(unrelated with { Published = Now });
        await assigner.AssignPendingAsync(CancellationToken.None);          // builds this assigner's index
        await StoreAsync(original.Entry with { Published = Now });
        await other.AssignPendingAsync(CancellationToken.None);             // signed elsewhere
        await StoreAsync(CorpusEntries.Retell(original) with { Published = Now });
        await assigner.AssignPendingAsync(CancellationToken.None);

        var entries = await _services.Get<EntryStore>().ListWindowAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None);
        Assert.Equal(3, entries.Count);
        Assert.Equal(2, entries.Select(e => e.StoryId).Distinct().Count());
    }

    [Fact]
    public async Task MigrateAsync_CurrentSchema_HasNoBandTable()
    {
        await using var connection = await _services.Get<ReportDatabase>().OpenSqliteAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name LIKE 'entry_bands%'";

        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    private static HashSet<long> Candidates(BandIndex index, long[] keys)
    {
        var candidates = new HashSet<long>();
        index.Candidates(keys, candidates);
        return candidates;
    }

    // An entry and its signature row written through a connection of its own, as another process would.
    private async Task<(long Id, long[] Keys)> SignAsync(string text, DateTimeOffset windowTime)
    {
        var fingerprint = _hasher.Fingerprint(text, "");
        Assert.True(fingerprint.Comparable);
        await _services.Get<ReportDatabase>().MigrateAsync(CancellationToken.None);
        await using var connection = new SqliteConnection($"Data Source={_services.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO entries (source_id, kind, canonical_key, url, title, first_seen, updated, window_time, content_hash)
            VALUES ('test', 'feed', 'url:example.com/' || $text, 'https://example.com/', $text, $time, $time, $time, '') RETURNING id;
            """;
        command.Parameters.AddWithValue("$text", text);
        command.Parameters.AddWithValue("$time", SqliteTime.Write(windowTime));
        var id = (long)(await command.ExecuteScalarAsync())!;
        command.CommandText = "INSERT INTO entry_signatures (entry_id, text_hash, shingles, signature) VALUES ($id, $hash, $shingles, $signature)";
        command.Parameters.Clear();
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$hash", fingerprint.TextHash);
        command.Parameters.AddWithValue("$shingles", fingerprint.ShingleCount);
        command.Parameters.AddWithValue("$signature", MemoryMarshal.AsBytes(fingerprint.Signature.AsSpan()).ToArray());
        await command.ExecuteNonQueryAsync();
        return (id, _hasher.BandKeys(fingerprint.Signature));
    }

    private async Task StoreAsync(CandidateEntry entry)
    {
        var record = new FetchRecord("test", "feed", Now, TimeSpan.Zero, 200, 0, 1, null, new Dictionary<string, HttpValidators>());
        await _services.Get<SourceStore>().CommitFetchAsync(record, [CorpusEntries.Write(entry)], CancellationToken.None);
    }
}
