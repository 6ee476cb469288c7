using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>
/// Quartz's job store failing on the database itself (a read-only file or folder, a full disk, the write lock held past
/// <c>Storage:BusyTimeout</c>, the server down): no trigger is recorded as fired, so no poll runs to meet the failure and
/// say so (4203). It is said here instead: one line naming the database (4205, again only when the cause changes), and
/// <c>/healthz</c> answers 503 with it (<see cref="StoringHealth"/>) until a poll stores again.
/// </summary>
/// <remarks>
/// A read-only database file left the daemon answering <c>{"status":"ok"}</c> while Quartz logged its own retries
/// ("Couldn't update trigger state(s): SQLite Error 8 …", no file named) and nothing was polled. Said at the store's first
/// failed attempt (<see cref="Failed"/>, from <see cref="JobStore"/>'s <c>IsTransient</c> hook), not once Quartz gives up:
/// Quartz retries a locked database three more times, each attempt waiting the busy timeout for the lock, so a
/// <c>sqlite3</c> shell holding it for 75 s was never said (only Quartz's "Transient exception on attempt 1 of 4"), and
/// one holding it for 5 min only after 4 min 39 s.
/// </remarks>
internal sealed partial class JobStoreFailures(StoringHealth storing, ReportDatabase database, TimeProvider timeProvider, ILogger<JobStoreFailures> logger)
    : ISchedulerListener
{
    public ValueTask SchedulerError(IScheduler scheduler, SchedulerErrorContext errorContext, CancellationToken cancellationToken = default)
    {
        if (errorContext.Exception is { } exception) Failed(exception);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A job-store operation failed with <paramref name="exception"/> (Quartz's, wrapping the driver's): when it is the
    /// database's failure, said (once per cause) and <c>/healthz</c> told; anything else is left to Quartz. Quick, and never throws.
    /// </summary>
    public void Failed(Exception exception)
    {
        if (database.FailureLine(exception.GetBaseException()) is not { } line) return;
        if (storing.Current?.Message != line) JobStoreFailed(line);
        var now = timeProvider.GetUtcNow();
        Last = new Failure(now, line);
        storing.Failed(now, line, ReportDatabase.IsLocked(exception));
    }

    /// <summary>When the job store last failed on the database, and how (the line 4205 says), or null: what held up a firing it dropped.</summary>
    public Failure? Last { get => Volatile.Read(ref _last); private set => Volatile.Write(ref _last, value); }

    private Failure? _last;

    /// <summary>A failure of the job store on the database at <paramref name="At"/>, said as <paramref name="Line"/>.</summary>
    public sealed record Failure(DateTimeOffset At, string Line);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Error, Message = "The job store failed, the database failed: {Failure}; no poll fires until the database can be written again")]
    private partial void JobStoreFailed(string failure);
}
