using System.Runtime.InteropServices;
using EmbeddedAiReport.Storage;
using System.Data.Common;

namespace EmbeddedAiReport.Dedup;

/// <summary>The LSH band buckets of recent entries, in memory: band key → the newest entry ids sharing it.</summary>
/// <remarks>
/// Each bucket keeps at most <see cref="DedupOptions.MaxBucketCandidates"/> ids, the highest (newest) ones, which is what
/// a lookup returns: a crowded bucket cannot make cost quadratic. Most buckets hold a single entry, so a bucket is one
/// dictionary value (the id itself) until a second entry arrives; only then does it become a list of pooled nodes,
/// newest first: 28 bytes per band in a singleton bucket (key, value, hash, chain, bucket slot), 1.1 to 2.2 KB per entry with
/// the default 40 bands depending on how full the dictionary is since it last grew.
/// <para>
/// The index is a cache of <c>entry_signatures</c> and never the truth: it holds the entries whose window time is at
/// or after a floor (the lookback before now, lowered when older entries are pending), loaded on first use and then
/// incrementally by entry id (rows another process signed); entries signed in this process are added directly.
/// Members may be stale (an entry re-signed with a new text keeps its old bands, an entry aged out of the window stays
/// until the next rebuild, every half lookback), so callers re-check each candidate against its current signature and time.
/// </para>
/// <threadsafety>Thread-safe; <see cref="RefreshAsync"/> calls are serialized, and are meant to run inside the write
/// transaction of a story pass so that no other writer adds signatures meanwhile.</threadsafety>
/// </remarks>
internal sealed class BandIndex(MinHasher hasher, DedupOptions options)
{
    private const int NoNode = -1;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _refresh = new(1, 1);
    // value >= 0: the bucket's only entry id; value < 0: ~(index of its newest node).
    private Dictionary<long, long> _buckets = [];
    private long[] _ids = [];
    private int[] _next = [];
    private int _used;
    private int _free = NoNode;
    private bool _loaded;
    private long _watermark;
    private DateTimeOffset _floor;
    private DateTimeOffset _builtAt;
    private int _entries;

    /// <summary>What a refresh did.</summary>
    /// <param name="Rebuilt">True when the index was (re)built from scratch.</param>
    /// <param name="Loaded">Entries read from the database.</param>
    public readonly record struct Refresh(bool Rebuilt, int Loaded);

    /// <summary>Entries added since the last build (re-signed entries count again).</summary>
    public int Entries
    {
        get { lock (_gate) return _entries; }
    }

    /// <summary>Highest entry id whose signature the index reflects.</summary>
    public long Watermark
    {
        get { lock (_gate) return _watermark; }
    }

    /// <summary>Approximate bytes held: dictionary slots (key, value, hash, chain and bucket: 28 bytes) and list nodes (12 bytes).</summary>
    public long ApproximateBytes
    {
        get { lock (_gate) return 28L * _buckets.EnsureCapacity(0) + 12L * _ids.Length; }
    }

