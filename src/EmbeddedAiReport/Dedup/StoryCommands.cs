using EmbeddedAiReport.Storage;
using System.Data.Common;

namespace EmbeddedAiReport.Dedup;

/// <summary>The statements of one story pass, each prepared once and bound per use, run in order through the transaction's <see cref="CommandPipeline"/>.</summary>
internal sealed class StoryCommands(SqlDialect dialect, CommandPipeline pipeline, DbConnection connection, DbTransaction transaction)
    : IDisposable
{
    // Queries that find related entries return (id, current story) pairs.
    // The same-text index is keyed by the hash's first 8 digits (migration 0022: half the pages of the full hash), so the
    // same-text queries name that prefix to reach it and compare the full hash on what it finds: colliding prefixes never join.
    public DbCommand SameText { get; } = connection.CreateCommand(transaction, $"""
        SELECT s.entry_id, e.story_id FROM entry_signatures s JOIN entries e ON e.id = s.entry_id
        WHERE {SameHash("s.text_hash", "@hash")} AND s.entry_id <> @id ORDER BY s.entry_id DESC LIMIT @limit
        """);
    // Whether any stored signature has each of a poll's text hashes (those none has cannot match: their SameText lookups are
    // skipped). One index probe per hash, as a subquery per row: a join let PostgreSQL's planner scan every signature.
    public DbCommand StoredHashes { get; } = connection.CreateCommand(transaction, $"""
        SELECT j.value, EXISTS (SELECT 1 FROM entry_signatures s WHERE {SameHash("s.text_hash", "j.value")})
        FROM {dialect.IndexedTexts("@values")} j
        """);
    // Whether any stored entry has each of a poll's link targets as its key or links it (the others, unless another entry of
    // the poll names them, cannot join anything: their Linked lookups are skipped).
    public DbCommand StoredTargets { get; } = connection.CreateCommand(transaction, $"""
        SELECT j.value, EXISTS (SELECT 1 FROM entries e WHERE e.canonical_key = j.value) OR EXISTS (SELECT 1 FROM entry_links l WHERE l.target = j.value)
        FROM {dialect.IndexedTexts("@values")} j
        """);
    // What a link target joins, in one statement (one round trip on PostgreSQL): unless more than MaxLinkFanout entries
    // link it (a hub: counting stops one past it, so a hub costs no scan), the entry whose key it is (@owner) and the
    // entries of at most @max_links links that link it (@linkers); @fanout is Dedup:MaxLinkFanout.
    public DbCommand Linked { get; } = connection.CreateCommand(transaction, """
        SELECT o.id, o.story_id FROM entries o
        WHERE @owner AND o.canonical_key = @target
          AND (SELECT count(*) FROM (SELECT 1 FROM entry_links WHERE target = @target LIMIT @fanout + 1) AS linking) <= @fanout
        UNION ALL
        SELECT l.entry_id, e.story_id FROM entry_links l JOIN entries e ON e.id = l.entry_id
        WHERE @linkers AND l.target = @target AND (SELECT count(*) FROM entry_links m WHERE m.entry_id = l.entry_id) <= @max_links
          AND (SELECT count(*) FROM (SELECT 1 FROM entry_links WHERE target = @target LIMIT @fanout + 1) AS linking) <= @fanout
        """);
    // How many entries link each of @values, counting at most @limit (a hub's count stops there, so it costs no scan).
    public DbCommand Linking { get; } = connection.CreateCommand(transaction, $"""
        SELECT j.value, (SELECT count(*) FROM (SELECT 1 FROM entry_links l WHERE l.target = j.value LIMIT @limit) AS linking)
        FROM {dialect.IndexedTexts("@values")} j
        """);
    // The stories of a target's own entry and of the entries that link it.
    public DbCommand TargetStories { get; } = connection.CreateCommand(transaction, """
        SELECT story_id FROM entries WHERE canonical_key = @target AND story_id IS NOT NULL
        UNION SELECT e.story_id FROM entry_links l JOIN entries e ON e.id = l.entry_id WHERE l.target = @target AND e.story_id IS NOT NULL
        """);
    // A story's members with what groups them: key, window time, text hash and signature (null before it is signed).
    public DbCommand StoryTexts { get; } = connection.CreateCommand(transaction, """
        SELECT e.id, e.canonical_key, e.window_time, s.text_hash, s.signature FROM entries e LEFT JOIN entry_signatures s ON s.entry_id = e.id
        WHERE e.story_id = @story ORDER BY e.id
        """);
    public DbCommand StoryLinks { get; } = connection.CreateCommand(transaction,
        "SELECT l.entry_id, l.kind, l.target FROM entry_links l JOIN entries e ON e.id = l.entry_id WHERE e.story_id = @story ORDER BY l.entry_id, l.target");
    public DbCommand SaveSignature { get; } = connection.CreateCommand(transaction,
        """
        INSERT INTO entry_signatures (entry_id, text_hash, shingles, signature) VALUES (@id, @hash, @shingles, @signature)
        ON CONFLICT (entry_id) DO UPDATE SET text_hash = excluded.text_hash, shingles = excluded.shingles, signature = excluded.signature
        """);
    public DbCommand PendingIds { get; } = connection.CreateCommand(transaction, "SELECT entry_id FROM entry_pending ORDER BY entry_id");
    // Pending entries with their links, by id: what a pass needs to sign and place them.
    public DbCommand PendingRows { get; } = connection.CreateCommand(transaction, $"""
        SELECT e.id, e.canonical_key, e.title, e.summary, e.account, e.window_time, e.story_id, l.kind, l.target
        FROM entries e LEFT JOIN entry_links l ON l.entry_id = e.id WHERE {dialect.IdIn("e.id", "@ids")}
        ORDER BY e.id, l.target
        """);
    // Rows of entries that no longer exist (a deleted entry's signature went with it and listed it).
    public DbCommand DropOrphans { get; } = connection.CreateCommand(transaction,
        "DELETE FROM entry_pending WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = entry_pending.entry_id)");
    public DbCommand StoryOf { get; } = connection.CreateCommand(transaction, "SELECT story_id FROM entries WHERE id = @id");
    public DbCommand CreateStory { get; } = connection.CreateCommand(transaction, "INSERT INTO stories (primary_entry_id, created) VALUES (@id, @now) RETURNING id");
    public DbCommand StoryRow { get; } = connection.CreateCommand(transaction, "SELECT primary_entry_id, primary_pinned FROM stories WHERE id = @id");
    public DbCommand MoveStory { get; } = connection.CreateCommand(transaction,
        "UPDATE entries SET story_id = @to WHERE story_id = @from; DELETE FROM stories WHERE id = @from;");
    public DbCommand KeepPinned { get; } = connection.CreateCommand(transaction,
        "UPDATE stories SET primary_entry_id = @id, primary_pinned = TRUE WHERE id = @to AND NOT primary_pinned");
    public DbCommand SetStory { get; } = connection.CreateCommand(transaction, "UPDATE entries SET story_id = @story WHERE id = @id");
    public DbCommand Members { get; } = connection.CreateCommand(transaction, """
        SELECT e.id, e.canonical_key, e.title, e.summary, e.account, e.window_time, s.primary_pinned AND s.primary_entry_id = e.id
        FROM entries e JOIN stories s ON s.id = e.story_id WHERE e.story_id = @story ORDER BY e.id
        """);
    public DbCommand SetPrimary { get; } = connection.CreateCommand(transaction, """
        UPDATE stories SET primary_entry_id = NULL WHERE primary_entry_id = @id AND id <> @story;
        UPDATE stories SET primary_entry_id = @id WHERE id = @story;
        """);

    /// <summary>The pending entries among <paramref name="ids"/> with their links (ordered by id); rows of entries that no longer exist are dropped.</summary>
    /// <param name="fingerprints">Fingerprints over the whole text of entries a poll just changed.</param>
    public async Task<List<StoryCandidate>> LoadPendingAsync(List<long> ids, IReadOnlyDictionary<long, StoryCandidate> fingerprints,
        CancellationToken cancellationToken)
    {
        var result = new List<StoryCandidate>(ids.Count);
        var links = new List<(string Kind, string Target)>();
        await using (var reader = await Read(PendingRows, cancellationToken, ("@ids", dialect.IdList(ids))))
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
        if (result.Count < ids.Count) await pipeline.ExecuteAsync(DropOrphans, cancellationToken);
        return result;
    }

    public async Task Execute(DbCommand command, CancellationToken cancellationToken, params (string Name, object Value)[] values)
    {
        Bind(command, values);
        await pipeline.ExecuteAsync(command, cancellationToken);
    }

    public async Task<long> Scalar(DbCommand command, CancellationToken cancellationToken, params (string Name, object Value)[] values)
    {
        Bind(command, values);
        return Convert.ToInt64(await pipeline.ScalarAsync(command, cancellationToken));
    }

    /// <summary>The first column of the first row, or null when there is none (or it is NULL).</summary>
    public async Task<object?> Value(DbCommand command, CancellationToken cancellationToken, params (string Name, object Value)[] values)
    {
        Bind(command, values);
        return await pipeline.ScalarAsync(command, cancellationToken) is { } value and not DBNull ? value : null;
    }

    /// <summary>Runs a query after whatever the pipeline holds; dispose the reader before the next statement.</summary>
    public Task<DbDataReader> Read(DbCommand command, CancellationToken cancellationToken, params (string Name, object Value)[] values)
    {
        Bind(command, values);
        return pipeline.ReadAsync(command, cancellationToken);
    }

    /// <summary>Sends what the pipeline holds (before a statement that does not go through it).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => pipeline.FlushAsync(cancellationToken);

    // Reads (entry id, story id or null) rows into `into`.
    public async Task ReadIds(DbCommand command, Dictionary<long, long?> into, CancellationToken cancellationToken, params (string Name, object Value)[] values)
    {
        Bind(command, values);
        await using var reader = await pipeline.ReadAsync(command, cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) into[reader.GetInt64(0)] = reader.IsDBNull(1) ? null : reader.GetInt64(1);
    }

    public void Dispose()
    {
        foreach (var command in new[] { SameText, StoredHashes, StoredTargets, PendingIds, PendingRows, DropOrphans, Linked, Linking, TargetStories,
                     StoryTexts, StoryLinks, SaveSignature, StoryOf, CreateStory, StoryRow, MoveStory, KeepPinned, SetStory, Members, SetPrimary })
            command.Dispose();
    }

    // A stored hash equal to a value, through the same-text index (migration 0022): its key written as the index's expression,
    // so that both providers' planners match it, then the full hash. The full hash is compared as `column || ''`: an SQLite
    // that propagates the constant of a plain `column = value` into the key term (Debian's 3.40 does, for literals and
    // bound values alike) leaves that term without the column and scans every signature; the bundled 3.53 searches the index
    // either way (SameTextPlanTests reads the plan).
    private static string SameHash(string column, string value) => $"substr({column}, 1, 8) = substr({value}, 1, 8) AND {column} || '' = {value}";

    private static void Bind(DbCommand command, (string Name, object Value)[] values)
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
        foreach (var (name, value) in values) command.AddParameter(name, value);
    }
}
