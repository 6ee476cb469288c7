using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using EmbeddedAiReport.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Dedup;

/// <summary>Puts new and changed entries into stories: same text, near-duplicate text, or a shared paper/repository.</summary>
/// <remarks>
/// A poll's entries are placed in the transaction that stores them (<see cref="AssignAsync"/>), fingerprinted over the whole
/// text they arrived with; entries whose text or links changed later (triggers list them in <c>entry_pending</c>) are placed
/// by the next pass from their stored title and summary. Passes hold the write lock, so concurrent pollers serialize.
/// Cost per entry is a fixed number of indexed lookups: its LSH bands and candidate signatures in the in-memory
/// <see cref="StoryIndex"/> (each bucket giving at most <see cref="DedupOptions.MaxBucketCandidates"/> candidates), one
/// same-text lookup, a few per link target, never a scan over all entries; a story's primary is chosen again only among
/// its primary and the members that joined, unless a member changed.
/// An entry joins the stories of:
/// <list type="bullet">
/// <item>entries with the same normalized text;</item>
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
    private readonly StoryIndex _index = new(hasher, options);
    // The index is used by one pass at a time; passes already hold the database write lock, so this never waits on it.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Places every pending entry in its own transaction.</summary>
    public async Task<StoryAssignment> AssignPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var result = await AssignAsync(connection, transaction, [], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Inside the caller's write transaction: places <paramref name="stored"/> (entries it just inserted or changed, with
    /// fingerprints over their whole text) and every other pending entry, and refreshes the primaries of the stories touched.
    /// </summary>
    internal async Task<StoryAssignment> AssignAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<StoryCandidate> stored,
        CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await AssignLockedAsync(connection, transaction, stored, cancellationToken);
        }
        catch
        {
            _index.Invalidate();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Pins <paramref name="entryId"/> as the primary of its story (an editor's choice); later passes keep it.</summary>
    /// <returns>False when the entry does not exist or has no story yet.</returns>
    public async Task<bool> PinPrimaryAsync(long entryId, CancellationToken cancellationToken)
    {
        if (await StoryOfAsync(entryId, cancellationToken) is not { } story) return false;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // A new generation: every assigner's cached primaries are rebuilt before they are used again.
        command.CommandText = """
            UPDATE stories SET primary_entry_id = NULL WHERE primary_entry_id = $id;
            UPDATE stories SET primary_entry_id = $id, primary_pinned = 1 WHERE id = $story;
            UPDATE dedup_state SET generation = $generation WHERE id = 1;
            """;
        command.Parameters.AddWithValue("$id", entryId);
        command.Parameters.AddWithValue("$story", story);
        command.Parameters.AddWithValue("$generation", Random.Shared.NextInt64(1, long.MaxValue));
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The story an entry belongs to, or null.</summary>
    public async Task<long?> StoryOfAsync(long entryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT story_id FROM entries WHERE id = $id";
        command.Parameters.AddWithValue("$id", entryId);
        return await command.ExecuteScalarAsync(cancellationToken) is long story ? story : null;
    }

    private async Task<StoryAssignment> AssignLockedAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<StoryCandidate> stored,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var sql = new StoryCommands(connection, transaction, options);
        var pending = new HashSet<long>();
        await using (var reader = await sql.PendingIds.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) pending.Add(reader.GetInt64(0));

        // New entries come with everything a pass needs; changed ones are read back (their links accumulate in the table).
        var byId = new Dictionary<long, StoryCandidate>(stored.Count);
        foreach (var candidate in stored) byId[candidate.Id] = candidate;   // two keys of one article in one poll: the later write

        var work = new List<StoryCandidate>(pending.Count);
        var load = new List<long>();
        foreach (var id in pending)
        {
            if (byId.TryGetValue(id, out var candidate) && candidate.StoryId is null) work.Add(candidate);
            else load.Add(id);
        }
        if (load.Count > 0) work.AddRange(await LoadPendingAsync(sql, load, byId, cancellationToken));
        // A changed entry that is not pending kept its text and links; its time or account may have moved.
        var kept = byId.Values.Where(c => !pending.Contains(c.Id)).ToList();
        if (work.Count == 0 && kept.Count == 0) return default;

        var clockNow = timeProvider.GetUtcNow();
        // The index must hold every entry a pending one may be compared with: back to the lookback before the oldest of them.
        var first = work.Count > 0 ? work.Min(p => p.Time) : clockNow;
        var oldest = Earlier(first < clockNow ? first : clockNow, TimeSpan.FromDays(options.LookbackDays));
        var refresh = await _index.PrepareAsync(connection, transaction, clockNow, oldest, cancellationToken);
        if (refresh.Rebuilt) logger.BandsLoaded(refresh.Loaded, _index.ApproximateBytes / Math.Max(1, _index.Count), clock.ElapsedMilliseconds);
        foreach (var entry in kept)
        {
            _index.Retime(entry.Id, entry.Time);
            if (entry.StoryId is { } story) _index.SetState(story, null);
        }
        foreach (var entry in work)
            if (entry.StoryId is not null) _index.Forget(entry.Id);   // re-signed below; its old text is not its text any more

        work.Sort((a, b) => a.Id.CompareTo(b.Id));
        var pass = new StoryPass(sql, _index, primaryRule, SqliteTime.Write(clockNow));
        foreach (var entry in work) await PlaceAsync(sql, pass, entry, cancellationToken);
        await pass.SettlePrimariesAsync(cancellationToken);
        await _index.AdvanceAsync(connection, transaction, cancellationToken);
        logger.Assigned(work.Count, pass.Created, pass.Merged, clock.ElapsedMilliseconds);
        return new StoryAssignment(work.Count, pass.Created, pass.Merged);
    }

    private async Task PlaceAsync(StoryCommands sql, StoryPass pass, StoryCandidate entry, CancellationToken cancellationToken)
    {
        var fingerprint = entry.Fingerprint ?? hasher.Fingerprint(entry.Title, entry.Summary);
        var bandKeys = fingerprint.Comparable ? hasher.BandKeys(fingerprint.Signature) : null;
        // Related entries with their current story, read by the same lookups that find them.
        var related = new Dictionary<long, long?>();
        if (fingerprint.TextHash is { } hash)
            await sql.ReadIds(sql.SameText, related, cancellationToken, ("$hash", hash), ("$id", entry.Id), ("$limit", options.MaxBucketCandidates));
        if (bandKeys is not null) _index.Similar(entry.Id, entry.Time, fingerprint.Signature, bandKeys, related);
        await FindLinkedAsync(sql, entry, related, cancellationToken);
        related.Remove(entry.Id);
        await sql.Execute(sql.SaveSignature, cancellationToken, ("$id", entry.Id), ("$hash", (object?)fingerprint.TextHash ?? DBNull.Value),
            ("$shingles", fingerprint.ShingleCount), ("$signature", MemoryMarshal.AsBytes(fingerprint.Signature.AsSpan()).ToArray()));

        var stories = new SortedSet<long>();
        // A new entry has no story, and nothing in this pass gives it one before its turn: only re-signed entries need the lookup.
        if (entry.StoryId is not null && await CurrentStoryAsync(sql, entry.Id, cancellationToken) is { } own) stories.Add(own);
        foreach (var story in related.Values)
            if (story is { } s) stories.Add(s);
        var target = await pass.JoinAsync(entry, stories, cancellationToken);
        if (bandKeys is not null) _index.Put(entry.Id, entry.Time, target, fingerprint.Signature, bandKeys);
    }

    private async Task<List<StoryCandidate>> LoadPendingAsync(StoryCommands sql, List<long> ids, Dictionary<long, StoryCandidate> stored,
        CancellationToken cancellationToken)
    {
        var json = new StringBuilder("[");
        foreach (var id in ids) json.Append(json.Length == 1 ? "" : ",").Append(id.ToString(CultureInfo.InvariantCulture));
        json.Append(']');
        var result = new List<StoryCandidate>(ids.Count);
        var links = new List<(string Kind, string Target)>();
        await using (var reader = await sql.With(sql.PendingRows, ("$ids", json.ToString())).ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                if (result.Count == 0 || result[^1].Id != id)
                {
                    links = [];
                    result.Add(new StoryCandidate(id, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                        SqliteTime.Read(reader.GetString(5)), reader.IsDBNull(6) ? null : reader.GetInt64(6), links,
                        stored.TryGetValue(id, out var known) ? known.Fingerprint : null));
                }
                if (!reader.IsDBNull(7)) links.Add((reader.GetString(7), reader.GetString(8)));
            }
        }
        if (result.Count < ids.Count) await sql.DropOrphans.ExecuteNonQueryAsync(cancellationToken);
        return result;
    }

    private async Task FindLinkedAsync(StoryCommands sql, StoryCandidate entry, Dictionary<long, long?> related, CancellationToken cancellationToken)
    {
        if (entry.Links.Count <= options.MaxLinksPerEntry)
        {
            foreach (var (kind, target) in entry.Links)
            {
                if (await sql.Scalar(sql.Fanout, cancellationToken, ("$target", target)) > options.MaxLinkFanout) continue;
                await sql.ReadIds(sql.KeyOwner, related, cancellationToken, ("$target", target));
                if (kind == "arxiv")
                    await sql.ReadIds(sql.Linkers, related, cancellationToken, ("$target", target), ("$max_links", options.MaxLinksPerEntry));
            }
        }
        // The paper or repository itself: the posts about it join it.
        if ((entry.Key.StartsWith("arxiv:", StringComparison.Ordinal) || entry.Key.StartsWith("gh:", StringComparison.Ordinal))
            && await sql.Scalar(sql.Fanout, cancellationToken, ("$target", entry.Key)) <= options.MaxLinkFanout)
            await sql.ReadIds(sql.Linkers, related, cancellationToken, ("$target", entry.Key), ("$max_links", options.MaxLinksPerEntry));
    }

    private async Task<long?> CurrentStoryAsync(StoryCommands sql, long entryId, CancellationToken cancellationToken)
    {
        if (_index.TryStory(entryId, out var cached)) return cached;
        return await sql.With(sql.StoryOf, ("$id", entryId)).ExecuteScalarAsync(cancellationToken) is long story ? story : null;
    }

    // `time` − `span`, or the earliest instant when that would underflow (an entry dated year 1).
    private static DateTimeOffset Earlier(DateTimeOffset time, TimeSpan span) =>
        time.UtcTicks - DateTimeOffset.MinValue.UtcTicks > span.Ticks ? time - span : DateTimeOffset.MinValue;
}
