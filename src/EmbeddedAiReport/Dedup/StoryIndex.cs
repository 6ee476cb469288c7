using EmbeddedAiReport.Storage;
using System.Data.Common;

namespace EmbeddedAiReport.Dedup;

/// <summary>
/// What a story pass compares an entry with, in memory: the signed entries of a recent window (LSH buckets, signatures,
/// window times, stories) and the primaries of stories passes have touched.
/// </summary>
/// <remarks>
/// A cache of <c>entry_signatures</c>, <c>entries</c> and <c>stories</c>, never the truth. Every story pass writes a new
/// random <c>dedup_state.generation</c> in its transaction and the cache remembers it; a pass that reads another value
/// (another process or assigner assigned stories, or a transaction of this one rolled back) rebuilds the cache first, so
/// it never serves what the database no longer says. It holds the comparable entries whose window time is at or after a
/// floor (the lookback before now, lowered when older entries are placed) and is rebuilt every half lookback, which drops
/// aged-out ones. A lookup costs the band buckets and one signature comparison per candidate, no SQL.
/// About 0.5 KB per entry (signature, time, story) beside the band buckets.
/// <threadsafety>Not thread-safe: <see cref="StoryAssigner"/> uses it inside write transactions, one at a time.</threadsafety>
/// </remarks>
internal sealed partial class StoryIndex(MinHasher hasher, DedupOptions options)
{
    private readonly BandIndex _bands = new(options);
    private readonly Dictionary<long, int> _slots = [];
    private readonly Dictionary<long, StoryState> _states = [];
    // What a lookup reads of a candidate, together (one cache line), by slot; signatures apart, read only for the few compared.
    private Held[] _held = [];
    // Signatures in pages of PageSlots entries, allocated as slots are taken: growing never copies them, and they are most
    // of the index's memory (a doubling array allocated twice what it held, on the large-object heap).
    private const int PageSlots = 1024;
    private uint[][] _signaturePages = [];
    private int _lookup;
    private int _count;
    private long? _generation;
    private DateTimeOffset _floor;
    private DateTimeOffset _builtAt;

    /// <summary>What a story is known to have: the members that decide its primary (<see cref="StoryPrimary.Keep"/>), the primary, and whether an editor pinned it.</summary>
    public sealed record StoryState(IReadOnlyList<StoryPrimary.Member> Kept, StoryPrimary.Member? Primary, bool Pinned);

    /// <summary>What <see cref="PrepareAsync"/> did.</summary>
    /// <param name="Rebuilt">True when the cache was (re)built from scratch.</param>
    /// <param name="Loaded">Entries read from the database.</param>
    public readonly record struct Refresh(bool Rebuilt, int Loaded);

    /// <summary>Entries held.</summary>
    public int Count => _count;

    /// <summary>Approximate bytes held: band buckets, per-entry arrays and the id map.</summary>
    public long ApproximateBytes =>
        _bands.ApproximateBytes + 32L * _held.Length + _signaturePages.Count(page => page is not null) * (4L * PageSlots * options.SignatureLength) + 24L * _slots.Count;

    /// <summary>
    /// Makes the cache match the database as <paramref name="transaction"/> sees it: rebuilt when another pass ran since, or
    /// every half lookback; extended down to <paramref name="oldest"/> when older entries must be compared.
    /// </summary>
    /// <param name="pipeline">The transaction's statements, flushed: the index reads the database directly.</param>
    public async Task<Refresh> PrepareAsync(CommandPipeline pipeline, DbConnection connection, DbTransaction transaction, DateTimeOffset now, DateTimeOffset oldest,
        CancellationToken cancellationToken)
    {
        await using var command = pipeline.Command("SELECT generation FROM dedup_state WHERE id = 1");
        var generation = Convert.ToInt64(await pipeline.ScalarAsync(command, cancellationToken) ?? 0L);
        var rebuildEvery = TimeSpan.FromDays(Math.Max(options.LookbackDays, 2) / 2.0);
        if (_generation != generation || (now - _builtAt).Duration() >= rebuildEvery)
        {
            Clear();
            (_generation, _floor, _builtAt) = (generation, oldest, now);
            return new Refresh(true, await LoadAsync(connection, transaction, oldest, null, cancellationToken));
        }
        if (oldest >= _floor) return new Refresh(false, 0);
        var loaded = await LoadAsync(connection, transaction, oldest, _floor, cancellationToken);
        _floor = oldest;
        return new Refresh(false, loaded);
    }

