using EmbeddedAiReport.Storage;
using System.Data.Common;
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
/// <see cref="DedupOptions.MaxLinkFanout"/> entries) group nothing by link; a target that becomes a hub stops grouping what it
/// grouped before (its stories are split where nothing else holds them together), so stories do not depend on arrival order.
/// </remarks>
public sealed class StoryAssigner(
    ReportDatabase database, MinHasher hasher, StoryPrimary primaryRule, DedupOptions options, TimeProvider timeProvider, ILogger<StoryAssigner> logger)
{
    private readonly StoryIndex _index = new(hasher, options);
    // One pass at a time uses the index; passes already hold the database write lock, so this never waits on it for long.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Places every pending entry in its own transaction.</summary>
    public async Task<StoryAssignment> AssignPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var result = await AssignAsync(connection, transaction, [], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Inside the caller's write transaction: places <paramref name="stored"/> (entries it just inserted or changed, with
    /// fingerprints over their whole text) and every other pending entry, and refreshes the primaries of the stories touched.
    /// </summary>
    internal async Task<StoryAssignment> AssignAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<StoryCandidate> stored,
        CancellationToken cancellationToken)
    {
        await using var pipeline = new CommandPipeline(database.Dialect, connection, transaction);
        StoryAssignment result;
        await using (var pass = await BeginAsync(pipeline, connection, transaction, null, cancellationToken))
            result = await pass.FinishAsync(stored, cancellationToken);
        await pipeline.FlushAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Starts a pass inside the caller's write transaction: new entries are placed one by one (<see cref="StoryPass.PlaceAsync"/>)
    /// before their rows are written, then <see cref="StoryPass.FinishAsync"/> places what else is pending and settles primaries.
    /// </summary>
    /// <param name="pipeline">The transaction's statements, in order (the caller flushes it before its own statements and at the end).</param>
    /// <param name="oldest">The oldest window time of the entries to place, if known (the index reaches back a lookback before it).</param>
    internal async Task<StoryPass> BeginAsync(CommandPipeline pipeline, DbConnection connection, DbTransaction transaction, DateTimeOffset? oldest,
        CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var pass = new StoryPass(database.Dialect, pipeline, connection, transaction, _index, hasher, primaryRule, options, timeProvider, logger, _gate);
            await pass.PrepareAsync(oldest, cancellationToken);
            return pass;
        }
        catch
        {
            _index.Invalidate();
            _gate.Release();
            throw;
        }
    }

    /// <summary>Pins <paramref name="entryId"/> as the primary of its story (an editor's choice); later passes keep it.</summary>
    /// <returns>False when the entry does not exist or has no story yet.</returns>
    /// <remarks>
    /// The entry's story is read under the write lock, as the pin is written: a poll that merges or splits stories commits
    /// before or after both, so the entry is never pinned as the primary of a story it no longer belongs to.
    /// </remarks>
    public async Task<bool> PinPrimaryAsync(long entryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        long story;
        await using (var read = connection.CreateCommand(transaction, "SELECT story_id FROM entries WHERE id = @id"))
        {
            read.AddParameter("@id", entryId);
            if (await read.ExecuteScalarAsync(cancellationToken) is not long found) return false;
            story = found;
        }
        // A new generation: every assigner's cached primaries are rebuilt before they are used again.
        await using var command = connection.CreateCommand(transaction, """
            UPDATE stories SET primary_entry_id = NULL WHERE primary_entry_id = @id;
            UPDATE stories SET primary_entry_id = @id, primary_pinned = TRUE WHERE id = @story;
            UPDATE dedup_state SET generation = @generation WHERE id = 1;
            """);
        command.AddParameter("@id", entryId);
        command.AddParameter("@story", story);
        command.AddParameter("@generation", Random.Shared.NextInt64(1, long.MaxValue));
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
