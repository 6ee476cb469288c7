using System.Security.Cryptography;
using System.Text;
using System.Data.Common;

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
        VALUES (@source, @kind, @key, @url, @canonical_url, @title, @summary, @account, @published,
                @now, @now, coalesce(@published, @now), @fetch, @hash, @section, @prefix, @version, @score)
        ON CONFLICT (canonical_key) DO UPDATE SET
            url = excluded.url, canonical_url = excluded.canonical_url, title = excluded.title, summary = excluded.summary,
            account = coalesce(excluded.account, entries.account), published = coalesce(entries.published, excluded.published),
            window_time = coalesce(entries.published, excluded.published, entries.first_seen), updated = excluded.updated,
            content_hash = excluded.content_hash, prefix = excluded.prefix, version = excluded.version,
            score = excluded.score, section = excluded.section
        WHERE excluded.content_hash <> entries.content_hash
          AND (entries.source_id = excluded.source_id OR coalesce(excluded.version, 0) > coalesce(entries.version, 0))
          AND coalesce(excluded.version, 0) >= coalesce(entries.version, 0)
        RETURNING id, first_fetch_id = @fetch;
        """;

    /// <summary>Inserts or updates <paramref name="entries"/> inside the caller's transaction.</summary>
    internal static async Task<StoreCounts> UpsertAsync(DbConnection connection, DbTransaction transaction, string sourceId,
        long fetchId, DateTimeOffset now, IReadOnlyList<EntryWrite> entries, CancellationToken cancellationToken)
    {
        await using var upsert = Prepare(connection, transaction, UpsertSql,
            "@source", "@kind", "@key", "@url", "@canonical_url", "@title", "@summary", "@account", "@published",
            "@now", "@fetch", "@hash", "@section", "@prefix", "@version", "@score");
        await using var clearTags = Prepare(connection, transaction, "DELETE FROM entry_tags WHERE entry_id = @id", "@id");
        await using var addTag = Prepare(connection, transaction,
            "INSERT INTO entry_tags (entry_id, tag, weight) VALUES (@id, @tag, @weight) ON CONFLICT (entry_id, tag) DO UPDATE SET weight = excluded.weight", "@id", "@tag", "@weight");
        await using var addLink = Prepare(connection, transaction,
            "INSERT INTO entry_links (entry_id, kind, target, url) VALUES (@id, @kind, @target, @url) ON CONFLICT DO NOTHING", "@id", "@kind", "@target", "@url");
        await using var resolve = Prepare(connection, transaction, ResolveAliasSql, "@key");
        await using var addAlias = Prepare(connection, transaction,
            "INSERT INTO entry_aliases (alias_key, entry_key) VALUES (@alias, @key) ON CONFLICT DO NOTHING", "@alias", "@key");

        upsert.Parameters["@source"].Value = sourceId;
        upsert.Parameters["@now"].Value = SqliteTime.Write(now);
        upsert.Parameters["@fetch"].Value = fetchId;
        // Only entries with alias keys (WeChat short/long links) write aliases, and the caller's IMMEDIATE transaction holds
        // the write lock: while the table is empty, an entry without alias keys resolves to its own key, so its lookup is skipped.
        var aliasesExist = await AnyAliasAsync(connection, transaction, cancellationToken);
        int added = 0, changed = 0;
        foreach (var write in entries)
        {
            var entry = write.Candidate;
            if (aliasesExist || entry.AliasKeys.Count > 0)
            {
                entry = await ResolveAliasesAsync(resolve, addAlias, entry, cancellationToken);
                aliasesExist = true;   // it may have recorded some
            }
            upsert.Parameters["@kind"].Value = write.Kind;
            upsert.Parameters["@key"].Value = entry.CanonicalKey;
            upsert.Parameters["@url"].Value = entry.Url;
            upsert.Parameters["@canonical_url"].Value = entry.CanonicalKey;
            upsert.Parameters["@title"].Value = entry.Title;
            upsert.Parameters["@summary"].Value = entry.Summary;
            upsert.Parameters["@account"].Value = (object?)entry.Account ?? DBNull.Value;
            upsert.Parameters["@published"].Value = SqliteTime.WriteOrNull(entry.Published);
            upsert.Parameters["@hash"].Value = ContentHash(entry);
            upsert.Parameters["@section"].Value = write.Section;
            upsert.Parameters["@prefix"].Value = (object?)entry.Prefix ?? DBNull.Value;
            upsert.Parameters["@version"].Value = (object?)entry.Version ?? DBNull.Value;
            upsert.Parameters["@score"].Value = write.Score;

            long id;
            bool isNew;
            await using (var reader = await upsert.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken)) continue;   // unchanged
                id = reader.GetInt64(0);
                isNew = reader.GetBoolean(1);
                if (isNew) added++; else changed++;
            }

            if (!isNew)   // a new row has no tags yet; an updated one is re-tagged from scratch
            {
                clearTags.Parameters["@id"].Value = id;
                await clearTags.ExecuteNonQueryAsync(cancellationToken);
            }
            addTag.Parameters["@id"].Value = id;
            foreach (var tag in write.Tags)
            {
                addTag.Parameters["@tag"].Value = tag.Tag;
                addTag.Parameters["@weight"].Value = tag.Weight;
                await addTag.ExecuteNonQueryAsync(cancellationToken);
            }
            addLink.Parameters["@id"].Value = id;
            foreach (var link in entry.Links)
            {
                addLink.Parameters["@kind"].Value = link.Kind;
                addLink.Parameters["@target"].Value = link.Target;
                addLink.Parameters["@url"].Value = link.Url;
                await addLink.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        return new StoreCounts(added, changed);
    }

    private static async Task<bool> AnyAliasAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM entry_aliases)";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken)) != 0;
    }

    // The entry a key names: through a recorded alias, else the entry stored under that key.
    private const string ResolveAliasSql = """
        SELECT coalesce((SELECT entry_key FROM entry_aliases WHERE alias_key = @key),
                        (SELECT canonical_key FROM entries WHERE canonical_key = @key))
        """;

    /// <summary>
    /// Gives <paramref name="entry"/> the key of the entry it already is (its own key or one of its
    /// <see cref="CandidateEntry.AliasKeys"/> found as an entry or an alias), and records its other keys as aliases,
    /// so a WeChat short link and long link of one article stay one entry whichever arrived first.
    /// </summary>
    private static async Task<CandidateEntry> ResolveAliasesAsync(DbCommand resolve, DbCommand addAlias, CandidateEntry entry, CancellationToken cancellationToken)
    {
        string? resolved = null;
        foreach (var key in entry.AliasKeys.Prepend(entry.CanonicalKey))
        {
            resolve.Parameters["@key"].Value = key;
            if (await resolve.ExecuteScalarAsync(cancellationToken) is string found)
            {
                resolved = found;
                break;
            }
        }
        resolved ??= entry.CanonicalKey;
        foreach (var key in entry.AliasKeys.Prepend(entry.CanonicalKey).Where(k => k != resolved))
        {
            addAlias.Parameters["@alias"].Value = key;
            addAlias.Parameters["@key"].Value = resolved;
            await addAlias.ExecuteNonQueryAsync(cancellationToken);
        }
        return resolved == entry.CanonicalKey ? entry : entry with { CanonicalKey = resolved };
    }

    /// <summary>Entries whose window time falls in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), not rejected, not yet published.</summary>
    public async Task<IReadOnlyList<StoredEntry>> ListWindowAsync(DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginReadAsync(connection, cancellationToken);   // a read snapshot: both queries see the same data
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT e.id, e.source_id, e.kind, e.canonical_key, e.url, coalesce(o.title, e.title), coalesce(o.summary, e.summary), e.account,
                   e.published, e.first_seen, coalesce(o.section, e.section), e.prefix, e.version, e.score, e.status, e.story_id,
                   EXISTS (SELECT 1 FROM stories s WHERE s.id = e.story_id AND s.primary_entry_id = e.id), o.position
            FROM entries e LEFT JOIN entry_overrides o ON o.entry_id = e.id
            WHERE e.window_time >= @from AND e.window_time < @to
              AND e.status IN ('candidate', 'shortlisted')
              AND NOT EXISTS (SELECT 1 FROM issue_items i WHERE i.canonical_key = e.canonical_key)
              AND NOT EXISTS (SELECT 1 FROM entries p JOIN issue_items i ON i.canonical_key = p.canonical_key
                              WHERE e.story_id IS NOT NULL AND p.story_id = e.story_id)
            ORDER BY e.id
            """;
        command.AddParameter("@from", SqliteTime.Write(fromUtc));
        command.AddParameter("@to", SqliteTime.Write(toUtc));
        var entries = new List<StoredEntry>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) entries.Add(Read(reader));
        }
        if (entries.Count == 0) return entries;

        await using var links = connection.CreateCommand();
        links.Transaction = transaction;
        links.CommandText = """
            SELECT l.entry_id, l.kind, l.target, l.url FROM entry_links l
            JOIN entries e ON e.id = l.entry_id
            WHERE e.window_time >= @from AND e.window_time < @to
            ORDER BY l.entry_id, l.kind, l.target
            """;
        links.AddParameter("@from", SqliteTime.Write(fromUtc));
        links.AddParameter("@to", SqliteTime.Write(toUtc));
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

    /// <summary>Entries matching <paramref name="query"/> with their links and tags, best score first.</summary>
    public async Task<IReadOnlyList<(StoredEntry Entry, IReadOnlyList<EntryTag> Tags)>> QueryAsync(EntryQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginReadAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var where = new List<string> { "1 = 1" };
        if (query.FromUtc is { } from) { where.Add("e.window_time >= @from"); command.AddParameter("@from", SqliteTime.Write(from)); }
        if (query.ToUtc is { } to) { where.Add("e.window_time < @to"); command.AddParameter("@to", SqliteTime.Write(to)); }
        if (query.Section is { } section) { where.Add("coalesce(o.section, e.section) = @section"); command.AddParameter("@section", section); }
        if (query.Status is { } status) { where.Add("e.status = @status"); command.AddParameter("@status", status); }
        if (query.Tag is { } tag) { where.Add("EXISTS (SELECT 1 FROM entry_tags t WHERE t.entry_id = e.id AND t.tag = @tag)"); command.AddParameter("@tag", tag); }
        if (query.Ids is { Count: > 0 } ids)
        {
            where.Add(database.Dialect.IdIn("e.id", "@ids"));
            command.AddParameter("@ids", database.Dialect.IdList(ids));
        }
        command.CommandText = $"""
            SELECT e.id, e.source_id, e.kind, e.canonical_key, e.url, coalesce(o.title, e.title), coalesce(o.summary, e.summary), e.account,
                   e.published, e.first_seen, coalesce(o.section, e.section), e.prefix, e.version, e.score, e.status, e.story_id
            FROM entries e LEFT JOIN entry_overrides o ON o.entry_id = e.id WHERE {string.Join(" AND ", where)}
            ORDER BY e.score DESC, e.window_time DESC, e.id LIMIT @limit
            """;
        command.AddParameter("@limit", query.Limit);
        var entries = new List<StoredEntry>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) entries.Add(Read(reader));
        }
        var tags = new Dictionary<long, List<EntryTag>>();
        if (entries.Count > 0)
        {
            await using var tagCommand = connection.CreateCommand();
            tagCommand.Transaction = transaction;
            tagCommand.CommandText = $"SELECT entry_id, tag, weight FROM entry_tags WHERE {database.Dialect.IdIn("entry_id", "@ids")} ORDER BY weight DESC, tag";
            tagCommand.AddParameter("@ids", database.Dialect.IdList(entries.Select(e => e.Id)));
            await using var reader = await tagCommand.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                if (!tags.TryGetValue(id, out var list)) tags[id] = list = [];
                list.Add(new EntryTag(reader.GetString(1), reader.GetDouble(2)));
            }
        }
        var links = new Dictionary<long, List<EntryLink>>();
        if (entries.Count > 0)
        {
            await using var linkCommand = connection.CreateCommand();
            linkCommand.Transaction = transaction;
            linkCommand.CommandText = $"SELECT entry_id, kind, target, url FROM entry_links WHERE {database.Dialect.IdIn("entry_id", "@ids")} ORDER BY entry_id, kind, target";
            linkCommand.AddParameter("@ids", database.Dialect.IdList(entries.Select(e => e.Id)));
            await using var reader = await linkCommand.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                if (!links.TryGetValue(id, out var list)) links[id] = list = [];
                list.Add(new EntryLink(reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }
        return entries.Select(e => (links.TryGetValue(e.Id, out var l) ? e with { Links = l } : e, (IReadOnlyList<EntryTag>)(tags.TryGetValue(e.Id, out var t) ? t : []))).ToList();
    }

    /// <summary>Sets the editorial status of entries; returns the ids that exist and were set.</summary>
    public async Task<IReadOnlyList<long>> SetStatusAsync(IReadOnlyList<long> ids, string status, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE entries SET status = @status WHERE id = @id RETURNING id";
        command.AddParameter("@status", status);
        var id = command.AddParameter("@id");
        var done = new List<long>();
        foreach (var value in ids)
        {
            id.Value = value;
            if (await command.ExecuteScalarAsync(cancellationToken) is long updated) done.Add(updated);
        }
        await transaction.CommitAsync(cancellationToken);
        return done;
    }

    /// <summary>How many entries the database holds.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM entries";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    // Columns from offset: id, source_id, kind, canonical_key, url, title, summary, account, published, first_seen, section, prefix, version,
    // score, status, story_id, then optionally is-story-primary and the editor's position.
    internal static StoredEntry Read(DbDataReader reader, int offset = 0) => new(
        reader.GetInt64(offset), reader.GetString(offset + 1), reader.GetString(offset + 2), reader.GetString(offset + 3), reader.GetString(offset + 4),
        reader.GetString(offset + 5), reader.GetString(offset + 6), reader.IsDBNull(offset + 7) ? null : reader.GetString(offset + 7),
        SqliteTime.ReadOrNull(reader.GetValue(offset + 8)), SqliteTime.Read(reader.GetString(offset + 9)),
        reader.IsDBNull(offset + 10) ? null : reader.GetString(offset + 10), reader.IsDBNull(offset + 11) ? null : reader.GetString(offset + 11),
        reader.IsDBNull(offset + 12) ? null : reader.GetInt32(offset + 12), reader.GetDouble(offset + 13), reader.GetString(offset + 14),
        reader.IsDBNull(offset + 15) ? null : reader.GetInt64(offset + 15), [])
    {
        IsStoryPrimary = reader.FieldCount > offset + 16 && reader.GetBoolean(offset + 16),
        Position = reader.FieldCount > offset + 17 && !reader.IsDBNull(offset + 17) ? reader.GetInt32(offset + 17) : null,
    };

    private static DbCommand Prepare(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters) command.AddParameter(name);
        // Npgsql prepares a statement by itself once it recurs (MaxAutoPrepare), and cannot before its parameters have values.
        if (command is Microsoft.Data.Sqlite.SqliteCommand) command.Prepare();
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
