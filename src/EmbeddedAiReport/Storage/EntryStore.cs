using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Storage;

/// <summary>The <c>entries</c>, <c>entry_tags</c> and <c>entry_links</c> tables.</summary>
public sealed class EntryStore(ReportDatabase database)
{
    // One entry per canonical key. The source that first stored it, or any source bringing a higher version
    // (arXiv v2), may update it in place; another source seeing the same article does not overwrite it.
    // RETURNING yields a row only when something was inserted or changed; first_fetch_id tells which.
    private const string UpsertSql = """
        INSERT INTO entries (source_id, kind, canonical_key, url, canonical_url, title, summary, account, published,
                             first_seen, updated, window_time, first_fetch_id, content_hash, section, prefix, version, score)
        VALUES ($source, $kind, $key, $url, $canonical_url, $title, $summary, $account, $published,
                $now, $now, coalesce($published, $now), $fetch, $hash, $section, $prefix, $version, $score)
        ON CONFLICT (canonical_key) DO UPDATE SET
            url = excluded.url, canonical_url = excluded.canonical_url, title = excluded.title, summary = excluded.summary,
            account = coalesce(excluded.account, entries.account), published = coalesce(entries.published, excluded.published),
            window_time = coalesce(entries.published, excluded.published, entries.first_seen), updated = excluded.updated,
            content_hash = excluded.content_hash, prefix = excluded.prefix, version = excluded.version,
            score = excluded.score, section = excluded.section
        WHERE excluded.content_hash <> entries.content_hash
          AND (entries.source_id = excluded.source_id OR coalesce(excluded.version, 0) > coalesce(entries.version, 0))
          AND coalesce(excluded.version, 0) >= coalesce(entries.version, 0)
        RETURNING id, first_fetch_id = $fetch;
        """;

    /// <summary>Inserts or updates <paramref name="entries"/> inside the caller's transaction.</summary>
    internal static async Task<StoreCounts> UpsertAsync(SqliteConnection connection, SqliteTransaction transaction, string sourceId,
        long fetchId, DateTimeOffset now, IReadOnlyList<EntryWrite> entries, CancellationToken cancellationToken)
    {
        await using var upsert = Prepare(connection, transaction, UpsertSql,
            "$source", "$kind", "$key", "$url", "$canonical_url", "$title", "$summary", "$account", "$published",
            "$now", "$fetch", "$hash", "$section", "$prefix", "$version", "$score");
        await using var clearTags = Prepare(connection, transaction, "DELETE FROM entry_tags WHERE entry_id = $id", "$id");
        await using var addTag = Prepare(connection, transaction,
            "INSERT OR REPLACE INTO entry_tags (entry_id, tag, weight) VALUES ($id, $tag, $weight)", "$id", "$tag", "$weight");
        await using var addLink = Prepare(connection, transaction,
            "INSERT OR IGNORE INTO entry_links (entry_id, kind, target, url) VALUES ($id, $kind, $target, $url)", "$id", "$kind", "$target", "$url");

        upsert.Parameters["$source"].Value = sourceId;
        upsert.Parameters["$now"].Value = SqliteTime.Write(now);
        upsert.Parameters["$fetch"].Value = fetchId;
        int added = 0, changed = 0;
        foreach (var write in entries)
        {
            var entry = write.Candidate;
            upsert.Parameters["$kind"].Value = write.Kind;
            upsert.Parameters["$key"].Value = entry.CanonicalKey;
            upsert.Parameters["$url"].Value = entry.Url;
            upsert.Parameters["$canonical_url"].Value = entry.CanonicalKey;
            upsert.Parameters["$title"].Value = entry.Title;
            upsert.Parameters["$summary"].Value = entry.Summary;
            upsert.Parameters["$account"].Value = (object?)entry.Account ?? DBNull.Value;
            upsert.Parameters["$published"].Value = SqliteTime.WriteOrNull(entry.Published);
            upsert.Parameters["$hash"].Value = ContentHash(entry);
            upsert.Parameters["$section"].Value = write.Section;
            upsert.Parameters["$prefix"].Value = (object?)entry.Prefix ?? DBNull.Value;
            upsert.Parameters["$version"].Value = (object?)entry.Version ?? DBNull.Value;
            upsert.Parameters["$score"].Value = write.Score;

            long id;
            await using (var reader = await upsert.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken)) continue;   // unchanged
                id = reader.GetInt64(0);
                if (reader.GetBoolean(1)) added++; else changed++;
            }