    /// <summary>
    /// Brings the index up to date with <c>entry_signatures</c> as <paramref name="connection"/> sees it: builds it on first use
    /// and every half lookback, loads rows signed since the last call, and lowers the floor to <paramref name="oldest"/>.
    /// </summary>
    /// <param name="now">The current time (decides when to rebuild).</param>
    /// <param name="oldest">The oldest window time a caller will compare against: entries at or after it must be indexed.</param>
    public async Task<Refresh> RefreshAsync(DbConnection connection, DbTransaction? transaction, DateTimeOffset now, DateTimeOffset oldest,
        CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            var rebuildEvery = TimeSpan.FromDays(Math.Max(options.LookbackDays, 2) / 2.0);
            bool rebuild;
            lock (_gate) rebuild = !_loaded || (now - _builtAt).Duration() >= rebuildEvery;
            if (rebuild) return new Refresh(true, await BuildAsync(connection, transaction, now, oldest, cancellationToken));

            // Rows signed since the last call (by another process: this one adds its own directly), then older entries now needed.
            DateTimeOffset floor;
            long watermark;
            lock (_gate) (floor, watermark) = (_floor, _watermark);
            var loaded = await LoadAsync(connection, transaction, """
                SELECT s.entry_id, CASE WHEN s.text_hash IS NOT NULL AND e.window_time >= @floor THEN s.signature END
                FROM entry_signatures s JOIN entries e ON e.id = s.entry_id WHERE s.entry_id > @watermark ORDER BY s.entry_id
                """, cancellationToken, ("@floor", SqliteTime.Write(floor)), ("@watermark", watermark));
            if (oldest < floor)
            {
                loaded += await LoadAsync(connection, transaction, """
                    SELECT s.entry_id, s.signature FROM entry_signatures s JOIN entries e ON e.id = s.entry_id
                    WHERE s.text_hash IS NOT NULL AND e.window_time >= @from AND e.window_time < @floor AND s.entry_id <= @watermark ORDER BY s.entry_id
                    """, cancellationToken, ("@from", SqliteTime.Write(oldest)), ("@floor", SqliteTime.Write(floor)), ("@watermark", Watermark));
                lock (_gate) _floor = oldest;
            }
            return new Refresh(false, loaded);
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Adds an entry to the buckets of its band keys (an entry signed in this process).</summary>
    public void Add(long entryId, ReadOnlySpan<long> bandKeys)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(entryId);
        lock (_gate)
        {
            foreach (var key in bandKeys) Insert(key, entryId);
            _entries++;
        }
    }

    /// <summary>Records that every signature up to <paramref name="entryId"/> is in the index (after the pass that added them committed).</summary>
    public void Advance(long entryId)
    {
        lock (_gate) _watermark = Math.Max(_watermark, entryId);
    }

    /// <summary>Adds to <paramref name="into"/> the ids in the buckets of <paramref name="bandKeys"/>: at most the newest <see cref="DedupOptions.MaxBucketCandidates"/> of each.</summary>
    public void Candidates(ReadOnlySpan<long> bandKeys, HashSet<long> into)
    {
        lock (_gate)
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
    }

    private async Task<int> BuildAsync(DbConnection connection, DbTransaction? transaction, DateTimeOffset now, DateTimeOffset oldest,
        CancellationToken cancellationToken)
    {
        long watermark;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT coalesce(max(entry_id), 0) FROM entry_signatures";
            watermark = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
        }
        lock (_gate)
        {
            _buckets = [];
            _ids = [];
            _next = [];
            _used = 0;
            _free = NoNode;
            _entries = 0;
            _watermark = watermark;
            _floor = oldest;
            _builtAt = now;
            _loaded = true;
        }
        return await LoadAsync(connection, transaction, """
            SELECT s.entry_id, s.signature FROM entry_signatures s JOIN entries e ON e.id = s.entry_id
            WHERE s.text_hash IS NOT NULL AND e.window_time >= @floor AND s.entry_id <= @watermark ORDER BY s.entry_id
            """, cancellationToken, ("@floor", SqliteTime.Write(oldest)), ("@watermark", watermark));
    }

    // Reads (entry id, signature or null) rows in id order, indexes those with a signature of the configured length, and
    // moves the watermark to the last id read.
    private async Task<int> LoadAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.AddParameter(name, value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var loaded = 0;
        var last = 0L;
        while (await reader.ReadAsync(cancellationToken))
        {
            last = reader.GetInt64(0);
            if (reader.IsDBNull(1)) continue;
            var signature = MemoryMarshal.Cast<byte, uint>((byte[])reader.GetValue(1));
            if (signature.Length != options.SignatureLength) continue;   // signed under other Bands/Rows: it cannot share a band key
            Add(last, hasher.BandKeys(signature));
            loaded++;
        }
        Advance(last);
        return loaded;
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
