using EmbeddedAiReport.Fetching;
using System.Data.Common;

namespace EmbeddedAiReport.Storage;

/// <summary>The <c>sources</c>, <c>fetches</c> and <c>http_validators</c> tables, and the one transaction a poll commits.</summary>
public sealed class SourceStore(ReportDatabase database, TimeProvider timeProvider)
{
    /// <summary>Stored conditional-GET validators of a source, by request address.</summary>
    public async Task<IReadOnlyDictionary<string, HttpValidators>> GetValidatorsAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT url, etag, last_modified, moved_to, moved_note FROM http_validators WHERE source_id = @id";
        command.AddParameter("@id", sourceId);
        var result = new Dictionary<string, HttpValidators>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result[reader.GetString(0)] = new HttpValidators(reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            {
                MovedTo = reader.IsDBNull(3) ? null : new Uri(reader.GetString(3)),
                MovedNote = reader.IsDBNull(4) ? null : reader.GetString(4),
            };
        return result;
    }

    /// <summary>
    /// Commits one poll in a single transaction: the <c>fetches</c> row, every entry, the validators and the
    /// source's health. A crash before the commit leaves the database as it was before the poll.
    /// </summary>
    public async Task<StoreCounts> CommitFetchAsync(FetchRecord record, IReadOnlyList<EntryWrite> entries, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var upserted = await WriteFetchAsync(database.Dialect, connection, transaction, record, entries, timeProvider.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Count(upserted);
    }

    /// <summary>How many of <paramref name="upserted"/> are new and how many changed.</summary>
    public static StoreCounts Count(IReadOnlyList<UpsertedEntry> upserted)
    {
        var added = upserted.Count(u => u.IsNew);
        return new StoreCounts(added, upserted.Count - added);
    }

    /// <summary>
    /// Writes one poll inside the caller's transaction: the <c>fetches</c> row, every entry, the validators and the
    /// source's health; returns the entries inserted or changed.
    /// </summary>
    internal static async Task<IReadOnlyList<UpsertedEntry>> WriteFetchAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction, FetchRecord record,
        IReadOnlyList<EntryWrite> entries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var pipeline = new CommandPipeline(dialect, connection, transaction);
        var fetchId = await StartFetchAsync(pipeline, record, cancellationToken);
        var upserted = entries.Count == 0
            ? []
            : await EntryStore.UpsertAsync(dialect, connection, transaction, record.SourceId, fetchId, now, entries, cancellationToken);
        await FinishFetchAsync(pipeline, record, fetchId, entries, Count(upserted), now, cancellationToken);
        await pipeline.FlushAsync(cancellationToken);
        return upserted;
    }

    /// <summary>Inserts the <c>fetches</c> row of a poll in the pipeline's transaction; returns its id (entries record the fetch that first stored them).</summary>
    internal static async Task<long> StartFetchAsync(CommandPipeline pipeline, FetchRecord record, CancellationToken cancellationToken)
    {
        await using (var insert = pipeline.Command("""
                INSERT INTO fetches (source_id, started, duration_ms, http_status, bytes, seen, error)
                VALUES (@source, @started, @duration, @status, @bytes, @seen, @error) RETURNING id
                """))
        {
            insert.AddParameter("@source", record.SourceId);
            insert.AddParameter("@started", SqliteTime.Write(record.Started));
            insert.AddParameter("@duration", (long)record.Duration.TotalMilliseconds);
            insert.AddParameter("@status", (object?)record.HttpStatus ?? DBNull.Value);
            insert.AddParameter("@bytes", record.Bytes);
            insert.AddParameter("@seen", record.Seen);
            insert.AddParameter("@error", (object?)record.Error ?? DBNull.Value);
            return Convert.ToInt64(await pipeline.ScalarAsync(insert, cancellationToken));
        }
    }

    /// <summary>Completes a poll in the pipeline's transaction: its counts in the <c>fetches</c> row, the validators and the source's health (flush the pipeline after it).</summary>
    internal static async Task FinishFetchAsync(CommandPipeline pipeline, FetchRecord record, long fetchId,
        IReadOnlyList<EntryWrite> entries, StoreCounts counts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var update = pipeline.Command("UPDATE fetches SET new = @new, updated = @updated WHERE id = @id"))
        {
            update.AddParameter("@new", counts.New);
            update.AddParameter("@updated", counts.Updated);
            update.AddParameter("@id", fetchId);
            await pipeline.ExecuteAsync(update, cancellationToken);
        }

