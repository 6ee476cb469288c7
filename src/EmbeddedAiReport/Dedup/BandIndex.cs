using System.Runtime.InteropServices;

namespace EmbeddedAiReport.Dedup;

/// <summary>The LSH band buckets of recent entries, in memory: band key → the newest members (entry numbers) sharing it.</summary>
/// <remarks>
/// Members are small numbers the owner gives entries (<see cref="StoryIndex"/> numbers the entries it holds), each with an
/// order (its entry id: the highest is the newest). A lookup returns at most <see cref="DedupOptions.MaxBucketCandidates"/>
/// members per bucket, the newest, so a crowded bucket cannot make cost quadratic; a bucket keeps up to twice that many and
/// is cut back in one walk, so adding to a crowded bucket costs O(1) on average. Most buckets hold a single entry, so a bucket
/// is one dictionary value (the member itself) until a second entry arrives; only then does it become a list of pooled
/// nodes, newest first: 24 bytes per band in a singleton bucket (key, value, hash, chain, bucket slot), 1 to 2 KB per
/// entry with the default 40 bands depending on how full the dictionary is since it last grew.
/// <threadsafety>Not thread-safe: its owner serializes access.</threadsafety>
/// </remarks>
internal sealed class BandIndex(DedupOptions options)
{
    private const int NoNode = -1;

    // value >= 0: the bucket's only member; value < 0: ~(index of its newest node).
    private Dictionary<long, int> _buckets = [];
    private long[] _order = [];
    private int[] _members = [];
    private int[] _next = [];
    private int[] _length = [];   // of the list that starts at a node (kept for bucket heads)
    private int _used;
    private int _free = NoNode;

    /// <summary>Entries added since the last <see cref="Clear"/> (re-signed entries count again).</summary>
    public int Entries { get; private set; }

    /// <summary>Approximate bytes held: dictionary slots (key, value, hash, chain and bucket: 24 bytes), list nodes (12 bytes) and orders.</summary>
    public long ApproximateBytes => 24L * _buckets.EnsureCapacity(0) + 12L * _members.Length + 8L * _order.Length;

    /// <summary>Empties the index.</summary>
    public void Clear()
    {
        _buckets = [];
        (_order, _members, _next, _length) = ([], [], [], []);
        _used = 0;
        _free = NoNode;
        Entries = 0;
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
            var left = options.MaxBucketCandidates;
            for (var node = ~value; node != NoNode && left-- > 0; node = _next[node]) into.Add(_members[node]);
        }
    }

    // Puts a member into a bucket, keeping the bucket's members newest first.
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
            var newer = _order[other] > order ? other : member;
            if (options.MaxBucketCandidates == 1)
            {
                slot = newer;
                return;
            }
            var head = NewNode(newer, NewNode(newer == member ? other : member, NoNode));
            _length[head] = 2;
            slot = ~head;
            return;
        }

        var first = ~slot;
        var length = _length[first] + 1;
        if (order > _order[_members[first]])
        {
            first = NewNode(member, first);
            slot = ~first;
        }
        else
        {
            var previous = first;
            if (_members[previous] == member) return;
            while (_next[previous] != NoNode && _order[_members[_next[previous]]] > order) previous = _next[previous];
            var next = _next[previous];
            if (next != NoNode && _members[next] == member) return;
            _next[previous] = NewNode(member, next);
        }
        _length[first] = length;
        if (length > 2 * options.MaxBucketCandidates) Trim(first);
    }

    // Cuts a bucket's list back to its newest MaxBucketCandidates nodes.
    private void Trim(int first)
    {
        var last = first;
        for (var kept = 1; kept < options.MaxBucketCandidates; kept++) last = _next[last];
        for (var node = _next[last]; node != NoNode;)
        {
            var next = _next[node];
            _next[node] = _free;
            _free = node;
            node = next;
        }
        _next[last] = NoNode;
        _length[first] = options.MaxBucketCandidates;
    }

    private int NewNode(int member, int next)
    {
        int node;
        if (_free != NoNode)
        {
            node = _free;
            _free = _next[node];
        }
        else
        {
            if (_used == _members.Length)
            {
                var size = Math.Max(1024, _members.Length * 2);
                Array.Resize(ref _members, size);
                Array.Resize(ref _next, size);
                Array.Resize(ref _length, size);
            }
            node = _used++;
        }
        _members[node] = member;
        _next[node] = next;
        return node;
    }
}
