using System.Runtime.InteropServices;

namespace EmbeddedAiReport.Dedup;

/// <summary>The LSH band buckets of recent entries, in memory: band key → the newest entry ids sharing it.</summary>
/// <remarks>
/// Each bucket keeps at most <see cref="DedupOptions.MaxBucketCandidates"/> ids, the highest (newest) ones, which is what
/// a lookup returns: a crowded bucket cannot make cost quadratic. Most buckets hold a single entry, so a bucket is one
/// dictionary value (the id itself) until a second entry arrives; only then does it become a list of pooled nodes,
/// newest first: 28 bytes per band in a singleton bucket (key, value, hash, chain, bucket slot), 1.1 to 2.2 KB per entry with
/// the default 40 bands depending on how full the dictionary is since it last grew. <see cref="StoryIndex"/> fills it and
/// decides what it holds.
/// <threadsafety>Not thread-safe: its owner serializes access.</threadsafety>
/// </remarks>
internal sealed class BandIndex(DedupOptions options)
{
    private const int NoNode = -1;

    // value >= 0: the bucket's only entry id; value < 0: ~(index of its newest node).
    private Dictionary<long, long> _buckets = [];
    private long[] _ids = [];
    private int[] _next = [];
    private int _used;
    private int _free = NoNode;

    /// <summary>Entries added since the last <see cref="Clear"/> (re-signed entries count again).</summary>
    public int Entries { get; private set; }

    /// <summary>Approximate bytes held: dictionary slots (key, value, hash, chain and bucket: 28 bytes) and list nodes (12 bytes).</summary>
    public long ApproximateBytes => 28L * _buckets.EnsureCapacity(0) + 12L * _ids.Length;

    /// <summary>Empties the index.</summary>
    public void Clear()
    {
        _buckets = [];
        _ids = [];
        _next = [];
        _used = 0;
        _free = NoNode;
        Entries = 0;
    }

    /// <summary>Adds an entry to the buckets of its band keys.</summary>
    public void Add(long entryId, ReadOnlySpan<long> bandKeys)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(entryId);
        foreach (var key in bandKeys) Insert(key, entryId);
        Entries++;
    }

    /// <summary>Adds to <paramref name="into"/> the ids in the buckets of <paramref name="bandKeys"/>: at most the newest <see cref="DedupOptions.MaxBucketCandidates"/> of each.</summary>
    public void Candidates(ReadOnlySpan<long> bandKeys, HashSet<long> into)
    {
        foreach (var key in bandKeys)
        {
            if (!_buckets.TryGetValue(key, out var value)) continue;
            if (value >= 0)
            {
                into.Add(value);
                continue;
            }
            for (var node = (int)~value; node != NoNode; node = _next[node]) into.Add(_ids[node]);
        }
    }

    // Puts an id into a bucket, keeping the bucket's ids in descending order and at most MaxBucketCandidates of them.
    private void Insert(long key, long id)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets, key, out var exists);
        if (!exists)
        {
            slot = id;
            return;
        }
        if (slot >= 0)
        {
            var other = slot;
            if (other == id) return;
            if (options.MaxBucketCandidates == 1)
            {
                slot = Math.Max(other, id);
                return;
            }
            var tail = NewNode(Math.Min(other, id), NoNode);
            slot = ~(long)NewNode(Math.Max(other, id), tail);
            return;
        }

        var head = (int)~slot;
        if (id > _ids[head])
        {
            head = NewNode(id, head);
            slot = ~(long)head;
        }
        else
        {
            var previous = head;
            if (_ids[previous] == id) return;
            while (_next[previous] != NoNode && _ids[_next[previous]] > id) previous = _next[previous];
            var next = _next[previous];
            if (next != NoNode && _ids[next] == id) return;
            _next[previous] = NewNode(id, next);
        }

        // Keep the newest MaxBucketCandidates: an insert adds one node, so at most one falls off the end.
        var count = 1;
        for (var node = head; _next[node] != NoNode; node = _next[node])
        {
            if (++count <= options.MaxBucketCandidates) continue;
            FreeNode(_next[node]);
            _next[node] = NoNode;
            break;
        }
    }

    private int NewNode(long id, int next)
    {
        int node;
        if (_free != NoNode)
        {
            node = _free;
            _free = _next[node];
        }
        else
        {
            if (_used == _ids.Length)
            {
                var size = Math.Max(1024, _ids.Length * 2);
                Array.Resize(ref _ids, size);
                Array.Resize(ref _next, size);
            }
            node = _used++;
        }
        _ids[node] = id;
        _next[node] = next;
        return node;
    }

    private void FreeNode(int node)
    {
        _next[node] = _free;
        _free = node;
    }
}