        await using (var validators = pipeline.Command("""
                INSERT INTO http_validators (source_id, url, etag, last_modified, moved_to, moved_note) VALUES (@source, @url, @etag, @modified, @moved, @note)
                ON CONFLICT (source_id, url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                    moved_to = excluded.moved_to, moved_note = excluded.moved_note
                """))
        {
            var url = validators.AddParameter("@url");
            var etag = validators.AddParameter("@etag");
            var modified = validators.AddParameter("@modified");
            var moved = validators.AddParameter("@moved");
            var note = validators.AddParameter("@note");
            validators.AddParameter("@source", record.SourceId);
            foreach (var (address, value) in record.Validators)
            {
                url.Value = address;
                etag.Value = (object?)value.ETag ?? DBNull.Value;
                modified.Value = (object?)value.LastModified ?? DBNull.Value;
                moved.Value = (object?)value.MovedTo?.AbsoluteUri ?? DBNull.Value;
                note.Value = (object?)value.MovedNote ?? DBNull.Value;
                await pipeline.ExecuteAsync(validators, cancellationToken);
            }
        }

        await using (var health = pipeline.Command("""
                INSERT INTO sources (id, kind, last_poll, last_success, last_error, consecutive_failures, last_new_entry, paused_until, first_poll, last_warning,
                                     last_left_out)
                VALUES (@id, @kind, @now, CASE WHEN CAST(@error AS TEXT) IS NULL THEN @now END, @error, CASE WHEN CAST(@error AS TEXT) IS NULL THEN 0 ELSE 1 END,
                        coalesce(@newest, CASE WHEN @new > 0 THEN @now END), @paused, @started, @warning, @leftOut)
                ON CONFLICT (id) DO UPDATE SET
                    kind = excluded.kind, last_poll = excluded.last_poll, first_poll = coalesce(sources.first_poll, excluded.first_poll),
                    last_warning = excluded.last_warning, last_left_out = excluded.last_left_out,
                    last_success = coalesce(excluded.last_success, sources.last_success),
                    last_error = excluded.last_error,
                    consecutive_failures = CASE WHEN excluded.last_error IS NULL THEN 0 ELSE sources.consecutive_failures + 1 END,
                    last_new_entry = CASE WHEN sources.last_new_entry IS NULL OR excluded.last_new_entry > sources.last_new_entry
                                          THEN coalesce(excluded.last_new_entry, sources.last_new_entry) ELSE sources.last_new_entry END,
                    paused_until = excluded.paused_until
                """))
        {
            health.AddParameter("@id", record.SourceId);
            health.AddParameter("@kind", record.Kind);
            health.AddParameter("@now", SqliteTime.Write(now));
            health.AddParameter("@error", (object?)record.Error ?? DBNull.Value);
            health.AddParameter("@new", counts.New);
            health.AddParameter("@started", SqliteTime.Write(record.Started));
            health.AddParameter("@warning", (object?)record.Warning ?? DBNull.Value);
            health.AddParameter("@leftOut", (object?)record.LeftOut ?? DBNull.Value);
            // Freshness is the newest item the source delivered (dated items; undated ones count when new), not only what it
            // inserted itself: a second mirror of accounts another source already polls is working, not stale.
            var newest = entries.Select(e => e.Candidate.Published).Max();
            health.AddParameter("@newest", newest is { } n ? SqliteTime.Write(n < now ? n : now) : DBNull.Value);
            health.AddParameter("@paused", record.Error is null ? DBNull.Value : SqliteTime.WriteOrNull(record.PausedUntil));
            await pipeline.ExecuteAsync(health, cancellationToken);
        }

