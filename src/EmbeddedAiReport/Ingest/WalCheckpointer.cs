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
/// needs and never blocks the writer, so it runs here after each commit, one at a time (commits meanwhile ask for one more
/// run). The writer keeps a bound of its own (<see cref="SqlDialect.ConfigureWriterAsync"/>) for a log this one cannot keep
/// up with. A failed run is logged and retried after the next commit; the log stays valid, nothing is lost.
/// <threadsafety>Thread-safe.</threadsafety>
/// </remarks>
internal sealed class WalCheckpointer(ReportDatabase database, string sql, ILogger logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private Task? _loop;
    private TaskCompletionSource _idle = Completed();

    /// <summary>Asks for a checkpoint after a commit; returns at once.</summary>
    public void Committed()
    {
        lock (_lock)
        {
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
