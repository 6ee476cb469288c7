using System.Collections.Concurrent;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Storage;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Sources;

/// <summary>The one writer of polls: commits them in groups, each poll in a savepoint of its own, its entries and their stories together.</summary>
/// <remarks>
/// A poll that finishes while a group is being written waits and goes into the next group, so polls running in parallel
/// share transactions (and commits) without any timer. A poll whose writes fail is rolled back to its savepoint alone;
/// the others of its group commit. Nothing is half-written: a crash before a group's commit leaves every poll of the group
/// unwritten, validators included, so the next poll fetches them again. Story placement runs inside the same
/// transaction, so a committed entry always has its story. The writer keeps one connection open for its page cache.
/// <threadsafety>Thread-safe; whichever caller holds the gate writes the group, for everyone queued.</threadsafety>
/// </remarks>
public sealed class IngestWriter(ReportDatabase database, StoryAssigner stories, MinHasher hasher, TimeProvider timeProvider)
    : IAsyncDisposable, IDisposable
{
    /// <summary>Most polls in one transaction, so one group cannot hold the write lock for long.</summary>
    private const int MaxGroup = 64;

    private readonly ConcurrentQueue<Job> _queue = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;

    /// <summary>Writes one poll (its <c>fetches</c> row, entries, validators, health) and places its entries in stories.</summary>
    /// <param name="fingerprints">Per write, its fingerprint over the whole text (computed here where null).</param>
    public async Task<StoreCounts> CommitAsync(FetchRecord record, IReadOnlyList<EntryWrite> writes, IReadOnlyList<TextFingerprint?>? fingerprints,
        CancellationToken cancellationToken)
    {
        var job = new Job(record, writes, fingerprints);
        _queue.Enqueue(job);
        while (!job.Done.Task.IsCompleted)
        {
            try
            {
                await _gate.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (job.TryCancel())
            {
                throw;   // nobody took it: it will not be written
            }
            catch (OperationCanceledException)
            {
                break;   // another caller is writing it; wait for that
            }
            try
            {
                // Writing is not cancelled by one caller: the group holds other polls too, and it is short.
                if (!job.Done.Task.IsCompleted) await WriteGroupAsync();
            }
            finally
            {
                _gate.Release();
            }
        }
        return await job.Done.Task;
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WriteGroupAsync()
    {
        var group = new List<Job>();
        while (group.Count < MaxGroup && _queue.TryDequeue(out var queued))
            if (queued.TryTake()) group.Add(queued);
        if (group.Count == 0) return;

        var written = new List<(Job Job, StoreCounts Counts)>(group.Count);
        try
        {
            _connection ??= await database.OpenAsync(CancellationToken.None);
            await using var transaction = _connection.BeginTransaction(deferred: false);
            foreach (var job in group)
            {
                transaction.Save("poll");
                try
                {
                    var upserted = await SourceStore.WriteFetchAsync(_connection, transaction, job.Record, job.Writes, timeProvider.GetUtcNow(), CancellationToken.None);
                    await stories.AssignAsync(_connection, transaction, Candidates(job, upserted), CancellationToken.None);
                    transaction.Release("poll");
                    written.Add((job, SourceStore.Count(upserted)));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The poll's own failure (logged where the poller handles it); the rest of the group goes on.
                    transaction.Rollback("poll");
                    transaction.Release("poll");
                    job.Done.TrySetException(ex);
                }
            }
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The group as a whole failed (no connection, a failed commit): none of its polls is written.
            _connection?.Dispose();
            _connection = null;
            foreach (var job in group) job.Done.TrySetException(ex);
            return;
        }
        foreach (var (job, counts) in written) job.Done.TrySetResult(counts);
    }

    // What story placement needs of each entry the commit inserted or changed.
    private List<StoryCandidate> Candidates(Job job, IReadOnlyList<UpsertedEntry> upserted)
    {
        var result = new List<StoryCandidate>(upserted.Count);
        foreach (var stored in upserted)
        {
            var entry = job.Writes[stored.Index].Candidate;
            var fingerprint = job.Fingerprints?[stored.Index] ?? hasher.Fingerprint(entry.Title, entry.Summary, entry.Text);
            result.Add(new StoryCandidate(stored.Id, stored.Key, entry.Title, entry.Summary, entry.Account, stored.WindowTime, stored.StoryId,
                entry.Links.Select(l => (l.Kind, l.Target)).ToList(), fingerprint));
        }
        return result;
    }

    private sealed class Job(FetchRecord record, IReadOnlyList<EntryWrite> writes, IReadOnlyList<TextFingerprint?>? fingerprints)
    {
        private const int Queued = 0, Taken = 1, Cancelled = 2;
        private int _state;

        public FetchRecord Record { get; } = record;
        public IReadOnlyList<EntryWrite> Writes { get; } = writes;
        public IReadOnlyList<TextFingerprint?>? Fingerprints { get; } = fingerprints;
        public TaskCompletionSource<StoreCounts> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        public bool TryCancel()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) != Queued) return false;
            Done.TrySetCanceled();
            return true;
        }
    }
}
