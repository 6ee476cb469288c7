using System.Runtime.InteropServices;
using EmbeddedAiReport.Storage;
using System.Data.Common;

namespace EmbeddedAiReport.Dedup;

// Loading a window of signed entries from the database into the index.
internal sealed partial class StoryIndex
{
    // Comparable signed entries with window time in [from, to).
    private async Task<int> LoadAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset from, DateTimeOffset? to,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, """
            SELECT s.entry_id, s.signature, e.window_time, e.story_id FROM entry_signatures s JOIN entries e ON e.id = s.entry_id
            WHERE s.text_hash IS NOT NULL AND e.window_time >= @from AND e.window_time < @to
            """);
        var (fromText, toText) = (SqliteTime.Write(from), to is { } end ? SqliteTime.Write(end) : "~");   // '~' sorts after every time
        command.AddParameter("@from", fromText);
        command.AddParameter("@to", toText);
        // Sized once for the window (a count over the time index), not grown by doubling: at a million stored entries the
        // window holds tens of thousands, and the copies a growing array leaves behind would double the peak memory.
        int window;
        await using (var count = connection.CreateCommand(transaction, "SELECT count(*) FROM entries e WHERE e.window_time >= @from AND e.window_time < @to"))
        {
            count.AddParameter("@from", fromText);
            count.AddParameter("@to", toText);
            window = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken));
            Reserve(_count + window);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var loaded = 0;
        var signatureBytes = options.SignatureLength * sizeof(uint);
        // Put into the band buckets a chunk at a time, band by band (BandIndex.AddMany): the same buckets as one by one. A full
        // chunk goes into the buckets on another thread while the next is read (the buckets and what Hold fills are apart),
        // so loading a big window costs about the longer of the two, not their sum: the pass waits for it holding the write lock.
        var bands = options.Bands;
        var size = Math.Clamp(window, 1, options.LoadChunk);
        var (chunk, orders, tags, bandKeys) = (new int[size], new long[size], new long[size], new long[size * bands]);
        (int[] Chunk, long[] Orders, long[] Tags, long[] Keys)? spare = null;   // the second set of buffers, once a window needs more than one chunk
        var adding = Task.CompletedTask;
        var pending = 0;
        try
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                // The whole value at once: GetBytes on a table's column opens an incremental-blob handle per call (sqlite3_blob_open,
                // which parses the table and column names), a third of the cost of loading a big window.
                var bytes = reader.GetFieldValue<byte[]>(1);
                // Signed under other Bands/Rows: it cannot share a band key.
                if (bytes.Length != signatureBytes) continue;
                var signature = MemoryMarshal.Cast<byte, uint>(bytes.AsSpan());
                var id = reader.GetInt64(0);
                hasher.BandKeys(signature, bandKeys.AsSpan(pending * bands, bands));
                var story = reader.IsDBNull(3) ? 0 : reader.GetInt64(3);
                chunk[pending] = Hold(id, SqliteTime.Read(reader.GetString(2)).UtcTicks, story == 0 ? null : story, signature);
                orders[pending] = id;
                tags[pending] = story;
                loaded++;
                if (++pending < size) continue;
                await adding;
                var (full, fullOrders, fullTags, fullKeys) = (chunk, orders, tags, bandKeys);
                adding = Task.Run(() => _bands.AddMany(full, fullOrders, fullTags, fullKeys, bands), CancellationToken.None);
                spare ??= (new int[size], new long[size], new long[size], new long[size * bands]);
                ((chunk, orders, tags, bandKeys), spare) = (spare.Value, (chunk, orders, tags, bandKeys));
                pending = 0;
            }
        }
        finally
        {
            await adding;   // never leave a chunk going in behind the caller's back (a failed load invalidates the index)
        }
        _bands.AddMany(chunk.AsSpan(0, pending), orders.AsSpan(0, pending), tags.AsSpan(0, pending), bandKeys.AsSpan(0, pending * bands), bands);
        return loaded;
    }
}