    /// <summary>Records a new generation in <paramref name="transaction"/>: the cache now reflects what that transaction wrote.</summary>
    public async Task AdvanceAsync(CommandPipeline pipeline, CancellationToken cancellationToken)
    {
        // Random rather than counted: a rolled-back pass and another process's pass can never end on the same value.
        var generation = Random.Shared.NextInt64(1, long.MaxValue);
        await using var command = pipeline.Command("UPDATE dedup_state SET generation = @generation WHERE id = 1");
        command.AddParameter("@generation", generation);
        await pipeline.ExecuteAsync(command, cancellationToken);
        _generation = generation;
    }

    /// <summary>Forgets everything: the next pass rebuilds.</summary>
    public void Invalidate() => _generation = null;

    /// <summary>Adds or replaces a comparable entry.</summary>
    public void Put(long id, DateTimeOffset time, long? story, ReadOnlySpan<uint> signature, ReadOnlySpan<long> bandKeys)
    {
        // Signed again: it stays a member of its old keys' buckets, which can no longer vouch for one story.
        if (_slots.TryGetValue(id, out var held)) _bands.Mix(KeysOf(held));
        _bands.Add(Hold(id, time.UtcTicks, story, signature), id, story ?? 0, bandKeys);
    }

    // The band keys of a held entry's signature.
    private long[] KeysOf(int slot) => hasher.BandKeys(SignatureOf(slot));

    private Span<uint> SignatureOf(int slot) =>
        _signaturePages[slot / PageSlots].AsSpan(slot % PageSlots * options.SignatureLength, options.SignatureLength);

    // The entry's slot (a new one for an id not held yet) with its time, story and signature; its band keys are the caller's to add.
    private int Hold(long id, long ticks, long? story, ReadOnlySpan<uint> signature)
    {
        if (!_slots.TryGetValue(id, out var slot))
        {
            slot = _count++;
            if (slot == _held.Length) Grow();
            if (slot % PageSlots == 0) AddPage(slot / PageSlots);
            _slots[id] = slot;
            _held[slot].Id = id;
        }
        _held[slot].Ticks = ticks;
        _held[slot].Story = story ?? 0;
        signature.CopyTo(SignatureOf(slot));
        return slot;
    }

    /// <summary>Stops comparing with an entry until it is put again (its text changed and it waits to be re-signed).</summary>
    public void Forget(long id)
    {
        if (_slots.TryGetValue(id, out var slot)) _held[slot].Ticks = long.MinValue;
    }

    /// <summary>Records an entry's new window time.</summary>
    public void Retime(long id, DateTimeOffset time)
    {
        if (_slots.TryGetValue(id, out var slot) && _held[slot].Ticks != long.MinValue) _held[slot].Ticks = time.UtcTicks;
    }

    /// <summary>Adds to <paramref name="related"/> the held entries within the lookback of <paramref name="time"/> whose estimated similarity reaches the threshold, with their stories.</summary>
    /// <remarks>
    /// A candidate whose story already joins (through <paramref name="related"/> or an earlier candidate) is not compared:
    /// it could only add that story again. In a crowd of near-identical posts this skips most of the comparisons.
    /// </remarks>
    public void Similar(long selfId, DateTimeOffset time, ReadOnlySpan<uint> signature, ReadOnlySpan<long> bandKeys, Dictionary<long, long?> related)
    {
        if (++_lookup == int.MaxValue)
        {
            foreach (ref var held in _held.AsSpan()) held.Seen = 0;
            _lookup = 1;
        }
        var joining = new JoiningStories();
        foreach (var story in related.Values)
            if (story is { } s) joining.Add(s);
        var lookback = TimeSpan.FromDays(options.LookbackDays).Ticks;
        var at = time.UtcTicks;
        Span<int> one = stackalloc int[1];
        for (var band = 0; band < bandKeys.Length; band++)
        {
            // The bucket read in place, band by band: the same candidates in the same order as one list of them all.
            // A bucket whose members all belong to a story this entry already joins has nothing to add (in a crowd of
            // near-identical posts most buckets are such): passed over whole, as its members one by one would be.
            var bucket = _bands.Bucket(band, bandKeys[band], one, out var shared);
            if (shared != 0 && joining.Contains(shared)) continue;
            foreach (var slot in bucket)
            {
                ref var held = ref _held[slot];
                if (held.Seen == _lookup) continue;
                held.Seen = _lookup;
                var story = held.Story;
                if ((story != 0 && joining.Contains(story)) || held.Id == selfId) continue;
                if (held.Ticks == long.MinValue || Math.Abs(held.Ticks - at) > lookback) continue;
                if (MinHasher.Similarity(SignatureOf(slot), signature) < options.Threshold) continue;
                related[held.Id] = story != 0 ? story : null;
                if (story != 0) joining.Add(story);
            }
        }
    }