        foreach (var request in record.Requests ?? [])
        {
            await using var upsert = pipeline.Command("""
                INSERT INTO request_health (source_id, label, last_success, last_error, consecutive_failures, paused_until)
                VALUES (@source, @label, CASE WHEN CAST(@error AS TEXT) IS NULL THEN @now END, @error, @failures, @paused)
                ON CONFLICT (source_id, label) DO UPDATE SET
                    last_success = coalesce(excluded.last_success, request_health.last_success), last_error = excluded.last_error,
                    consecutive_failures = excluded.consecutive_failures, paused_until = excluded.paused_until
                """);
            upsert.AddParameter("@source", record.SourceId);
            upsert.AddParameter("@label", request.Label);
            upsert.AddParameter("@now", SqliteTime.Write(now));
            upsert.AddParameter("@error", (object?)request.Error ?? DBNull.Value);
            upsert.AddParameter("@failures", request.ConsecutiveFailures);
            upsert.AddParameter("@paused", SqliteTime.WriteOrNull(request.PausedUntil));
            await pipeline.ExecuteAsync(upsert, cancellationToken);
        }
    }

    /// <summary>The stored health of each request of <paramref name="sourceId"/>, by label.</summary>
    public async Task<IReadOnlyDictionary<string, RequestHealth>> GetRequestHealthAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT label, last_error, consecutive_failures, paused_until FROM request_health WHERE source_id = @id";
        command.AddParameter("@id", sourceId);
        var result = new Dictionary<string, RequestHealth>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result[reader.GetString(0)] = new RequestHealth(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2),
                SqliteTime.ReadOrNull(reader.GetValue(3)));
        return result;
    }

    /// <summary>
    /// Records each source's configuration fingerprint; a source whose fingerprint changed since it was last recorded was
    /// edited in sources.json, so its pause after failures (its own and its requests') is lifted and its stored validators
    /// (ETag, Last-Modified) are dropped: its next poll reads the feed whole and applies the edit (an account name, a
    /// wider include) to the items the feed still lists, where a 304 would leave them as stored. Returns those ids, each
    /// with whether it was paused. A fingerprint one of <c>Earlier</c> names (what an older build stored for the source as
    /// it is written now) is no edit: it is only replaced.
    /// </summary>
    public async Task<IReadOnlyList<(string Id, bool WasPaused)>> RecordConfigurationsAsync(
        IReadOnlyDictionary<string, (string Kind, string Hash, IReadOnlyList<string> Earlier)> sources, CancellationToken cancellationToken)
    {
        var changed = new List<(string, bool)>();
        var now = SqliteTime.Write(timeProvider.GetUtcNow());
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        foreach (var (id, (kind, hash, earlier)) in sources)
        {
            await using var read = connection.CreateCommand(transaction, """
                SELECT config_hash, paused_until > @now OR EXISTS (SELECT 1 FROM request_health r WHERE r.source_id = @id AND r.paused_until > @now)
                FROM sources WHERE id = @id
                """);
            read.AddParameter("@id", id);
            read.AddParameter("@now", now);
            object? stored = null;
            var wasPaused = false;
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    stored = reader.IsDBNull(0) ? null : reader.GetString(0);
                    wasPaused = !reader.IsDBNull(1) && reader.GetBoolean(1);
                }
            }
            if (stored is string old && old == hash) continue;
            // A first fingerprint (a new source, or a database from before fingerprints) changes nothing but the column;
            // so does one an older build stored for the source as written now.
            var edited = stored is string before && !earlier.Contains(before);
            await using var write = connection.CreateCommand(transaction, """
                INSERT INTO sources (id, kind, config_hash) VALUES (@id, @kind, @hash)
                ON CONFLICT (id) DO UPDATE SET config_hash = excluded.config_hash,
                    paused_until = CASE WHEN @edited THEN NULL ELSE sources.paused_until END;
                UPDATE request_health SET paused_until = NULL WHERE source_id = @id AND @edited;
                UPDATE http_validators SET etag = NULL, last_modified = NULL WHERE source_id = @id AND @edited;
                """);
            write.AddParameter("@id", id);
            write.AddParameter("@kind", kind);
            write.AddParameter("@hash", hash);
            write.AddParameter("@edited", edited);
            await write.ExecuteNonQueryAsync(cancellationToken);
            if (edited) changed.Add((id, wasPaused));
        }
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    /// <summary>Deletes <c>fetches</c> rows that started before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> PruneFetchesAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM fetches WHERE started < @before";
        command.AddParameter("@before", SqliteTime.Write(before));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many entries each source id holds, by id: also the ids sources.json no longer has (a renamed or removed source).</summary>
    public async Task<IReadOnlyDictionary<string, long>> EntryCountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await EntryCountsAsync(connection, cancellationToken);
    }

    /// <summary><see cref="EntryCountsAsync(CancellationToken)"/> on an open connection (<see cref="ReportDatabase.OpenReadOnlyAsync"/>).</summary>
    public static async Task<IReadOnlyDictionary<string, long>> EntryCountsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT source_id, count(*) FROM entries GROUP BY source_id";   // the entries_source index covers it
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result[reader.GetString(0)] = reader.GetInt64(1);
        return result;
    }

    /// <summary>Health of every source that has been polled at least once, by id.</summary>
    public Task<IReadOnlyList<SourceHealth>> ListHealthAsync(CancellationToken cancellationToken) => QueryHealthAsync(null, cancellationToken);

    /// <summary>
    /// The newest stored item of <paramref name="sourceId"/> whose canonical key starts with <paramref name="keyPrefix"/> (a
    /// repo's releases, <c>gh:owner/repo@</c>, by their dates), so one list of a source is judged by its own items: null while
    /// none is stored (the list's first poll, also for a repo added to a source that stores others). Without a prefix, the
    /// newest item the source delivered (<see cref="SourceHealth.LastNewEntry"/>); null before the source stored anything.
    /// </summary>
    public async Task<DateTimeOffset?> GetNewestEntryAsync(string sourceId, string? keyPrefix, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // The source's own entries (its index), the prefix compared exactly: a key range would follow the database's
        // collation, which on PostgreSQL in a language's locale orders 'gh:o/r@b1' after 'gh:o/rA' (punctuation ignored).
        command.CommandText = keyPrefix is not { Length: > 0 } ? "SELECT last_new_entry FROM sources WHERE id = @id"
            : "SELECT max(published) FROM entries WHERE source_id = @id AND substr(canonical_key, 1, @length) = @prefix";
        command.AddParameter("@id", sourceId);
        if (keyPrefix is { Length: > 0 })
        {
            command.AddParameter("@length", keyPrefix.Length);
            command.AddParameter("@prefix", keyPrefix);
        }
        return SqliteTime.ReadOrNull(await command.ExecuteScalarAsync(cancellationToken) ?? DBNull.Value);
    }

    /// <summary>Health of one source, or null when it was never polled.</summary>
    public async Task<SourceHealth?> GetHealthAsync(string sourceId, CancellationToken cancellationToken) =>
        (await QueryHealthAsync(sourceId, cancellationToken)).SingleOrDefault();

    private async Task<IReadOnlyList<SourceHealth>> QueryHealthAsync(string? sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT s.id, s.kind, s.last_poll, s.last_success, s.last_error, s.consecutive_failures, s.paused_until, s.last_new_entry,
                   (SELECT count(*) FROM entries e WHERE e.source_id = s.id), s.first_poll, s.last_warning, s.last_left_out
            FROM sources s WHERE (CAST(@id AS TEXT) IS NULL OR s.id = @id) AND s.last_poll IS NOT NULL ORDER BY s.id
            """;
        command.AddParameter("@id", (object?)sourceId ?? DBNull.Value);
        var result = new List<SourceHealth>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new SourceHealth(reader.GetString(0), reader.GetString(1), SqliteTime.ReadOrNull(reader.GetValue(2)),
                SqliteTime.ReadOrNull(reader.GetValue(3)), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5),
                SqliteTime.ReadOrNull(reader.GetValue(6)), SqliteTime.ReadOrNull(reader.GetValue(7)), reader.GetInt64(8))
            {
                FirstPoll = SqliteTime.ReadOrNull(reader.GetValue(9)),
                LastWarning = reader.IsDBNull(10) ? null : reader.GetString(10),
                LastLeftOut = reader.IsDBNull(11) ? null : reader.GetString(11),
            });
        }
        return result;
    }
}