            clearTags.Parameters["$id"].Value = id;
            await clearTags.ExecuteNonQueryAsync(cancellationToken);
            addTag.Parameters["$id"].Value = id;
            foreach (var tag in write.Tags)
            {
                addTag.Parameters["$tag"].Value = tag.Tag;
                addTag.Parameters["$weight"].Value = tag.Weight;
                await addTag.ExecuteNonQueryAsync(cancellationToken);
            }
            addLink.Parameters["$id"].Value = id;
            foreach (var link in entry.Links)
            {
                addLink.Parameters["$kind"].Value = link.Kind;
                addLink.Parameters["$target"].Value = link.Target;
                addLink.Parameters["$url"].Value = link.Url;
                await addLink.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        return new StoreCounts(added, changed);
    }

    /// <summary>Entries whose window time falls in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), not rejected, not yet published.</summary>
    public async Task<IReadOnlyList<StoredEntry>> ListWindowAsync(DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);   // a read snapshot: both queries see the same data
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT e.id, e.source_id, e.kind, e.canonical_key, e.url, e.title, e.summary, e.account, e.published, e.first_seen,
                   e.section, e.prefix, e.version, e.score, e.status, e.story_id,
                   EXISTS (SELECT 1 FROM stories s WHERE s.id = e.story_id AND s.primary_entry_id = e.id)
            FROM entries e
            WHERE e.window_time >= $from AND e.window_time < $to
              AND e.status IN ('candidate', 'shortlisted')
              AND NOT EXISTS (SELECT 1 FROM issue_items i WHERE i.canonical_key = e.canonical_key)
            ORDER BY e.id
            """;
        command.Parameters.AddWithValue("$from", SqliteTime.Write(fromUtc));
        command.Parameters.AddWithValue("$to", SqliteTime.Write(toUtc));
        var entries = new List<StoredEntry>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new StoredEntry(
                    reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                    SqliteTime.ReadOrNull(reader.GetValue(8)), SqliteTime.Read(reader.GetString(9)),
                    reader.IsDBNull(10) ? null : reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                    reader.IsDBNull(12) ? null : reader.GetInt32(12), reader.GetDouble(13), reader.GetString(14),
                    reader.IsDBNull(15) ? null : reader.GetInt64(15), []) { IsStoryPrimary = reader.GetBoolean(16) });
            }
        }
        if (entries.Count == 0) return entries;

        await using var links = connection.CreateCommand();
        links.Transaction = transaction;
        links.CommandText = """
            SELECT l.entry_id, l.kind, l.target, l.url FROM entry_links l
            JOIN entries e ON e.id = l.entry_id
            WHERE e.window_time >= $from AND e.window_time < $to
            ORDER BY l.entry_id, l.kind, l.target
            """;
        links.Parameters.AddWithValue("$from", SqliteTime.Write(fromUtc));
        links.Parameters.AddWithValue("$to", SqliteTime.Write(toUtc));
        var byEntry = new Dictionary<long, List<EntryLink>>();
        await using (var reader = await links.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                if (!byEntry.TryGetValue(id, out var list)) byEntry[id] = list = [];
                list.Add(new EntryLink(reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }
        return entries.Select(e => byEntry.TryGetValue(e.Id, out var l) ? e with { Links = l } : e).ToList();
    }

    /// <summary>How many entries the database holds.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM entries";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }

    private static string ContentHash(CandidateEntry entry)
    {
        var text = string.Join('\u001f', entry.Url, entry.Title, entry.Summary, entry.Account, entry.Prefix, entry.Version,
            entry.Published?.ToUnixTimeSeconds(), string.Join(',', entry.Links.Select(l => l.Target)));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexString(hash[..12]);
    }
}