    /// <summary>The story of a held entry.</summary>
    public bool TryStory(long id, out long? story)
    {
        story = _slots.TryGetValue(id, out var slot) && _held[slot].Story != 0 ? _held[slot].Story : null;
        return story is not null;
    }

    /// <summary>Records that a held entry now belongs to <paramref name="story"/>.</summary>
    public void SetStory(long id, long story)
    {
        if (!_slots.TryGetValue(id, out var slot) || _held[slot].Story == story) return;
        _held[slot].Story = story;
        _bands.Retag(slot, story, KeysOf(slot));
    }

    /// <summary>Records that story <paramref name="from"/> was folded into <paramref name="to"/> (a scan: merges are rare).</summary>
    public void MoveStory(long from, long to)
    {
        foreach (ref var held in _held.AsSpan(0, _count))
            if (held.Story == from) held.Story = to;
        _bands.MoveTag(from, to);
        _states.Remove(from);
    }

    /// <summary>What is known of a story's primary, or null.</summary>
    public StoryState? State(long story) => _states.GetValueOrDefault(story);

    /// <summary>Records (or with null, forgets) what is known of a story's primary.</summary>
    public void SetState(long story, StoryState? state)
    {
        if (state is null) _states.Remove(story);
        else _states[story] = state;
    }

    /// <summary>For tests: crowded buckets whose members are all of one story.</summary>
    internal int SharedBuckets => _bands.Crowds().Count(c => c.Shared != 0);

    /// <summary>For tests: where the band buckets' tags disagree with the stories held (a bucket passed over wrongly).</summary>
    internal IEnumerable<string> TagProblems()
    {
        for (var slot = 0; slot < _count; slot++)
            if (_bands.TagOf(slot) != _held[slot].Story) yield return $"entry {_held[slot].Id}: tag {_bands.TagOf(slot)}, story {_held[slot].Story}";
        foreach (var (shared, members) in _bands.Crowds())
            foreach (var slot in members)
                if (shared != 0 && _held[slot].Story != shared) yield return $"bucket of story {shared} holds entry {_held[slot].Id} of story {_held[slot].Story}";
    }

    private struct Held
    {
        public long Id;
        public long Ticks;   // window time; long.MinValue while the entry waits to be signed again
        public long Story;   // 0: no story yet
        public int Seen;     // the lookup that last visited it, so an entry found in several buckets is compared once
    }

    // The stories a lookup already found: almost always one or two, so a short array beats a hash set in the hot loop.
    private struct JoiningStories
    {
        private long _a, _b, _c, _d;
        private int _count;
        private HashSet<long>? _more;

        public readonly bool Contains(long story) =>
            _count > 0 && (_a == story || (_count > 1 && (_b == story || (_count > 2 && (_c == story || (_count > 3 && (_d == story || (_more?.Contains(story) ?? false))))))));

        public void Add(long story)
        {
            if (Contains(story)) return;
            switch (_count++)
            {
                case 0: _a = story; break;
                case 1: _b = story; break;
                case 2: _c = story; break;
                case 3: _d = story; break;
                default: (_more ??= []).Add(story); break;
            }
        }
    }

    private void Clear()
    {
        _bands.Clear();
        _slots.Clear();
        _states.Clear();
        _count = 0;
        (_held, _signaturePages) = ([], []);
    }

    private void Reserve(int entries)
    {
        if (entries <= _held.Length) return;
        Array.Resize(ref _held, entries);
        _slots.EnsureCapacity(entries);
        _bands.Reserve(entries);
    }

    private void Grow()
    {
        var size = Math.Max(1024, _held.Length * 2);
        Array.Resize(ref _held, size);
    }

    private void AddPage(int page)
    {
        if (page == _signaturePages.Length) Array.Resize(ref _signaturePages, Math.Max(8, page * 2));
        _signaturePages[page] ??= new uint[PageSlots * options.SignatureLength];
    }
}
