using EmbeddedAiReport.Storage;
using Microsoft.Data.Sqlite;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>The one place that decides where Quartz keeps its schedules: the ADO.NET job store, its provider and connection string.</summary>
/// <remarks>
/// Today the store lives in the report's SQLite file (provider <c>SQLite-Microsoft</c>; tables from migration
/// <c>0005_quartz</c>, so Quartz only validates them). The PostgreSQL move (a clustered store) changes this method only.
/// The scheduler reads its clock from the container's <see cref="TimeProvider"/> (Quartz's documented fallback when
/// <c>UseTimeProvider</c> is not called), so tests drive schedules with a fake clock.
/// </remarks>
internal static class JobStore
{
    public const string SchedulerName = "EmbeddedAiReport";

    /// <summary>How late a trigger may fire and still run; later, its misfire instruction (skip) applies.</summary>
    public static readonly TimeSpan MisfireThreshold = TimeSpan.FromMinutes(1);

    public static void Configure(IQuartzBuilder quartz, ReportDatabase database)
    {
        quartz.ConfigureScheduler(o =>
        {
            o.InstanceName = SchedulerName;
            // Ask running polls to stop when the daemon stops, then wait for them: cancellation reaches the HTTP request and
            // the retry delay, the poll's transaction is never committed, and the stop takes a moment instead of 30 s.
            o.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
        });
        quartz.UsePersistentStore(store =>
        {
            store.UseSqlite(SqliteFactory.Instance, database.ConnectionString);
            store.ConfigureStore(o =>
            {
                o.TablePrefix = SchedulerTables.Prefix;
                o.SchemaProvisioning = SchemaProvisioning.Validate;
                o.MisfireThreshold = MisfireThreshold;
            });
        });
    }
}
