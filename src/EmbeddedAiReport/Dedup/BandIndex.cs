using System.Runtime.InteropServices;

namespace EmbeddedAiReport.Dedup;

/// <summary>The LSH band buckets of recent entries, in memory: per band, band key → the newest members (entry numbers) sharing it.</summary>
/// <remarks>
/// Members are small numbers the owner gives entries (<see cref="StoryIndex"/> numbers the entries it holds), each with an
/// order (its entry id: the highest is the newest). A lookup returns at most <see cref="DedupOptions.MaxBucketCandidates"/>
/// members per bucket, the newest, so a crowded bucket cannot make cost quadratic; a bucket keeps up to twice that many and
/// is cut back at once, so adding to a crowded bucket costs O(1) on average. Most buckets hold a single entry, so a bucket
/// is one dictionary value (the member itself) until a second entry arrives; only then does it become an array, oldest
/// first (contiguous, so a lookup in a crowd of near-identical posts reads memory in order): 24 bytes per band in a
/// singleton bucket (key, value, hash, chain, bucket slot), 1 to 2 KB per entry with the default 40 bands depending on how
/// full the dictionary is since it last grew.
/// <threadsafety>Not thread-safe: its owner serializes access.</threadsafety>
/// </remarks>
internal sealed class BandIndex(DedupOptions options)
{
    // Per band: key → value >= 0: the bucket's only member; value < 0: ~(index of its array in that band's list).
    private Dictionary<long, int>[] _buckets = [];
    // Per band, its crowded buckets: [0] holds the count, then the members, oldest first.
    private List<int[]>[] _lists = [];
    // Per band and crowded bucket (same index as in _lists): the tag all its members have, or 0 when they may differ.
    private List<long>[] _shared = [];
    private long[] _order = [];
    private long[] _tags = [];

    /// <summary>Entries added since the last <see cref="Clear"/> (re-signed entries count again).</summary>
    public int Entries { get; private set; }

    /// <summary>Approximate bytes held: dictionary slots (key, value, hash, chain and bucket: 24 bytes), bucket arrays and orders.</summary>
    public long ApproximateBytes => _buckets.Sum(b => 24L * b.EnsureCapacity(0)) + _lists.Sum(band => band.Sum(l => 4L * l.Length + 32)) + 8L * _order.Length + 8L * _tags.Length
        + _shared.Sum(band => 8L * band.Count);

    /// <summary>Empties the index.</summary>
    public void Clear()
    {
        _buckets = [];
        _lists = [];
        _shared = [];
        _order = [];
        _tags = [];
        Entries = 0;
    }

    /// <summary>Makes room for <paramref name="members"/> members without growing step by step.</summary>
    public void Reserve(int members)
    {
        EnsureBands(options.Bands);
        foreach (var band in _buckets) band.EnsureCapacity(members);
        if (members > _order.Length) Array.Resize(ref _order, members);
        if (members > _tags.Length) Array.Resize(ref _tags, members);
    }

    /// <summary>Adds a member to the buckets of its band keys (key <c>b</c> into band <c>b</c>).</summary>
    /// <param name="order">The member's order (the higher, the newer); a member keeps the order it was first added with.</param>
    /// <param name="tag">What the owner groups members by (a story), 0 for none: see <see cref="Bucket"/>.</param>
    public void Add(int member, long order, long tag, ReadOnlySpan<long> bandKeys)
    {
        SetOrder(member, order, tag);
        EnsureBands(bandKeys.Length);
        for (var band = 0; band < bandKeys.Length; band++) Insert(band, bandKeys[band], member);
        Entries++;
    }

    /// <summary>
    /// Adds many members, as <see cref="Add"/> one by one would, but band by band: one band's buckets stay in the CPU
    /// cache while every member's key goes in, where member by member each key lands in a table of all bands far bigger
    /// than the cache. Loading a big window is several times faster.
    /// </summary>
    /// <param name="bandKeys">Member after member, <paramref name="bands"/> keys each.</param>
    public void AddMany(ReadOnlySpan<int> members, ReadOnlySpan<long> orders, ReadOnlySpan<long> tags, ReadOnlySpan<long> bandKeys, int bands)
    {
        if (bandKeys.Length != members.Length * bands || orders.Length != members.Length || tags.Length != members.Length)
            throw new ArgumentException("one order, one tag and one key per band for each member");
        for (var i = 0; i < members.Length; i++) SetOrder(members[i], orders[i], tags[i]);
        EnsureBands(bands);
        for (var band = 0; band < bands; band++)
            for (var i = 0; i < members.Length; i++) Insert(band, bandKeys[i * bands + band], members[i]);
        Entries += members.Length;
    }

    /// <summary>
    /// The members a lookup reads in the bucket of <paramref name="key"/> in <paramref name="band"/>: at most the newest
    /// <see cref="DedupOptions.MaxBucketCandidates"/>, oldest first; a bucket of one is returned in <paramref name="one"/>.
    /// </summary>
    /// <remarks>Read in place, valid until the next change: a lookup in a crowd reads thousands of members and copies none.</remarks>
    /// <param name="tag">
    /// The tag every member of the bucket has, or 0 when they may differ: a lookup that already has what that tag stands for
    /// (a story it joins) can pass the whole bucket over. Kept true by <see cref="Retag"/>, <see cref="Mix"/> and
    /// <see cref="MoveTag"/>; a bucket once mixed stays so.
    /// </param>
    public ReadOnlySpan<int> Bucket(int band, long key, Span<int> one, out long tag)
    {
        tag = 0;
        if (band >= _buckets.Length || !_buckets[band].TryGetValue(key, out var value)) return [];
        if (value >= 0)
        {
            one[0] = value;
            tag = _tags[value];
            return one[..1];
        }
        tag = _shared[band][~value];
        var list = _lists[band][~value];
        var count = list[0];
        return list.AsSpan(1 + Math.Max(0, count - options.MaxBucketCandidates), Math.Min(count, options.MaxBucketCandidates));
    }

