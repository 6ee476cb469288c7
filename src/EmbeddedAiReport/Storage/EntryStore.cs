using System.Globalization;
using System.Data.Common;

namespace EmbeddedAiReport.Storage;

/// <summary>The <c>entries</c> (with their tags) and <c>entry_links</c> tables.</summary>
public sealed class EntryStore(ReportDatabase database)
{
    /// <summary>Inserts or updates <paramref name="entries"/> inside the caller's transaction; returns what was inserted or changed.</summary>
    internal static async Task<IReadOnlyList<UpsertedEntry>> UpsertAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction, string sourceId,
        long fetchId, DateTimeOffset now, IReadOnlyList<EntryWrite> entries, CancellationToken cancellationToken)
    {
        await using var pipeline = new CommandPipeline(dialect, connection, transaction);
        using var batch = await EntryBatch.OpenAsync(dialect, pipeline, connection, transaction, sourceId, fetchId, now, cancellationToken);
        var upserted = new List<UpsertedEntry>();
        for (var index = 0; index < entries.Count; index++)
            if (await batch.UpsertAsync(entries[index], index, null, cancellationToken) is { } stored) upserted.Add(stored);
        await pipeline.FlushAsync(cancellationToken);
        return upserted;
    }

    /// <summary>Entries whose window time falls in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), not yet published: candidates, shortlisted and rejected (a draft leaves out a story whose shown member the editor rejected).</summary>
    public async Task<IReadOnlyList<StoredEntry>> ListWindowAsync(DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginReadAsync(connection, cancellationToken);   // a read snapshot: both queries see the same data
        await using var command = connection.CreateCommand(transaction, $"""
            SELECT e.id, e.source_id, e.kind, e.canonical_key, e.url, coalesce(o.title, e.title), coalesce(o.summary, e.summary), e.account,
                   e.published, e.first_seen, coalesce(o.section, e.section), e.prefix, e.version, e.score, e.status, e.story_id,
                   ps.id IS NOT NULL, o.position, ps.id IS NOT NULL AND ps.primary_pinned,
                   (o.title IS NOT NULL OR o.summary IS NOT NULL OR o.section IS NOT NULL OR o.position IS NOT NULL),
                   o.summary IS NOT NULL,
                   {PageStore.PageGoneSql}
            FROM entries e LEFT JOIN entry_overrides o ON o.entry_id = e.id
                 LEFT JOIN stories ps ON ps.id = e.story_id AND ps.primary_entry_id = e.id   -- the story this entry is the primary of
            WHERE e.window_time >= @from AND e.window_time < @to
              AND e.status IN ('candidate', 'shortlisted', 'rejected')   -- rejected: the selector tells a rejected story by them
              AND NOT EXISTS (SELECT 1 FROM issue_items i WHERE i.canonical_key = e.canonical_key)
              -- Stories with a published member, found once: correlated per entry, the story's members were scanned for each
              -- of them (a story of 16,000 near-identical posts took minutes).
              AND (e.story_id IS NULL OR e.story_id NOT IN (SELECT p.story_id FROM issue_items i JOIN entries p ON p.canonical_key = i.canonical_key
                                                           WHERE p.story_id IS NOT NULL))
            ORDER BY e.id
            """);
        command.AddParameter("@from", SqliteTime.Write(fromUtc));
        command.AddParameter("@to", SqliteTime.Write(toUtc));
        var entries = new List<StoredEntry>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                entries.Add(Read(reader) with { IsPinnedPrimary = reader.GetBoolean(18), IsEditedByEditor = reader.GetBoolean(19), EditorSummary = reader.GetBoolean(20),
                    IsPageGone = reader.GetBoolean(21) });
        }
        if (entries.Count == 0) return entries;

        var byEntry = await ByEntryAsync(connection, transaction, """
            SELECT l.entry_id, l.kind, l.target, l.url FROM entry_links l
            JOIN entries e ON e.id = l.entry_id
            WHERE e.window_time >= @from AND e.window_time < @to
            ORDER BY l.entry_id, l.kind, l.target
            """, [("@from", SqliteTime.Write(fromUtc)), ("@to", SqliteTime.Write(toUtc))], ReadLink, cancellationToken);
        return entries.Select(e => byEntry.TryGetValue(e.Id, out var l) ? e with { Links = l } : e).ToList();
    }

    /// <summary>Entries matching <paramref name="query"/> with their links and tags, best score first, at most its limit (0: all).</summary>
    public async Task<IReadOnlyList<(StoredEntry Entry, IReadOnlyList<EntryTag> Tags)>> QueryAsync(EntryQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginReadAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var where = Filter(command, query);
        // The tags and the window time first: the entry's columns follow, as Read takes them.
        command.CommandText = $"""
            SELECT e.tags, e.window_time, e.id, e.source_id, e.kind, e.canonical_key, e.url, coalesce(o.title, e.title), coalesce(o.summary, e.summary), e.account,
                   e.published, e.first_seen, coalesce(o.section, e.section), e.prefix, e.version, e.score, e.status, e.story_id,
                   CASE WHEN o.title IS NOT NULL THEN e.title END, CASE WHEN o.summary IS NOT NULL THEN e.summary END
            FROM entries e LEFT JOIN entry_overrides o ON o.entry_id = e.id WHERE {where}
            ORDER BY e.score DESC, e.window_time DESC, e.id{(query.Limit > 0 ? " LIMIT @limit" : "")}
            """;
        if (query.Limit > 0) command.AddParameter("@limit", query.Limit);
        var entries = new List<(StoredEntry Entry, IReadOnlyList<EntryTag> Tags)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                // Read's optional columns (primary, position) are not selected: the source's text where the editor's replaced it follows at 18.
                var entry = Read(reader, 2, optional: false) with
                {
                    WindowTime = SqliteTime.Read(reader.GetString(1)),
                    SourceTitle = reader.IsDBNull(18) ? null : reader.GetString(18),
                    SourceSummary = reader.IsDBNull(19) ? null : reader.GetString(19),
                };
                entries.Add((entry, EntryTag.Parse(reader.IsDBNull(0) ? null : reader.GetString(0))));
            }
        }
        if (entries.Count == 0) return [];
        var links = await LinksAsync(connection, transaction, database.Dialect, entries.Select(e => e.Entry.Id), cancellationToken);
        return entries.Select(e => (links.TryGetValue(e.Entry.Id, out var l) ? e.Entry with { Links = l } : e.Entry, e.Tags)).ToList();
    }

    /// <summary>
    /// How many entries match <paramref name="query"/>, its limit aside, given that <see cref="QueryAsync"/> listed
    /// <paramref name="listed"/> of them: counted only when the limit may have cut the list.
    /// </summary>
    public async Task<long> TotalAsync(EntryQuery query, int listed, CancellationToken cancellationToken)
    {
        if (query.Limit == 0 || listed < query.Limit) return listed;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginReadAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT count(*) FROM entries e LEFT JOIN entry_overrides o ON o.entry_id = e.id WHERE {Filter(command, query)}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    // The WHERE clause of a query's filters (over entries e and entry_overrides o), their parameters added to the command.
    private string Filter(DbCommand command, EntryQuery query)
    {
        var where = new List<string> { "1 = 1" };
        if (query.FromUtc is { } from) { where.Add("e.window_time >= @from"); command.AddParameter("@from", SqliteTime.Write(from)); }
        if (query.ToUtc is { } to) { where.Add("e.window_time < @to"); command.AddParameter("@to", SqliteTime.Write(to)); }
        if (query.Section is { } section) { where.Add("coalesce(o.section, e.section) = @section"); command.AddParameter("@section", section); }
        if (query.Status is { } status) { where.Add("e.status = @status"); command.AddParameter("@status", status); }
        if (query.Tag is { } tag) { where.Add($"EXISTS (SELECT 1 FROM {database.Dialect.JsonObjectRows("e.tags")} t WHERE t.key = @tag)"); command.AddParameter("@tag", tag); }
        if (query.Ids is { Count: > 0 } ids)
        {
            where.Add(database.Dialect.IdIn("e.id", "@ids"));
            command.AddParameter("@ids", database.Dialect.IdList(ids));
        }
        return string.Join(" AND ", where);
    }

    private static EntryLink ReadLink(DbDataReader reader) => new(reader.GetString(1), reader.GetString(2), reader.GetString(3));

    /// <summary>The links of the entries <paramref name="ids"/> names, each entry's by kind and target, in one query (not one per entry).</summary>
    internal static Task<Dictionary<long, List<EntryLink>>> LinksAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect,
        IEnumerable<long> ids, CancellationToken cancellationToken) =>
        ByEntryAsync(connection, transaction,
            $"SELECT entry_id, kind, target, url FROM entry_links WHERE {dialect.IdIn("entry_id", "@ids")} ORDER BY entry_id, kind, target",
            [("@ids", dialect.IdList(ids))], ReadLink, cancellationToken);

    // Rows of (entry id, …), grouped by entry id in the query's order.
    private static async Task<Dictionary<long, List<T>>> ByEntryAsync<T>(DbConnection connection, DbTransaction? transaction, string sql,
        (string Name, object Value)[] parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, List<T>>();
        await using var command = connection.CreateCommand(transaction, sql);
        foreach (var (name, value) in parameters) command.AddParameter(name, value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            if (!result.TryGetValue(id, out var list)) result[id] = list = [];
            list.Add(read(reader));
        }
        return result;
    }

    /// <summary>
    /// Sets the editorial status of entries, all or none: when an id names no entry, nothing changes. An entry published in
    /// a recorded issue keeps that status (it is a label the models learn from; a later mark would contradict the issue).
    /// </summary>
    public async Task<StatusUpdate> SetStatusAsync(IReadOnlyList<long> ids, string status, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand(transaction,
            "UPDATE entries SET status = CASE WHEN status = 'published' THEN status ELSE @status END WHERE id = @id RETURNING status = 'published'");
        command.AddParameter("@status", status);
        var id = command.AddParameter("@id");
        List<long> set = [], published = [], unknown = [];
        foreach (var value in ids)
        {
            id.Value = value;
            var kept = await command.ExecuteScalarAsync(cancellationToken);
            (kept is null or DBNull ? unknown : Convert.ToBoolean(kept, CultureInfo.InvariantCulture) ? published : set).Add(value);
        }
        if (unknown.Count > 0) return new StatusUpdate([], [], unknown);
        await transaction.CommitAsync(cancellationToken);
        return new StatusUpdate(set, published, []);
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
    internal static StoredEntry Read(DbDataReader reader, int offset = 0, bool optional = true) => new(
        reader.GetInt64(offset), reader.GetString(offset + 1), reader.GetString(offset + 2), reader.GetString(offset + 3), reader.GetString(offset + 4),
        reader.GetString(offset + 5), reader.GetString(offset + 6), reader.IsDBNull(offset + 7) ? null : reader.GetString(offset + 7),
        SqliteTime.ReadOrNull(reader.GetValue(offset + 8)), SqliteTime.Read(reader.GetString(offset + 9)),
        reader.IsDBNull(offset + 10) ? null : reader.GetString(offset + 10), reader.IsDBNull(offset + 11) ? null : reader.GetString(offset + 11),
        reader.IsDBNull(offset + 12) ? null : reader.GetInt32(offset + 12), reader.GetDouble(offset + 13), reader.GetString(offset + 14),
        reader.IsDBNull(offset + 15) ? null : reader.GetInt64(offset + 15), [])
    {
        IsStoryPrimary = optional && reader.FieldCount > offset + 16 && reader.GetBoolean(offset + 16),
        Position = optional && reader.FieldCount > offset + 17 && !reader.IsDBNull(offset + 17) ? reader.GetInt32(offset + 17) : null,
    };
}
