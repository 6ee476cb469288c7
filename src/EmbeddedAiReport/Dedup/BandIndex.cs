using System.Runtime.InteropServices;

namespace EmbeddedAiReport.Dedup;

/// <summary>The LSH band buckets of recent entries, in memory: band key → the newest members (entry numbers) sharing it.</summary>
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
    // value >= 0: the bucket's only member; value < 0: ~(index of its array in _lists).
    private Dictionary<long, int> _buckets = [];
    // A crowded bucket: [0] holds the count, then the members, oldest first.
    private List<int[]> _lists = [];
    private long[] _order = [];

    /// <summary>Entries added since the last <see cref="Clear"/> (re-signed entries count again).</summary>
    public int Entries { get; private set; }

    /// <summary>Approximate bytes held: dictionary slots (key, value, hash, chain and bucket: 24 bytes), bucket arrays and orders.</summary>
    public long ApproximateBytes => 24L * _buckets.EnsureCapacity(0) + _lists.Sum(l => 4L * l.Length + 32) + 8L * _order.Length;

    /// <summary>Empties the index.</summary>
    public void Clear()
    {
        _buckets = [];
        _lists = [];
        _order = [];
        Entries = 0;
    }

    /// <summary>Makes room for <paramref name="members"/> members without growing step by step.</summary>
    public void Reserve(int members)
    {
        _buckets.EnsureCapacity(members * options.Bands);
        if (members > _order.Length) Array.Resize(ref _order, members);
    }

    /// <summary>Adds a member to the buckets of its band keys.</summary>
    /// <param name="order">The member's order (the higher, the newer); a member keeps the order it was first added with.</param>
    public void Add(int member, long order, ReadOnlySpan<long> bandKeys)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(member);
        if (member >= _order.Length) Array.Resize(ref _order, Math.Max(Math.Max(1024, _order.Length * 2), member + 1));
        _order[member] = order;
        foreach (var key in bandKeys) Insert(key, member);
        Entries++;
    }

    /// <summary>Appends to <paramref name="into"/> the members in the buckets of <paramref name="bandKeys"/>: at most the newest <see cref="DedupOptions.MaxBucketCandidates"/> of each, repeats included.</summary>
    public void Candidates(ReadOnlySpan<long> bandKeys, List<int> into)
    {
        foreach (var key in bandKeys)
        {
            if (!_buckets.TryGetValue(key, out var value)) continue;
            if (value >= 0)
            {
                into.Add(value);
                continue;
            }
            var list = _lists[~value];
            var count = list[0];
            into.AddRange(list.AsSpan(1 + Math.Max(0, count - options.MaxBucketCandidates), Math.Min(count, options.MaxBucketCandidates)));
        }
    }

    // Puts a member into a bucket, keeping the bucket's members ordered (oldest first).
    private void Insert(long key, int member)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets, key, out var exists);
        if (!exists)
        {
            slot = member;
            return;
        }
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
            _lists.Add(pair);
            slot = ~(_lists.Count - 1);
            return;
        }

        var list = _lists[~slot];
        var count = list[0];
        // Usually the newest: it goes last; otherwise to its place (an older entry loaded after newer ones).
        var at = count + 1;
        while (at > 1 && _order[list[at - 1]] > order) at--;
        if (at > 1 && list[at - 1] == member) return;
        if (count + 2 > list.Length)
        {
            Array.Resize(ref list, Math.Min(2 * list.Length, 2 * options.MaxBucketCandidates + 2));
            _lists[~slot] = list;
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
