using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Ingest;

/// <summary>
/// Copies what the poll writer committed from SQLite's write-ahead log into the database file on a connection and thread
/// of its own, so the writer does not stop for it.
/// </summary>
/// <remarks>
/// SQLite's own checkpoint runs in the connection that commits once the log passes a size: the one writer stops there for
/// the copy and two fsyncs while every poll queued behind it waits; into a 1,000,000-entry database a 200-feed poll wrote
/// the log past 64 MB twice. A passive checkpoint (<c>PRAGMA wal_checkpoint(PASSIVE)</c>) copies what no reader still
/// needs and never blocks the writer, so it runs here, one at a time (commits meanwhile ask for one more run), once the
/// commits since the last one have written <see cref="PagesPerCheckpoint"/> pages of log (8 MB at SQLite's 4 KB
/// pages). Run after every commit, as it was until 2026-12-02, it made ~40 checkpoints for the ~90 small commits of a
/// cold 200-feed poll: each its own connection, two fsyncs and a copy of index pages that the next commit dirtied again,
/// 7 % of the poll's CPU time (native, 10 interleaved pairs); 1,024–4,096 pages measured the same. What is left below the
/// threshold stays in the log, which readers see, and is copied by a later checkpoint or when the last connection
/// closes. The writer keeps a bound of its own (<see cref="SqlDialect.ConfigureWriterAsync"/>) for a log this one cannot
/// keep up with. A failed run is logged and tried again once the log has grown by the threshold again; the log stays
/// valid, nothing is lost.
/// <threadsafety>Thread-safe.</threadsafety>
/// </remarks>
internal sealed class WalCheckpointer(ReportDatabase database, string sql, ILogger logger) : IAsyncDisposable
{
    /// <summary>Pages of log written by commits since the last checkpoint that make the next one due.</summary>
    public const long PagesPerCheckpoint = 2048;

    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private Task? _loop;
    private TaskCompletionSource _idle = Completed();
    private long _pagesSinceCheckpoint;

    /// <summary>Counts a commit's <paramref name="pagesWritten"/> pages of log and asks for a checkpoint once they pass <see cref="PagesPerCheckpoint"/>; returns at once.</summary>
    public void Committed(long pagesWritten)
    {
        lock (_lock)
        {
            _pagesSinceCheckpoint += pagesWritten;
            if (_pagesSinceCheckpoint < PagesPerCheckpoint) return;
            _pagesSinceCheckpoint = 0;
            if (_stop.IsCancellationRequested) return;
            _loop ??= Task.Run(LoopAsync);
            if (_due.CurrentCount == 0) _due.Release();
            if (_idle.Task.IsCompleted) _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Completes once no checkpoint is due or running (for tests).</summary>
    internal Task IdleAsync()
    {
        lock (_lock) return _idle.Task;
    }

    /// <summary>Lets a running checkpoint finish and stops (what is left is copied when the last connection closes). Idempotent.</summary>
    /// <remarks>The semaphore and token source hold no wait handle or timer, so they are left to the collector: a late <see cref="Committed"/> finds them.</remarks>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_lock)
        {
            _stop.Cancel();
            (loop, _loop) = (_loop, null);
        }
        if (loop is not null) await loop;
        lock (_lock) _idle.TrySetResult();
    }

    private async Task LoopAsync()
    {
        while (true)
        {
            try
            {
                await _due.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await using var connection = await database.OpenAsync(CancellationToken.None);
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.CheckpointFailed(ex);
            }
            lock (_lock)
            {
                if (_due.CurrentCount == 0) _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }
}