    /// <summary>Gives a member another tag: its buckets (of <paramref name="bandKeys"/>) that shared another become mixed.</summary>
    public void Retag(int member, long tag, ReadOnlySpan<long> bandKeys)
    {
        if (member >= _tags.Length) return;
        _tags[member] = tag;
        Unshare(bandKeys, tag);
    }

    /// <summary>Marks the crowded buckets of <paramref name="bandKeys"/> mixed (a member keeps old keys' buckets when it is signed again).</summary>
    public void Mix(ReadOnlySpan<long> bandKeys) => Unshare(bandKeys, 0);

    // The crowded buckets of `bandKeys` that share a tag other than `keep` become mixed.
    private void Unshare(ReadOnlySpan<long> bandKeys, long keep)
    {
        for (var band = 0; band < bandKeys.Length && band < _buckets.Length; band++)
            if (_buckets[band].TryGetValue(bandKeys[band], out var value) && value < 0 && _shared[band][~value] != keep) _shared[band][~value] = 0;
    }

    /// <summary>Every member tagged <paramref name="from"/> is now tagged <paramref name="to"/> (two stories merged; a scan: merges are rare).</summary>
    public void MoveTag(long from, long to)
    {
        foreach (ref var tag in _tags.AsSpan())
            if (tag == from) tag = to;
        foreach (var band in _shared)
            for (var i = 0; i < band.Count; i++)
                if (band[i] == from) band[i] = to;
    }

    /// <summary>For tests: every crowded bucket's shared tag (0: mixed) with all its members.</summary>
    internal IEnumerable<(long Shared, int[] Members)> Crowds()
    {
        for (var band = 0; band < _lists.Length; band++)
            for (var i = 0; i < _lists[band].Count; i++)
                yield return (_shared[band][i], _lists[band][i].AsSpan(1, _lists[band][i][0]).ToArray());
    }

    /// <summary>For tests: a member's tag.</summary>
    internal long TagOf(int member) => _tags[member];

    private void SetOrder(int member, long order, long tag)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(member);
        if (member >= _order.Length) Array.Resize(ref _order, Math.Max(Math.Max(1024, _order.Length * 2), member + 1));
        if (member >= _tags.Length) Array.Resize(ref _tags, _order.Length);
        _order[member] = order;
        _tags[member] = tag;
    }

    private void EnsureBands(int bands)
    {
        if (bands <= _buckets.Length) return;
        var (buckets, lists) = (_buckets, _lists);
        var shared = _shared;
        Array.Resize(ref buckets, bands);
        Array.Resize(ref lists, bands);
        Array.Resize(ref shared, bands);
        for (var band = _buckets.Length; band < bands; band++) (buckets[band], lists[band], shared[band]) = ([], [], []);
        (_buckets, _lists, _shared) = (buckets, lists, shared);
    }

    // Puts a member into a bucket of a band, keeping the bucket's members ordered (oldest first).
    private void Insert(int band, long key, int member)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets[band], key, out var exists);
        if (!exists)
        {
            slot = member;
            return;
        }
        var lists = _lists[band];
        var order = _order[member];
        if (slot >= 0)
        {
            var other = slot;
            if (other == member) return;
            if (options.MaxBucketCandidates == 1)
            {
                slot = _order[other] > order ? other : member;
                return;
            }
            var pair = new int[4];
            (pair[0], pair[1], pair[2]) = _order[other] < order ? (2, other, member) : (2, member, other);
            lists.Add(pair);
            _shared[band].Add(_tags[other] == _tags[member] ? _tags[member] : 0);
            slot = ~(lists.Count - 1);
            return;
        }

        var list = lists[~slot];
        var count = list[0];
        var shared = _shared[band];
        if (shared[~slot] != _tags[member]) shared[~slot] = 0;
        // Usually the newest: it goes last; otherwise to its place (an older entry loaded after newer ones).
        var at = count + 1;
        while (at > 1 && _order[list[at - 1]] > order) at--;
        if (at > 1 && list[at - 1] == member) return;
        if (count + 2 > list.Length)
        {
            Array.Resize(ref list, Math.Min(2 * list.Length, 2 * options.MaxBucketCandidates + 2));
            lists[~slot] = list;
        }
        list.AsSpan(at, count + 1 - at).CopyTo(list.AsSpan(at + 1));
        list[at] = member;
        list[0] = ++count;
        if (count > 2 * options.MaxBucketCandidates)
        {
            // Cut back to the newest MaxBucketCandidates in one move.
            var keep = options.MaxBucketCandidates;
            list.AsSpan(1 + count - keep, keep).CopyTo(list.AsSpan(1));
            list[0] = keep;
        }
    }
}
