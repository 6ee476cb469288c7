using System.Data.Common;

namespace EmbeddedAiReport.Storage;

/// <summary>The <c>entry_overrides</c> table (the editor's title, summary, section and place) and the editor's view of a window.</summary>
/// <remarks>Polls never write this table, so what the editor set survives every re-poll; draft reads apply it (<see cref="EntryStore.ListWindowAsync"/>).</remarks>
public sealed class EditorStore(ReportDatabase database, TimeProvider timeProvider)
{
    /// <summary>
    /// Sets the editor's title and/or summary of an entry: null or the text shown now leaves that field as it is; an empty
    /// text or the source's own text goes back to what the source gives.
    /// </summary>
    /// <param name="stale">
    /// Given the title and summary drafts show now, read while this edit holds the write lock (so no other edit or poll
    /// commits between the look and the save): null when the edit may be saved, else why not, and nothing is saved.
    /// </param>
    /// <returns>Found: false when there is no such entry; Stale: what <paramref name="stale"/> said when it refused the edit.</returns>
    public async Task<(bool Found, string? Stale)> SetTextAsync(long entryId, string? title, string? summary, CancellationToken cancellationToken,
        Func<(string Title, string Summary), string?>? stale = null)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await using (var command = connection.CreateCommand(transaction,
            "SELECT e.title, e.summary, o.title, o.summary FROM entries e LEFT JOIN entry_overrides o ON o.entry_id = e.id WHERE e.id = @id"))
        {
            command.AddParameter("@id", entryId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return (false, null);
            var (sourceTitle, sourceSummary, ownTitle, ownSummary) = (reader.GetString(0), reader.GetString(1), Text(reader, 2), Text(reader, 3));
            if (stale?.Invoke((ownTitle ?? sourceTitle, ownSummary ?? sourceSummary)) is { } problem) return (true, problem);
            title = Change(title, sourceTitle, ownTitle);
            summary = Change(summary, sourceSummary, ownSummary);
        }
        await WriteAsync(connection, transaction, entryId, cancellationToken, (title, "title"), (summary, "summary"));
        await transaction.CommitAsync(cancellationToken);
        return (true, null);
    }

