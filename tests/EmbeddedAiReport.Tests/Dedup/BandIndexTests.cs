using System.Runtime.InteropServices;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
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
        var index = new BandIndex(new DedupOptions { MaxBucketCandidates = 3 });

        foreach (var id in new[] { 5, 1, 7, 3, 9, 6, 7 }) index.Add(id, id, 0, [42L]);

        var candidates = new List<int>();
        Candidates(index, [42L], candidates);
        Assert.Equal([6, 7, 9], candidates.Order());
    }

    [Fact]
    public void Candidates_SeveralKeys_UnitesTheirBucketsAndIgnoresUnknownKeys()
    {
        var index = new BandIndex(Options);
        index.Add(1, 1, 0, [10L, 20L]);
        index.Add(2, 2, 0, [20L, 30L]);
        index.Add(3, 3, 0, [40L]);

        var candidates = new List<int>();
        Candidates(index, [10L, 30L, 99L], candidates);

        Assert.Equal([1, 2], candidates.Order());
    }

    [Fact]
    public void Candidates_BucketOfOne_KeepsOnlyTheNewest()
    {
        var index = new BandIndex(new DedupOptions { MaxBucketCandidates = 1 });
        index.Add(4, 4, 0, [7L]);
        index.Add(2, 2, 0, [7L]);

        var candidates = new List<int>();
        Candidates(index, [7L], candidates);

        Assert.Equal(4, Assert.Single(candidates));
    }

    [Fact]
    public void AddMany_CrowdedAndSingletonBucketsInAnyOrder_SameCandidatesAsAddingOneByOne()
    {
        // Few distinct keys per band, so buckets crowd past twice MaxBucketCandidates and get cut back; ids arrive out of order.
        var options = new DedupOptions { Bands = 5, Rows = 1, MaxBucketCandidates = 3 };
        var random = new Random(14);
        var members = Enumerable.Range(0, 500).ToArray();
        var orders = members.Select(_ => random.NextInt64(1, 100_000)).ToArray();
        var keys = members.SelectMany(_ => Enumerable.Range(0, options.Bands).Select(b => b * 1000L + random.Next(b == 0 ? 400 : 40))).ToArray();
        // Tags from a few stories, mostly one, so some buckets share a tag and others are mixed.
        var tags = members.Select(_ => random.Next(10) < 8 ? 7L : random.Next(3)).ToArray();
        var oneByOne = new BandIndex(options);
        for (var i = 0; i < members.Length; i++) oneByOne.Add(members[i], orders[i], tags[i], keys.AsSpan(i * options.Bands, options.Bands));
        var together = new BandIndex(options);
        // In two chunks, as a load does.
        together.AddMany(members.AsSpan(0, 300), orders.AsSpan(0, 300), tags.AsSpan(0, 300), keys.AsSpan(0, 300 * options.Bands), options.Bands);
        together.AddMany(members.AsSpan(300), orders.AsSpan(300), tags.AsSpan(300), keys.AsSpan(300 * options.Bands), options.Bands);

        Assert.Equal(oneByOne.Entries, together.Entries);
        var crowded = 0;
        for (var i = 0; i < members.Length; i++)
        {
            var query = keys.AsSpan(i * options.Bands, options.Bands);
            var (expected, actual) = (new List<int>(), new List<int>());
            Candidates(oneByOne, query, expected);
            Candidates(together, query, actual);
            Assert.Equal(expected, actual);
            if (expected.Count > options.Bands) crowded++;
        }
        Assert.True(crowded > 400, $"only {crowded} queries met a crowded bucket");
        Assert.Equal(oneByOne.Crowds().Select(c => c.Shared).Order(), together.Crowds().Select(c => c.Shared).Order());
        Assert.Contains(together.Crowds(), c => c.Shared == 7);
        Assert.All(together.Crowds(), c => Assert.True(c.Shared == 0 || c.Members.All(m => tags[m] == c.Shared)));
    }

    [Fact]
    public void Bucket_CrowdOfOneTag_SharesItUntilAMemberOfAnotherJoinsOrIsRetagged()
    {
        var index = new BandIndex(Options);
        Span<int> one = stackalloc int[1];
        index.Add(1, 1, 7, [42L]);
        Assert.Equal([1], index.Bucket(0, 42L, one, out var single).ToArray());
        Assert.Equal(7, single);                                           // a bucket of one: its member's tag
        index.Add(2, 2, 7, [42L]);
        index.Add(3, 3, 7, [42L, 50L]);
        index.Add(4, 4, 7, [43L, 50L]);
        index.Bucket(0, 42L, one, out var shared);
        Assert.Equal(7, shared);

        index.MoveTag(7, 11);                                              // two stories merged
        index.Bucket(0, 42L, one, out var moved);
        index.Add(5, 5, 8, [42L]);                                         // another story's member
        index.Bucket(0, 42L, one, out var mixed);
        index.Bucket(1, 50L, one, out var before);
        index.Retag(3, 9, [42L, 50L]);                                     // a member of band 1's bucket moves story
        index.Bucket(1, 50L, one, out var retagged);
        index.Bucket(0, 43L, one, out var kept);
        index.Mix([43L]);
        index.Bucket(0, 43L, one, out var singleAfterMix);

        Assert.Equal((11L, 0L, 11L, 0L), (moved, mixed, before, retagged));
        Assert.Equal((11L, 11L), (kept, singleAfterMix));                  // a bucket of one always tells its member's tag
        index.Add(6, 6, 11, [43L]);
        index.Mix([43L]);
        index.Bucket(0, 43L, one, out var crowdAfterMix);
        Assert.Equal(0, crowdAfterMix);
    }

    // A lookup passes over a bucket whose members all belong to a story it already joins, so the index must never say a
    // bucket is of one story while it holds an entry of another: after every kind of change a pass makes (new entries,
    // entries signed again under new keys, a story given to an entry, stories merged, entries forgotten), in crowds.
    [Fact]
    public void StoryIndex_ThousandsOfEntries_EachFoundByItsOwnSignatureAcrossSignaturePages()
    {
        // More entries than one page of signatures holds (1024), re-signed in between: each must still be found by its own
        // signature and by no other's, whichever page it sits in.
        var options = new DedupOptions();
        var hasher = new MinHasher(options);
        var index = new StoryIndex(hasher, options);
        var time = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        // Forty random CJK characters per entry and version: unrelated texts.
        uint[] SignatureOf(long id, int version)
        {
            var random = new Random((int)id * 10 + version);
            return hasher.Fingerprint("", new string([.. Enumerable.Range(0, 40).Select(_ => (char)random.Next(0x4e00, 0x9fa5))])).Signature;
        }
        for (long id = 1; id <= 2600; id++) index.Put(id, time, id, SignatureOf(id, 1), hasher.BandKeys(SignatureOf(id, 1)));
        for (long id = 1; id <= 2600; id += 7) index.Put(id, time, id, SignatureOf(id, 2), hasher.BandKeys(SignatureOf(id, 2)));
        foreach (var id in new long[] { 1, 8, 1023, 1024, 1025, 2048, 2049, 2600 })
        {
            var signature = SignatureOf(id, id % 7 == 1 ? 2 : 1);
            var related = new Dictionary<long, long?>();
            index.Similar(-1, time, signature, hasher.BandKeys(signature), related);
            Assert.Equal([id], related.Keys);
            Assert.Equal(id, related[id]);
        }
    }

    [Fact]
    public void StoryIndex_RandomChanges_BucketsNeverVouchForAStoryAMemberLeft()
    {
        var options = new DedupOptions { Bands = 8, Rows = 1 };
        var hasher = new MinHasher(options);
        var index = new StoryIndex(hasher, options);
        var random = new Random(2026);
        var time = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var held = new List<long>();
        var shared = 0;
        for (var step = 0; step < 3000; step++)
        {
            var op = random.Next(10);
            if (op < 5 || held.Count == 0)
            {
                // Each story's entries mostly share its values (a crowd of near duplicates), now and then another story's:
                // some buckets stay of one story, others mix, and every change below can break either.
                var id = random.Next(1, 300);
                long? story = random.Next(6) == 0 ? null : random.Next(1, 12);
                var signature = Enumerable.Range(0, options.SignatureLength)
                    .Select(i => (uint)((random.Next(40) == 0 ? random.Next(1, 12) : story ?? 0) * 100 + i)).ToArray();
                index.Put(id, time, story, signature, hasher.BandKeys(signature));
                if (!held.Contains(id)) held.Add(id);
            }
            else if (op < 7) index.SetStory(held[random.Next(held.Count)], random.Next(1, 12));
            else if (op < 9) index.MoveStory(random.Next(1, 12), random.Next(1, 12));
            else index.Forget(held[random.Next(held.Count)]);

            Assert.Empty(index.TagProblems());
            shared = Math.Max(shared, index.SharedBuckets);
        }
        Assert.True(shared >= 10, $"at most {shared} buckets of one story: the test did not exercise passing over");
    }

    // An entry signed again under new keys stays in its old keys' buckets (they are never pruned): those may no longer say
    // they are all of its old story.
    [Fact]
    public void StoryIndex_EntrySignedAgainIntoAnotherStory_ItsOldBucketsNoLongerVouch()
    {
        var options = new DedupOptions { Bands = 2, Rows = 1 };
        var hasher = new MinHasher(options);
        var index = new StoryIndex(hasher, options);
        uint[] before = [1, 2], after = [3, 4];
        index.Put(1, Now, 5, before, hasher.BandKeys(before));
        index.Put(2, Now, 5, before, hasher.BandKeys(before));
        Assert.Equal(2, index.SharedBuckets);

        index.Put(1, Now, 6, after, hasher.BandKeys(after));

        Assert.Empty(index.TagProblems());
        Assert.Equal(0, index.SharedBuckets);
    }

    [Fact]
    public void Candidates_SameKeyInAnotherBand_IsNotACandidate()
    {
        var index = new BandIndex(Options);
        index.Add(1, 1, 0, [10L, 20L]);

        var candidates = new List<int>();
        Candidates(index, [20L, 10L], candidates);

        Assert.Empty(candidates);
    }

    [Fact]
    public async Task PrepareAsync_AnotherPassSignedSince_RebuildsWithItsRows()
    {
        var first = await SignAsync("端侧大模型量化实践：在手机上运行四比特量化的大语言模型", Now);
        var index = new StoryIndex(_hasher, Options);
        var built = await PrepareAsync(index, Now, Now.AddDays(-30), advance: true);
        var again = await PrepareAsync(index, Now, Now.AddDays(-30));

        var second = await SignAsync("高通发布新一代骁龙移动平台，NPU 算力大幅提升，支持端侧生成式模型", Now);
        await BumpGenerationAsync();   // as another process's pass would
        var rebuilt = await PrepareAsync(index, Now, Now.AddDays(-30));

        Assert.Equal(new StoryIndex.Refresh(true, 1), built);
        Assert.Equal(new StoryIndex.Refresh(false, 0), again);
        Assert.Equal(new StoryIndex.Refresh(true, 2), rebuilt);
        Assert.Equal([first.Id], Similar(index, first));
        Assert.Equal([second.Id], Similar(index, second));
    }

    [Fact]
    public async Task PrepareAsync_EntryOlderThanTheWindow_IsLeftOutUntilAnOlderEntryIsPending()
    {
        var old = await SignAsync("端侧大模型量化实践：在手机上运行四比特量化的大语言模型", Now.AddDays(-45));
        var recent = await SignAsync("高通发布新一代骁龙移动平台，NPU 算力大幅提升，支持端侧生成式模型", Now.AddDays(-10));
        var index = new StoryIndex(_hasher, Options);

        await PrepareAsync(index, Now, Now.AddDays(-30), advance: true);
        var before = Similar(index, old);
        var lowered = await PrepareAsync(index, Now, Now.AddDays(-60));

        Assert.Empty(before);
        Assert.Equal([recent.Id], Similar(index, recent));
        Assert.Equal(new StoryIndex.Refresh(false, 1), lowered);
        Assert.Equal([old.Id], Similar(index, old));
    }

    [Fact]
    public async Task PrepareAsync_HalfTheLookbackLater_RebuildsWithoutAgedOutEntries()
    {
        var aging = await SignAsync("端侧大模型量化实践：在手机上运行四比特量化的大语言模型", Now.AddDays(-25));
        var index = new StoryIndex(_hasher, Options);
        await PrepareAsync(index, Now, Now.AddDays(-30), advance: true);
        var before = Similar(index, aging);

        var later = Now.AddDays(Options.LookbackDays / 2.0);
        var refresh = await PrepareAsync(index, later, later.AddDays(-30));

        Assert.Equal([aging.Id], before);
        Assert.Equal(new StoryIndex.Refresh(true, 0), refresh);
        Assert.Empty(Similar(index, aging));
    }

    [Fact]
    public void ApproximateBytes_TenThousandEntriesOfSingletonBuckets_StaysUnderTwoKilobytesPerEntry()
    {
        var index = new BandIndex(Options);
        var random = new Random(329);
        for (var id = 1; id <= 10_000; id++)
            index.Add(id, id, 0, Enumerable.Range(0, Options.Bands).Select(_ => random.NextInt64()).ToArray());

        // 24 bytes per dictionary slot and band, the dictionary between half full and full after it grows.
        Assert.InRange(index.ApproximateBytes / index.Entries, Options.Bands * 24, Options.Bands * 24 * 2 + 64);
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
        await using var connection = await _services.Get<ReportDatabase>().OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name LIKE 'entry_bands%'";

        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    // The members a lookup reads for `bandKeys`: each band's bucket (at most the newest MaxBucketCandidates), repeats included.
    private static void Candidates(BandIndex index, ReadOnlySpan<long> bandKeys, List<int> into)
    {
        Span<int> one = stackalloc int[1];
        for (var band = 0; band < bandKeys.Length; band++) into.AddRange(index.Bucket(band, bandKeys[band], one, out _));
    }

    // Prepares the index in a write transaction of its own; with `advance`, records its generation as a pass would.
    private async Task<StoryIndex.Refresh> PrepareAsync(StoryIndex index, DateTimeOffset now, DateTimeOffset oldest, bool advance = false)
    {
        var database = _services.Get<ReportDatabase>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var transaction = await database.BeginWriteAsync(connection, CancellationToken.None);
        await using var pipeline = new CommandPipeline(database.Dialect, connection, transaction);
        var refresh = await index.PrepareAsync(pipeline, connection, transaction, now, oldest, CancellationToken.None);
        if (advance) await index.AdvanceAsync(pipeline, CancellationToken.None);
        await pipeline.FlushAsync(CancellationToken.None);
        await transaction.CommitAsync();
        return refresh;
    }

    private async Task BumpGenerationAsync()
    {
        await using var connection = DatabaseProbe.Open(_services.DatabasePath, readOnly: false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE dedup_state SET generation = generation + 1";
        await command.ExecuteNonQueryAsync();
    }

    // The held entries an entry of this text and time is similar to (itself included: it is held too).
    private List<long> Similar(StoryIndex index, (long Id, long[] Keys, uint[] Signature, DateTimeOffset Time) entry)
    {
        var related = new Dictionary<long, long?>();
        index.Similar(-1, entry.Time, entry.Signature, entry.Keys, related);
        return related.Keys.Order().ToList();
    }

    // An entry and its signature row written through a connection of its own, as another process would.
    private async Task<(long Id, long[] Keys, uint[] Signature, DateTimeOffset Time)> SignAsync(string text, DateTimeOffset windowTime)
    {
        var fingerprint = _hasher.Fingerprint(text, "");
        Assert.True(fingerprint.Comparable);
        await _services.Get<ReportDatabase>().MigrateAsync(CancellationToken.None);
        await using var connection = DatabaseProbe.Open(_services.DatabasePath, readOnly: false);
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
        return (id, _hasher.BandKeys(fingerprint.Signature), fingerprint.Signature, windowTime);
    }

    private async Task StoreAsync(CandidateEntry entry)
    {
        var record = new FetchRecord("test", "feed", Now, TimeSpan.Zero, 200, 0, 1, null, new Dictionary<string, HttpValidators>());
        await _services.Get<SourceStore>().CommitFetchAsync(record, [CorpusEntries.Write(entry)], CancellationToken.None);
    }
}
