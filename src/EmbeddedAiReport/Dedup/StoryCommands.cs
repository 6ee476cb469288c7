using System.Globalization;
using System.Text;
using EmbeddedAiReport.Storage;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Dedup;

/// <summary>The statements of one story pass, each prepared once and bound per use.</summary>
internal sealed class StoryCommands(SqliteConnection connection, SqliteTransaction transaction, DedupOptions options) : IDisposable
{
    // Queries that find related entries return (id, current story) pairs.
    public SqliteCommand SameText { get; } = Make(connection, transaction, """
        SELECT s.entry_id, e.story_id FROM entry_signatures s JOIN entries e ON e.id = s.entry_id
        WHERE s.text_hash = $hash AND s.entry_id <> $id ORDER BY s.entry_id DESC LIMIT $limit
        """);
    // Callers only compare the count with MaxLinkFanout: counting stops one past it, so a hub target costs no scan.
    public SqliteCommand Fanout { get; } = Make(connection, transaction,
        $"SELECT count(*) FROM (SELECT 1 FROM entry_links WHERE target = $target LIMIT {options.MaxLinkFanout} + 1)");
    public SqliteCommand KeyOwner { get; } = Make(connection, transaction, "SELECT id, story_id FROM entries WHERE canonical_key = $target");
    public SqliteCommand Linkers { get; } = Make(connection, transaction, """
        SELECT l.entry_id, e.story_id FROM entry_links l JOIN entries e ON e.id = l.entry_id
        WHERE l.target = $target AND (SELECT count(*) FROM entry_links m WHERE m.entry_id = l.entry_id) <= $max_links
        """);
    public SqliteCommand SaveSignature { get; } = Make(connection, transaction,
        "INSERT OR REPLACE INTO entry_signatures (entry_id, text_hash, shingles, signature) VALUES ($id, $hash, $shingles, $signature)");
    public SqliteCommand PendingIds { get; } = Make(connection, transaction, "SELECT entry_id FROM entry_pending ORDER BY entry_id");
    // Pending entries with their links, by id (a JSON array): what a pass needs to sign and place them.
    public SqliteCommand PendingRows { get; } = Make(connection, transaction, """
        SELECT e.id, e.canonical_key, e.title, e.summary, e.account, e.window_time, e.story_id, l.kind, l.target
        FROM json_each($ids) j JOIN entries e ON e.id = j.value LEFT JOIN entry_links l ON l.entry_id = e.id
        ORDER BY e.id, l.target
        """);
    // Rows of entries that no longer exist (a deleted entry's signature went with it and listed it).
    public SqliteCommand DropOrphans { get; } = Make(connection, transaction,
        "DELETE FROM entry_pending WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = entry_pending.entry_id)");
    public SqliteCommand StoryOf { get; } = Make(connection, transaction, "SELECT story_id FROM entries WHERE id = $id");
    public SqliteCommand CreateStory { get; } = Make(connection, transaction, "INSERT INTO stories (primary_entry_id, created) VALUES ($id, $now) RETURNING id");
    public SqliteCommand StoryRow { get; } = Make(connection, transaction, "SELECT primary_entry_id, primary_pinned FROM stories WHERE id = $id");
    public SqliteCommand MoveStory { get; } = Make(connection, transaction,
        "UPDATE entries SET story_id = $to WHERE story_id = $from; DELETE FROM stories WHERE id = $from;");
    public SqliteCommand KeepPinned { get; } = Make(connection, transaction,
        "UPDATE stories SET primary_entry_id = $id, primary_pinned = 1 WHERE id = $to AND primary_pinned = 0");
    public SqliteCommand SetStory { get; } = Make(connection, transaction, "UPDATE entries SET story_id = $story WHERE id = $id");
    public SqliteCommand Members { get; } = Make(connection, transaction, """
        SELECT e.id, e.canonical_key, e.title, e.summary, e.account, e.window_time, s.primary_pinned AND s.primary_entry_id = e.id
        FROM entries e JOIN stories s ON s.id = e.story_id WHERE e.story_id = $story ORDER BY e.id
        """);
    public SqliteCommand SetPrimary { get; } = Make(connection, transaction, """
        UPDATE stories SET primary_entry_id = NULL WHERE primary_entry_id = $id AND id <> $story;
        UPDATE stories SET primary_entry_id = $id WHERE id = $story;
        """);

    /// <summary>The pending entries among <paramref name="ids"/> with their links (ordered by id); rows of entries that no longer exist are dropped.</summary>
    /// <param name="fingerprints">Fingerprints over the whole text of entries a poll just changed.</param>
    public async Task<List<StoryCandidate>> LoadPendingAsync(List<long> ids, IReadOnlyDictionary<long, StoryCandidate> fingerprints,
        CancellationToken cancellationToken)
    {
        var json = new StringBuilder("[");
        foreach (var id in ids) json.Append(json.Length == 1 ? "" : ",").Append(id.ToString(CultureInfo.InvariantCulture));
        json.Append(']');
        var result = new List<StoryCandidate>(ids.Count);
        var links = new List<(string Kind, string Target)>();
        await using (var reader = await With(PendingRows, ("$ids", json.ToString())).ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                if (result.Count == 0 || result[^1].Id != id)
                {
                    links = [];
                    result.Add(new StoryCandidate(id, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                        SqliteTime.Read(reader.GetString(5)), reader.IsDBNull(6) ? null : reader.GetInt64(6), links,
                        fingerprints.TryGetValue(id, out var known) ? known.Fingerprint : null));
                }
                if (!reader.IsDBNull(7)) links.Add((reader.GetString(7), reader.GetString(8)));
            }
        }
        if (result.Count < ids.Count) await DropOrphans.ExecuteNonQueryAsync(cancellationToken);
        return result;
    }

    public async Task Execute(SqliteCommand command, CancellationToken cancellationToken, params (string Name, object Value)[] values)
    {
        Bind(command, values);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> Scalar(SqliteCommand command, CancellationToken cancellationToken, params (string Name, object Value)[] values)
    {
        Bind(command, values);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    // Reads (entry id, story id or null) rows into `into`.
    public async Task ReadIds(SqliteCommand command, Dictionary<long, long?> into, CancellationToken cancellationToken, params (string Name, object Value)[] values)
    {
        Bind(command, values);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) into[reader.GetInt64(0)] = reader.IsDBNull(1) ? null : reader.GetInt64(1);
    }

    public void Dispose()
    {
        foreach (var command in new[] { SameText, PendingIds, PendingRows, DropOrphans, Fanout, KeyOwner, Linkers, SaveSignature, StoryOf,
                     CreateStory, StoryRow, MoveStory, KeepPinned, SetStory, Members, SetPrimary })
            command.Dispose();
    }

    public SqliteCommand With(SqliteCommand command, params (string Name, object Value)[] values)
    {
        Bind(command, values);
        return command;
    }

    private static void Bind(SqliteCommand command, (string Name, object Value)[] values)
    {
        // The same statement is bound with the same names every time: reuse its parameters, set only their values.
        var parameters = command.Parameters;
        var same = parameters.Count == values.Length;
        for (var i = 0; same && i < values.Length; i++) same = parameters[i].ParameterName == values[i].Name;
        if (same)
        {
            for (var i = 0; i < values.Length; i++) parameters[i].Value = values[i].Value;
            return;
        }
        parameters.Clear();
        foreach (var (name, value) in values) parameters.AddWithValue(name, value);
    }

    private static SqliteCommand Make(SqliteConnection connection, SqliteTransaction transaction, string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        return command;
    }
}