    /// <summary>The title and summary drafts show for an entry now (the editor's, else the source's); null when there is no such entry.</summary>
    public async Task<(string Title, string Summary)?> TextAsync(long entryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(o.title, e.title), coalesce(o.summary, e.summary) FROM entries e LEFT JOIN entry_overrides o ON o.entry_id = e.id WHERE e.id = @id";
        command.AddParameter("@id", entryId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    // What to write for an edited field: null (nothing), "" (back to the source) or the new text.
    private static string? Change(string? wanted, string source, string? current)
    {
        if (wanted is null) return null;
        var text = wanted.Trim();
        if (text == (current ?? source)) return null;
        return text == source ? "" : text;
    }

    /// <summary>Moves an entry to another section (null: back to the pipeline's section); its place is reset. False when there is no such entry.</summary>
    public Task<bool> SetSectionAsync(long entryId, string? section, CancellationToken cancellationToken) =>
        UpdateAsync(entryId, cancellationToken, (section ?? "", "section"), ("", "position"));

    /// <summary>
    /// Gives the ids <paramref name="order"/> returns the places 1, 2, … within their section, in one transaction; <paramref name="order"/>
    /// runs while it holds the write lock, so the order it reads (on other connections) is the one it replaces: no other move
    /// or poll commits in between. Null from it writes nothing.
    /// </summary>
    public async Task SetPositionsAsync(Func<Task<IReadOnlyList<long>?>> order, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        if (await order() is not { } orderedIds) return;
        await using var command = connection.CreateCommand(transaction, """
            INSERT INTO entry_overrides (entry_id, position, updated) VALUES (@id, @position, @now)
            ON CONFLICT (entry_id) DO UPDATE SET position = excluded.position, updated = excluded.updated
            """);
        var id = command.AddParameter("@id");
        var position = command.AddParameter("@position");
        command.AddParameter("@now", SqliteTime.Write(timeProvider.GetUtcNow()));
        for (var i = 0; i < orderedIds.Count; i++)
        {
            id.Value = orderedIds[i];
            position.Value = i + 1;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The time an entry is placed in windows by (published, else first seen), or null when there is no such entry.</summary>
    public async Task<DateTimeOffset?> WindowTimeAsync(long entryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT window_time FROM entries WHERE id = @id";
        command.AddParameter("@id", entryId);
        return SqliteTime.ReadOrNull(await command.ExecuteScalarAsync(cancellationToken) ?? DBNull.Value);
    }

    /// <summary>One entry as <see cref="ListWindowAsync"/> reads it (overrides applied, tags, the covering issue), or null when there is no such entry.</summary>
    /// <remarks>
    /// The same query by the entry's id: read as the window of its own millisecond, it read every entry of that millisecond
    /// (a feed's entries polled at once share it) and their links, for the review page's every Edit and unfolded story member.
    /// </remarks>
    public async Task<ReviewEntry?> EntryAsync(long entryId, CancellationToken cancellationToken) =>
        (await ReadAsync(ById, [("@id", entryId)], cancellationToken)).SingleOrDefault();

    /// <summary>
    /// Every entry whose window time falls in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), whatever its status, with
    /// overrides applied, tags and links, and the recorded issue that covers it, from one read snapshot.
    /// </summary>
    public Task<IReadOnlyList<ReviewEntry>> ListWindowAsync(DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken) =>
        ReadAsync(InWindow, [("@from", SqliteTime.Write(fromUtc)), ("@to", SqliteTime.Write(toUtc))], cancellationToken);

    // Which entries ReadAsync reads (of entries e) and its parameters' names: the constants here.
    private const string InWindow = "e.window_time >= @from AND e.window_time < @to";
    private const string ById = "e.id = @id";

    private async Task<IReadOnlyList<ReviewEntry>> ReadAsync(string filter, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginReadAsync(connection, cancellationToken);
        DbCommand Command(string sql)
        {
            var command = connection.CreateCommand(transaction, sql);
            foreach (var (name, value) in parameters) command.AddParameter(name, value);
            return command;
        }
        var rows = new List<(StoredEntry Entry, string? CoveredBy, string? Title, string? Summary, string? Section, List<EntryTag> Tags)>();
        await using (var command = Command($"{ListSql} {filter} ORDER BY e.id"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                rows.Add((EntryStore.Read(reader) with { WindowTime = SqliteTime.Read(reader.GetString(23)), IsPageGone = reader.GetBoolean(24) }, Text(reader, 18), Text(reader, 19), Text(reader, 20),
                    Text(reader, 21), EntryTag.Parse(Text(reader, 22))));
        }
        var links = new Dictionary<long, List<EntryLink>>();
        await using (var command = Command(
            $"SELECT l.entry_id, l.kind, l.target, l.url FROM entry_links l JOIN entries e ON e.id = l.entry_id WHERE {filter} ORDER BY l.entry_id, l.kind, l.target"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) Add(links, reader.GetInt64(0), new EntryLink(reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }
        return rows.Select(r => new ReviewEntry(
            (links.TryGetValue(r.Entry.Id, out var l) ? r.Entry with { Links = l } : r.Entry) with { SourceTitle = r.Title, SourceSummary = r.Summary },
            r.Tags, r.CoveredBy, r.Title, r.Summary, r.Section)).ToList();
    }

    // The columns EntryStore.Read expects (overrides applied), then the covering issue's date, the source's own text where
    // overridden, the tags, the window time and whether its page was found gone; the WHERE's condition follows (ReadAsync).
    private const string ListSql = $"""
        WITH story_issues AS (   -- the first issue that published a member of each story, found once, not per entry
            SELECT p.story_id, min(i.date) AS date FROM issue_items ii JOIN entries p ON p.canonical_key = ii.canonical_key
            JOIN issues i ON i.id = ii.issue_id WHERE p.story_id IS NOT NULL GROUP BY p.story_id)
        SELECT e.id, e.source_id, e.kind, e.canonical_key, e.url, coalesce(o.title, e.title), coalesce(o.summary, e.summary), e.account,
               e.published, e.first_seen, coalesce(o.section, e.section), e.prefix, e.version, e.score, e.status, e.story_id,
               EXISTS (SELECT 1 FROM stories s WHERE s.id = e.story_id AND s.primary_entry_id = e.id), o.position,
               coalesce((SELECT min(i.date) FROM issue_items ii JOIN issues i ON i.id = ii.issue_id WHERE ii.canonical_key = e.canonical_key), si.date),
               CASE WHEN o.title IS NOT NULL THEN e.title END, CASE WHEN o.summary IS NOT NULL THEN e.summary END,
               CASE WHEN o.section IS NOT NULL THEN e.section END, e.tags, e.window_time,
               {PageStore.PageGoneSql}
        FROM entries e LEFT JOIN entry_overrides o ON o.entry_id = e.id LEFT JOIN story_issues si ON si.story_id = e.story_id
        WHERE
        """;

    private async Task<bool> UpdateAsync(long entryId, CancellationToken cancellationToken, params (string? Value, string Column)[] fields)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        if (!await WriteAsync(connection, transaction, entryId, cancellationToken, fields)) return false;
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    // Writes the override's fields within the caller's write transaction; false when there is no such entry.
    private async Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, long entryId, CancellationToken cancellationToken,
        params (string? Value, string Column)[] fields)
    {
        await using var insert = connection.CreateCommand(transaction, """
            INSERT INTO entry_overrides (entry_id, updated) SELECT id, @now FROM entries WHERE id = @id
            ON CONFLICT (entry_id) DO UPDATE SET updated = excluded.updated
            """);
        insert.AddParameter("@id", entryId);
        insert.AddParameter("@now", SqliteTime.Write(timeProvider.GetUtcNow()));
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0) return false;
        foreach (var (value, column) in fields.Where(f => f.Value is not null))
        {
            // Column names are the constants above.
            await using var update = connection.CreateCommand(transaction, $"UPDATE entry_overrides SET {column} = @value WHERE entry_id = @id");
            update.AddParameter("@id", entryId);
            update.AddParameter("@value", value!.Trim().Length == 0 ? DBNull.Value : value.Trim());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var prune = connection.CreateCommand(transaction, "DELETE FROM entry_overrides WHERE entry_id = @id AND title IS NULL AND summary IS NULL AND section IS NULL AND position IS NULL");
        prune.AddParameter("@id", entryId);
        await prune.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static void Add<T>(Dictionary<long, List<T>> map, long id, T value)
    {
        if (!map.TryGetValue(id, out var list)) map[id] = list = [];
        list.Add(value);
    }
}
