using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>The job store's database failures as Quartz reports them to its scheduler listeners (event 4205, README).</summary>
public sealed class JobStoreFailuresTests
{
    [Fact]
    public async Task SchedulerError_TheSameDatabaseFailureAgain_IsSaidOnce_AnotherCauseIsSaid_AnotherErrorIsLeftToQuartz()
    {
        // Quartz reports a failure again while it lasts (a firing not recorded, then a trigger not completed, each retry of
        // some): 4205 says a cause once, and again when the cause changes. The daemon test's lock is released after the first
        // report, so a line for every report passed it (mutation audit 12).
        using var folder = new TempDirectory();
        await using var database = new ReportDatabase(folder.File("report.db"));
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var storing = new StoringHealth();
        var listener = new JobStoreFailures(storing, database, new FakeTimeProvider(), factory.CreateLogger<JobStoreFailures>());
        static SchedulerErrorContext Failed(Exception cause) =>
            new() { Message = "An error occurred while scanning for the next triggers to fire.", Exception = new SchedulerException(cause) };
        var locked = new SqliteException("SQLite Error 5: 'database is locked'.", 5);

        await listener.SchedulerError(null!, Failed(locked));
        await listener.SchedulerError(null!, Failed(locked));
        await listener.SchedulerError(null!, Failed(new InvalidOperationException("Job type cannot be resolved")));
        await listener.SchedulerError(null!, Failed(new SqliteException("SQLite Error 8: 'attempt to write a readonly database'.", 8)));

        string Said(string cause) => $"The job store failed, the database failed: {database.Location}: {cause}; no poll fires until the database can be written again";
        // A lock held past the busy timeout (the default, 30 s) is said as such, not as SQLite's code.
        Assert.Equal([Said("the database is locked by another process (waited 30 s; Storage:BusyTimeout)"), Said("SQLite Error 8: 'attempt to write a readonly database'")],
            logs.Lines.Where(l => l.EventId == 4205).Select(l => l.Message));
        Assert.Equal($"{database.Location}: SQLite Error 8: 'attempt to write a readonly database'", storing.Current?.Message);
    }
}
