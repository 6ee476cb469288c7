using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using EmbeddedAiReport.Storage;
using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Dedup;

/// <summary>Puts new and changed entries into stories: same text, near-duplicate text, or a shared paper/repository.</summary>
/// <remarks>
/// Runs after a fetch commits, over every entry that has no fingerprint yet (new ones, and ones whose title,
/// summary or links changed: triggers drop their fingerprint), so a crash between the two only delays the work.
/// One IMMEDIATE transaction per pass serializes concurrent pollers. Cost per entry is a fixed number of indexed
/// lookups: its LSH bands in the in-memory <see cref="BandIndex"/> (each bucket giving at most <see cref="DedupOptions.MaxBucketCandidates"/>
/// candidates, each re-checked against its stored signature), a few per link target, never a scan over all entries.
/// An entry joins the stories of:
/// <list type="bullet">
/// <item>entries with the same normalized text (title + summary);</item>
/// <item>entries within <see cref="DedupOptions.LookbackDays"/> whose estimated Jaccard similarity reaches <see cref="DedupOptions.Threshold"/>;</item>
/// <item>the paper or repository it links to (and, for a paper or repository, the entries linking to it);</item>
/// <item>other entries linking the same arXiv paper (two posts about one paper). Two posts sharing only a repository
/// link do not join: they often just cite the framework they use.</item>
/// </list>
/// Roundups (more than <see cref="DedupOptions.MaxLinksPerEntry"/> links) and hubs (targets linked by more than
/// <see cref="DedupOptions.MaxLinkFanout"/> entries) group nothing by link.
/// </remarks>
public sealed class StoryAssigner(
    ReportDatabase database, MinHasher hasher, StoryPrimary primaryRule, DedupOptions options, TimeProvider timeProvider, ILogger<StoryAssigner> logger)
{
    // Band buckets of recent entries: a cache of entry_signatures owned by this (singleton) assigner.
    private readonly BandIndex _bands = new(hasher, options);

    private sealed record Pending(long Id, string Key, string Title, string Summary, string? Account, DateTimeOffset Time, long? StoryId)
    {
        public List<(string Kind, string Target)> Links { get; } = [];
    }

    /// <summary>Assigns every pending entry to a story and refreshes the primaries of the stories it touched.</summary>
    public async Task<StoryAssignment> AssignPendingAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var pending = await LoadPendingAsync(connection, transaction, cancellationToken);
        if (pending.Count == 0) return default;

        var clockNow = timeProvider.GetUtcNow();
        var lookback = TimeSpan.FromDays(options.LookbackDays);
        // The index must hold every entry a pending one may be compared with: back to the lookback before the oldest of them.
        var first = pending.Min(p => p.Time);
        var oldest = Earlier(first < clockNow ? first : clockNow, lookback);
        var refresh = await _bands.RefreshAsync(connection, transaction, clockNow, oldest, cancellationToken);
        if (refresh.Rebuilt) logger.BandsLoaded(refresh.Loaded, _bands.ApproximateBytes / Math.Max(1, refresh.Loaded), clock.ElapsedMilliseconds);

        using var sql = new Commands(database, connection, transaction, options);
        var now = SqliteTime.Write(clockNow);
        var touched = new HashSet<long>();
        // Stories created in this pass that still hold only the entry that created it: their primary is that entry.
        var single = new Dictionary<long, long>();
        int created = 0, merged = 0;
        foreach (var entry in pending)
        {
            var fingerprint = hasher.Fingerprint(entry.Title, entry.Summary);
            var bandKeys = fingerprint.Comparable ? hasher.BandKeys(fingerprint.Signature) : null;
            // Related entries with their current story, read by the same queries that find them.
            var related = new Dictionary<long, long?>();
            await FindSameTextAsync(sql, entry, fingerprint, related, cancellationToken);
            await FindSimilarAsync(sql, entry, fingerprint, bandKeys, related, cancellationToken);
            await FindLinkedAsync(sql, entry, related, cancellationToken);
            related.Remove(entry.Id);
            await SaveFingerprintAsync(sql, entry.Id, fingerprint, cancellationToken);
            if (bandKeys is not null) _bands.Add(entry.Id, bandKeys);

            var stories = new SortedSet<long>();
            // A new entry has no story, and nothing in this pass gives it one before its turn: only re-signed entries need the query.
            if (entry.StoryId is not null && await CurrentStoryAsync(sql, entry.Id, cancellationToken) is { } own) stories.Add(own);
            foreach (var story in related.Values)
                if (story is { } s) stories.Add(s);

            long target;
            if (stories.Count == 0)
            {
                target = await sql.Scalar(sql.CreateStory, cancellationToken, ("@now", now));
                single[target] = entry.Id;
                created++;
            }
            else
            {
                target = stories.Min;
                single.Remove(target);
                foreach (var other in stories.Where(s => s != target))
                {
                    await MergeAsync(sql, other, target, cancellationToken);
                    touched.Remove(other);
                    single.Remove(other);
                    merged++;
                }
            }
            await sql.Execute(sql.SetStory, cancellationToken, ("@id", entry.Id), ("@story", target));
            touched.Add(target);
        }

        foreach (var story in touched)
        {
            // A story of one entry needs no member query: the rule can only choose that entry (and nobody pinned it yet).
            if (single.TryGetValue(story, out var only)) await sql.Execute(sql.SetPrimary, cancellationToken, ("@story", story), ("@id", only));
            else await RefreshPrimaryAsync(sql, story, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        _bands.Advance(pending[^1].Id);
        logger.Assigned(pending.Count, created, merged, clock.ElapsedMilliseconds);
        return new StoryAssignment(pending.Count, created, merged);
    }

    /// <summary>Pins <paramref name="entryId"/> as the primary of its story (an editor's choice); later passes keep it.</summary>
    /// <returns>False when the entry does not exist or has no story yet.</returns>
    public async Task<bool> PinPrimaryAsync(long entryId, CancellationToken cancellationToken)
    {
        if (await StoryOfAsync(entryId, cancellationToken) is not { } story) return false;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE stories SET primary_entry_id = NULL WHERE primary_entry_id = @id;
            UPDATE stories SET primary_entry_id = @id, primary_pinned = TRUE WHERE id = @story;
            """;
        command.AddParameter("@id", entryId);
        command.AddParameter("@story", story);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The story an entry belongs to, or null.</summary>
    public async Task<long?> StoryOfAsync(long entryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT story_id FROM entries WHERE id = @id";
        command.AddParameter("@id", entryId);
        return await command.ExecuteScalarAsync(cancellationToken) is long story ? story : null;
    }

    private static async Task<List<Pending>> LoadPendingAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT e.id, e.canonical_key, e.title, e.summary, e.account, e.window_time, e.story_id, l.kind, l.target
            FROM entries e
            LEFT JOIN entry_links l ON l.entry_id = e.id
            WHERE NOT EXISTS (SELECT 1 FROM entry_signatures s WHERE s.entry_id = e.id)
            ORDER BY e.id, l.target
            """;
        var result = new List<Pending>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            if (result.Count == 0 || result[^1].Id != id)
                result.Add(new Pending(id, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                    SqliteTime.Read(reader.GetString(5)), reader.IsDBNull(6) ? null : reader.GetInt64(6)));
            if (!reader.IsDBNull(7)) result[^1].Links.Add((reader.GetString(7), reader.GetString(8)));
        }
        return result;
    }

    private async Task FindSameTextAsync(Commands sql, Pending entry, TextFingerprint fingerprint, Dictionary<long, long?> related, CancellationToken cancellationToken)
    {
        if (fingerprint.TextHash is null) return;
        await sql.ReadIds(sql.SameText, related, cancellationToken, ("@hash", fingerprint.TextHash), ("@id", entry.Id), ("@limit", options.MaxBucketCandidates));
    }

    private async Task FindSimilarAsync(Commands sql, Pending entry, TextFingerprint fingerprint, long[]? bandKeys, Dictionary<long, long?> related,
        CancellationToken cancellationToken)
    {
        if (!fingerprint.Comparable || bandKeys is null) return;
        var candidates = new HashSet<long>();
        _bands.Candidates(bandKeys, candidates);
        candidates.ExceptWith(related.Keys);
        candidates.Remove(entry.Id);

        if (candidates.Count == 0) return;

        // One query for all candidates: each row is judged on its own, and `related` is keyed by id.
        var lookback = TimeSpan.FromDays(options.LookbackDays);
        await using var reader = await sql.With(sql.Fingerprints, ("@ids", database.Dialect.IdList(candidates))).ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var signature = MemoryMarshal.Cast<byte, uint>((byte[])reader.GetValue(0));
            var time = SqliteTime.Read(reader.GetString(1));
            if ((time - entry.Time).Duration() <= lookback && MinHasher.Similarity(signature, fingerprint.Signature) >= options.Threshold)
                related[reader.GetInt64(3)] = reader.IsDBNull(2) ? null : reader.GetInt64(2);
        }
    }

    private async Task FindLinkedAsync(Commands sql, Pending entry, Dictionary<long, long?> related, CancellationToken cancellationToken)
    {
        if (entry.Links.Count <= options.MaxLinksPerEntry)
        {
            foreach (var (kind, target) in entry.Links)
            {
                if (await sql.Scalar(sql.Fanout, cancellationToken, ("@target", target)) > options.MaxLinkFanout) continue;
                await sql.ReadIds(sql.KeyOwner, related, cancellationToken, ("@target", target));
                if (kind == "arxiv")
                    await sql.ReadIds(sql.Linkers, related, cancellationToken, ("@target", target), ("@max_links", options.MaxLinksPerEntry));
            }
        }
        // The paper or repository itself: the posts about it join it.
        if ((entry.Key.StartsWith("arxiv:", StringComparison.Ordinal) || entry.Key.StartsWith("gh:", StringComparison.Ordinal))
            && await sql.Scalar(sql.Fanout, cancellationToken, ("@target", entry.Key)) <= options.MaxLinkFanout)
            await sql.ReadIds(sql.Linkers, related, cancellationToken, ("@target", entry.Key), ("@max_links", options.MaxLinksPerEntry));
    }

    private static async Task SaveFingerprintAsync(Commands sql, long id, TextFingerprint fingerprint, CancellationToken cancellationToken)
    {
        await sql.Execute(sql.SaveSignature, cancellationToken, ("@id", id), ("@hash", (object?)fingerprint.TextHash ?? DBNull.Value),
            ("@shingles", fingerprint.ShingleCount), ("@signature", MemoryMarshal.AsBytes(fingerprint.Signature.AsSpan()).ToArray()));
    }

    // `time` − `span`, or the earliest instant when that would underflow (an entry dated year 1).
    private static DateTimeOffset Earlier(DateTimeOffset time, TimeSpan span) =>
        time.UtcTicks - DateTimeOffset.MinValue.UtcTicks > span.Ticks ? time - span : DateTimeOffset.MinValue;

    private static async Task<long?> CurrentStoryAsync(Commands sql, long entryId, CancellationToken cancellationToken)
    {
        return await sql.With(sql.StoryOf, ("@id", entryId)).ExecuteScalarAsync(cancellationToken) is long story ? story : null;
    }

    // Folds story `from` into `to`; an editor's pinned primary survives unless `to` has its own.
    private static async Task MergeAsync(Commands sql, long from, long to, CancellationToken cancellationToken)
    {
        long? pinned = null;
        await using (var reader = await sql.With(sql.StoryRow, ("@id", from)).ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) && reader.GetBoolean(1)) pinned = reader.GetInt64(0);
        }
        await sql.Execute(sql.MoveStory, cancellationToken, ("@from", from), ("@to", to));
        if (pinned is { } primary) await sql.Execute(sql.KeepPinned, cancellationToken, ("@to", to), ("@id", primary));
    }

    private async Task RefreshPrimaryAsync(Commands sql, long story, CancellationToken cancellationToken)
    {
        var members = new List<StoryPrimary.Member>();
        long? pinned = null;
        await using (var reader = await sql.With(sql.Members, ("@story", story)).ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                members.Add(new StoryPrimary.Member(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), SqliteTime.Read(reader.GetString(5))));
                if (reader.GetBoolean(6)) pinned = reader.GetInt64(0);
            }
        }
        if (members.Count == 0 || pinned is not null) return;
        await sql.Execute(sql.SetPrimary, cancellationToken, ("@story", story), ("@id", primaryRule.Choose(members).Id));
    }

    /// <summary>The prepared statements of one pass.</summary>
    private sealed class Commands(ReportDatabase database, DbConnection connection, DbTransaction transaction, DedupOptions options) : IDisposable
    {
        // Queries that find related entries return (id, current story) pairs.
        public DbCommand SameText { get; } = Make(connection, transaction, """
            SELECT s.entry_id, e.story_id FROM entry_signatures s JOIN entries e ON e.id = s.entry_id
            WHERE s.text_hash = @hash AND s.entry_id <> @id ORDER BY s.entry_id DESC LIMIT @limit
            """);
        public DbCommand Fingerprints { get; } = Make(connection, transaction, $"""
            SELECT s.signature, e.window_time, e.story_id, s.entry_id FROM entry_signatures s JOIN entries e ON e.id = s.entry_id
            WHERE {database.Dialect.IdIn("s.entry_id", "@ids")}
            """);
        // Callers only compare the count with MaxLinkFanout: counting stops one past it, so a hub target costs no scan.
        public DbCommand Fanout { get; } = Make(connection, transaction,
            $"SELECT count(*) FROM (SELECT 1 FROM entry_links WHERE target = @target LIMIT {options.MaxLinkFanout} + 1) AS linking");
        public DbCommand KeyOwner { get; } = Make(connection, transaction, "SELECT id, story_id FROM entries WHERE canonical_key = @target");
        public DbCommand Linkers { get; } = Make(connection, transaction, """
            SELECT l.entry_id, e.story_id FROM entry_links l JOIN entries e ON e.id = l.entry_id
            WHERE l.target = @target AND (SELECT count(*) FROM entry_links m WHERE m.entry_id = l.entry_id) <= @max_links
            """);
        public DbCommand SaveSignature { get; } = Make(connection, transaction,
            """
            INSERT INTO entry_signatures (entry_id, text_hash, shingles, signature) VALUES (@id, @hash, @shingles, @signature)
            ON CONFLICT (entry_id) DO UPDATE SET text_hash = excluded.text_hash, shingles = excluded.shingles, signature = excluded.signature
            """);
        public DbCommand StoryOf { get; } = Make(connection, transaction, "SELECT story_id FROM entries WHERE id = @id");
        public DbCommand CreateStory { get; } = Make(connection, transaction, "INSERT INTO stories (primary_entry_id, created) VALUES (NULL, @now) RETURNING id");
        public DbCommand StoryRow { get; } = Make(connection, transaction, "SELECT primary_entry_id, primary_pinned FROM stories WHERE id = @id");
        public DbCommand MoveStory { get; } = Make(connection, transaction,
            "UPDATE entries SET story_id = @to WHERE story_id = @from; DELETE FROM stories WHERE id = @from;");
        public DbCommand KeepPinned { get; } = Make(connection, transaction,
            "UPDATE stories SET primary_entry_id = @id, primary_pinned = TRUE WHERE id = @to AND NOT primary_pinned");
        public DbCommand SetStory { get; } = Make(connection, transaction, "UPDATE entries SET story_id = @story WHERE id = @id");
        public DbCommand Members { get; } = Make(connection, transaction, """
            SELECT e.id, e.canonical_key, e.title, e.summary, e.account, e.window_time, s.primary_pinned AND s.primary_entry_id = e.id
            FROM entries e JOIN stories s ON s.id = e.story_id WHERE e.story_id = @story ORDER BY e.id
            """);
        public DbCommand SetPrimary { get; } = Make(connection, transaction, """
            UPDATE stories SET primary_entry_id = NULL WHERE primary_entry_id = @id AND id <> @story;
            UPDATE stories SET primary_entry_id = @id WHERE id = @story;
            """);

        public async Task Execute(DbCommand command, CancellationToken cancellationToken, params (string Name, object Value)[] values)
        {
            Bind(command, values);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        public async Task<long> Scalar(DbCommand command, CancellationToken cancellationToken, params (string Name, object Value)[] values)
        {
            Bind(command, values);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
        }

        // Reads (entry id, story id or null) rows into `into`.
        public async Task ReadIds(DbCommand command, Dictionary<long, long?> into, CancellationToken cancellationToken, params (string Name, object Value)[] values)
        {
            Bind(command, values);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) into[reader.GetInt64(0)] = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        }

        public void Dispose()
        {
            foreach (var command in new[] { SameText, Fingerprints, Fanout, KeyOwner, Linkers, SaveSignature, StoryOf,
                         CreateStory, StoryRow, MoveStory, KeepPinned, SetStory, Members, SetPrimary })
                command.Dispose();
        }

        public DbCommand With(DbCommand command, params (string Name, object Value)[] values)
        {
            Bind(command, values);
            return command;
        }

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

        private static DbCommand Make(DbConnection connection, DbTransaction transaction, string text)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = text;
            return command;
        }
    }
}
