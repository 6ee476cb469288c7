using System.Collections.Concurrent;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Storage;
using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Ingest;

/// <summary>The one writer of polls: commits them in groups, one transaction per group, each poll's entries and their stories together.</summary>
/// <remarks>
/// A poll that finishes while a group is being written waits and goes into the next group, so polls running in parallel
/// share transactions (and commits) without any timer. A poll whose writes fail is rolled back alone: the group is then
/// written again with each poll in a savepoint of its own, and the others of its group commit. Nothing is half-written: a crash before a group's commit leaves every poll of the group
/// unwritten, validators included, so the next poll fetches them again. Story placement runs inside the same
/// transaction, so a committed entry always has its story. The writer keeps one connection open for its page cache.
/// <threadsafety>Thread-safe; whichever caller holds the gate writes the group, for everyone queued.</threadsafety>
/// </remarks>
public sealed class IngestWriter(ReportDatabase database, StoryAssigner stories, MinHasher hasher, TimeProvider timeProvider, ILogger<IngestWriter> logger)
    : IAsyncDisposable, IDisposable
{
    /// <summary>Most polls in one transaction, so one group cannot hold the write lock for long.</summary>
    private const int MaxGroup = 64;

    private readonly ConcurrentQueue<Job> _queue = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly WalCheckpointer? _checkpointer = database.Dialect.BackgroundCheckpointSql is { } sql ? new(database, sql, logger) : null;
    private DbConnection? _connection;
    private SqliteStatements? _statements;

    /// <summary>Writes one poll (its <c>fetches</c> row, entries, validators, health) and places its entries in stories.</summary>
    /// <param name="prepared">Per write, what <see cref="Prepare"/> computed (done here where null).</param>
    public async Task<StoreCounts> CommitAsync(FetchRecord record, IReadOnlyList<EntryWrite> writes, IReadOnlyList<PreparedWrite>? prepared,
        CancellationToken cancellationToken)
    {
        var job = new Job(record, writes, prepared);
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

    /// <summary>
    /// What the writer needs of a write besides the write itself: its fingerprint over the whole text and its content hash.
    /// Callers compute these in parallel (the poller does, per source) so the one writer does not.
    /// </summary>
    public PreparedWrite Prepare(EntryWrite write) => new(
        hasher.Fingerprint(write.Candidate.Title, write.Candidate.Summary, write.Candidate.Text), EntryContentHash.Of(write.Candidate));

    /// <summary>True while a group is being written or polls wait for the writer (for tests that step a fake clock).</summary>
    internal bool Busy => _gate.CurrentCount == 0 || !_queue.IsEmpty;

    /// <summary>The background checkpoint of this writer's log (for tests); null where the provider has none.</summary>
    internal WalCheckpointer? Checkpointer => _checkpointer;

    /// <summary>Holds the writer until the result is disposed: polls committed meanwhile queue up and are then written as one group.</summary>
    internal IDisposable Hold()
    {
        _gate.Wait();
        return new Releaser(_gate);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        // The checkpoint first: what it leaves is copied when the writer's connection, the last, closes.
        if (_checkpointer is not null) await _checkpointer.DisposeAsync();
        CloseConnection();
    }

    private async Task WriteGroupAsync()
    {
        var group = new List<Job>();
        while (group.Count < MaxGroup && _queue.TryDequeue(out var queued))
            if (queued.TryTake()) group.Add(queued);
        if (group.Count == 0) return;

        List<(Job Job, StoreCounts Counts)> written;
        try
        {
            // The kept connection would write into a deleted or replaced SQLite file, where nothing reads it again.
            database.Dialect.EnsureSameFile();
            _connection ??= await OpenAsync();
            written = await WriteTogetherAsync(_connection, group) ?? await WriteApartAsync(_connection, group);
        }
        catch (Exception ex)
        {
            // The group as a whole failed (no connection, a failed commit): none of its polls is written.
            CloseConnection();
            foreach (var job in group) job.Done.TrySetException(ex);
            return;
        }
        _checkpointer?.Committed(database.Dialect.LogPagesWritten(_connection));
        foreach (var (job, counts) in written) job.Done.TrySetResult(counts);
    }

    // The database's own failure (IsUnavailable: a server restart ended the connection, a SQLite file locked past the busy
    // timeout) is no poll's: it fails the group as a whole (WriteGroupAsync), as itself. A rollback would only meet it again
    // (on PostgreSQL a transaction whose connection broke throws ObjectDisposedException), and that would hide it: the polls
    // would count as crashed, against their sources, instead of "not stored, the database failed" (event 4203).
    // The group in one transaction without savepoints: the usual case, where no poll's writes fail. A savepoint per poll
    // would make SQLite keep the original of every page the poll changes, copied again for each of its statements (on a
    // cold 200-feed poll that bookkeeping cost more than the inserts). Null when a poll of several failed: everything is
    // rolled back and the caller writes the group again, each poll in a savepoint of its own.
    private async Task<List<(Job Job, StoreCounts Counts)>?> WriteTogetherAsync(DbConnection connection, List<Job> group)
    {
        var written = new List<(Job Job, StoreCounts Counts)>(group.Count);
        await using var transaction = await database.BeginWriteAsync(connection, CancellationToken.None);
        foreach (var job in group)
        {
            try
            {
                written.Add((job, await WriteAsync(connection, transaction, job)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !database.IsUnavailable(ex))
            {
                await transaction.RollbackAsync(CancellationToken.None);
                if (group.Count > 1) return null;
                job.Done.TrySetException(ex);   // the poll's own failure (logged where the poller handles it)
                return [];
            }
        }
        await transaction.CommitAsync(CancellationToken.None);
        return written;
    }

    // The group after a poll's writes failed: each poll in a savepoint, so the failing one is rolled back alone and the others commit.
    private async Task<List<(Job Job, StoreCounts Counts)>> WriteApartAsync(DbConnection connection, List<Job> group)
    {
        var written = new List<(Job Job, StoreCounts Counts)>(group.Count);
        await using var transaction = await database.BeginWriteAsync(connection, CancellationToken.None);
        foreach (var job in group)
        {
            await transaction.SaveAsync("poll");
            try
            {
                var counts = await WriteAsync(connection, transaction, job);
                await transaction.ReleaseAsync("poll");
                written.Add((job, counts));
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !database.IsUnavailable(ex))
            {
                await transaction.RollbackAsync("poll");
                await transaction.ReleaseAsync("poll");
                job.Done.TrySetException(ex);
            }
        }
        await transaction.CommitAsync(CancellationToken.None);
        return written;
    }

    private async Task<DbConnection> OpenAsync()
    {
        var connection = await database.OpenAsync(CancellationToken.None);
        try
        {
            await database.Dialect.ConfigureWriterAsync(connection, CancellationToken.None);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        _statements = database.Dialect.StatementsFor(connection);
        return connection;
    }

    // The statements first: they belong to the connection, which goes back to the pool.
    private void CloseConnection()
    {
        _statements?.Dispose();
        _statements = null;
        _connection?.Dispose();
        _connection = null;
    }

    // One poll: its fetch row, then each entry (a new one placed in its story first and written with it, a known one upserted),
    // then its counts and health, then whatever else is pending and the primaries of the stories touched.
    private async Task<StoreCounts> WriteAsync(DbConnection connection, DbTransaction transaction, Job job)
    {
        var cancel = CancellationToken.None;
        var now = SqliteTime.Stored(timeProvider.GetUtcNow());
        var writes = job.Writes;
        // The poll's writes and the story pass share one pipeline: on PostgreSQL their writes travel with the next read.
        await using var pipeline = new CommandPipeline(database.Dialect, connection, transaction, _statements);
        var fetchId = await SourceStore.StartFetchAsync(pipeline, job.Record, cancel);
        using var batch = await EntryBatch.OpenAsync(database.Dialect, pipeline, connection, transaction, job.Record.SourceId, fetchId, now, cancel);
        var isNew = await batch.FindNewAsync(writes, cancel);
        var oldest = writes.Count == 0 ? now : writes.Min(w => w.Candidate.Published ?? now);
        await using var pass = await stories.BeginAsync(pipeline, connection, transaction, oldest, cancel);
        var prepares = new PreparedWrite[writes.Count];
        for (var i = 0; i < writes.Count; i++) prepares[i] = job.Prepared?[i] ?? Prepare(writes[i]);
        // The new writes' text hashes and names, and every write's names, for the pass's look-ahead.
        var freshHashes = new List<string>();
        var freshNames = new HashSet<string>(StringComparer.Ordinal);
        var pollNames = new List<string>();
        for (var i = 0; i < writes.Count; i++)
        {
            var first = pollNames.Count;
            AddNames(writes[i].Candidate, pollNames);
            if (!isNew[i]) continue;
            if (prepares[i].Fingerprint.TextHash is { } hash) freshHashes.Add(hash);
            for (var n = first; n < pollNames.Count; n++) freshNames.Add(pollNames[n]);
        }
        await pass.LookAheadAsync(freshHashes, freshNames, pollNames, cancel);
        var upserted = new List<UpsertedEntry>();
        var changed = new List<StoryCandidate>();
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            var entry = write.Candidate;
            var prepared = prepares[i];
            var fingerprint = prepared.Fingerprint;
            if (isNew[i] && !batch.Wrote(entry.CanonicalKey))
            {
                var time = batch.WindowTime(entry, SqliteTime.Stored(entry.Published ?? now));   // a late arrival's is the next window's start
                var candidate = Candidate(batch.NextId, entry.CanonicalKey, entry, time, null, fingerprint);
                await pass.PlaceAsync(candidate, story => batch.InsertAsync(write, story, prepared.ContentHash, cancel), cancel);
                upserted.Add(new UpsertedEntry(i, candidate.Id, entry.CanonicalKey, true, time, null));
            }
            else if (await batch.UpsertAsync(write, i, prepared.ContentHash, cancel) is { } stored)
            {
                upserted.Add(stored);
                changed.Add(Candidate(stored.Id, stored.Key, entry, stored.WindowTime, stored.StoryId, fingerprint));
            }
        }
        var counts = SourceStore.Count(upserted);
        await pipeline.FlushAsync(cancel);
        await SourceStore.FinishFetchAsync(pipeline, job.Record, fetchId, writes, counts, now, cancel);
        await pass.FinishAsync(changed, cancel);
        await pipeline.FlushAsync(cancel);   // before the poll's savepoint ends: a failing write fails this poll only
        return counts;
    }

    // What an entry names for story links, added to `names`: its distinct link targets, then its own key unless a link is to it.
    private static void AddNames(CandidateEntry entry, List<string> names)
    {
        var first = names.Count;
        foreach (var link in entry.Links) AddOnce(link.Target);
        AddOnce(entry.CanonicalKey);

        void AddOnce(string name)
        {
            for (var i = first; i < names.Count; i++)
                if (string.Equals(names[i], name, StringComparison.Ordinal)) return;
            names.Add(name);
        }
    }

    private static StoryCandidate Candidate(long id, string key, CandidateEntry entry, DateTimeOffset time, long? story, TextFingerprint fingerprint) =>
        new(id, key, entry.Title, entry.Summary, entry.Account, time, story, entry.Links.Count == 0 ? [] : entry.Links.Select(l => (l.Kind, l.Target)).ToList(), fingerprint);

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }

    private sealed class Job(FetchRecord record, IReadOnlyList<EntryWrite> writes, IReadOnlyList<PreparedWrite>? prepared)
    {
        private const int Queued = 0, Taken = 1, Cancelled = 2;
        private int _state;

        public FetchRecord Record { get; } = record;
        public IReadOnlyList<EntryWrite> Writes { get; } = writes;
        public IReadOnlyList<PreparedWrite>? Prepared { get; } = prepared;
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
