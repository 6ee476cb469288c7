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
/// ("Couldn't update trigger state(s): SQLite Error 8 …", no file named) and nothing was polled.
/// </remarks>
internal sealed partial class JobStoreFailures(StoringHealth storing, ReportDatabase database, TimeProvider timeProvider, ILogger<JobStoreFailures> logger)
    : ISchedulerListener
{
    public ValueTask SchedulerError(IScheduler scheduler, SchedulerErrorContext errorContext, CancellationToken cancellationToken = default)
    {
        if (errorContext.Exception?.GetBaseException() is { } cause && database.FailureLine(cause) is { } line)
        {
            if (storing.Current?.Message != line) JobStoreFailed(line);
            storing.Failed(timeProvider.GetUtcNow(), line);
        }
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 4205, Level = LogLevel.Error, Message = "The job store failed, the database failed: {Failure}; no poll fires until the database can be written again")]
    private partial void JobStoreFailed(string failure);
}
