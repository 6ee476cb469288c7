using EmbeddedAiReport.Storage;
using Microsoft.Data.Sqlite;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>The one place that decides where Quartz keeps its schedules: the ADO.NET job store, its provider and connection string.</summary>
/// <remarks>
/// The store lives in the report's own database, with tables from migration <c>0008_quartz</c> (Quartz only validates
/// them). On SQLite (provider <c>SQLite-Microsoft</c>) one daemon owns it. On PostgreSQL (provider <c>Npgsql</c>) it is
/// Quartz's clustered store: every daemon on the database is a node with its own instance id, each trigger firing is
/// taken by exactly one node (Quartz locks rows of <c>QRTZ_LOCKS</c>), <c>[DisallowConcurrentExecution]</c> holds across
/// nodes, and a node that stops checking in for <see cref="StorageOptions.ClusterCheckinInterval"/> (and as long again)
/// is taken for dead: another node releases the triggers it had acquired and they fire there.
/// The scheduler reads its clock from the container's <see cref="TimeProvider"/> (Quartz's documented fallback when
/// <c>UseTimeProvider</c> is not called), so tests drive schedules with a fake clock.
/// </remarks>
internal static class JobStore
{
    public const string SchedulerName = "EmbeddedAiReport";

    /// <summary>How late a trigger may fire and still run; later, its misfire instruction (skip) applies.</summary>
    public static readonly TimeSpan MisfireThreshold = TimeSpan.FromMinutes(1);

    /// <param name="failed">Told of every failure of a job-store operation, each attempt of Quartz's retries (<see cref="JobStoreFailures.Failed"/>).</param>
    public static void Configure(IQuartzBuilder quartz, ReportDatabase database, StorageOptions storage, Action<Exception>? failed = null)
    {
        var clustered = database.Provider == StorageProvider.Postgres;
        quartz.ConfigureScheduler(o =>
        {
            o.InstanceName = SchedulerName;
            // Nodes of a cluster need distinct ids: a generated one is the host name and a timestamp.
            if (clustered) o.GenerateInstanceId = true;
            // Ask running polls to stop when the daemon stops, then wait for them: cancellation reaches the HTTP request and
            // the retry delay, the poll's transaction is never committed, and the stop takes a moment instead of 30 s.
            o.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
        });
        quartz.UsePersistentStore(store =>
        {
            if (clustered)
            {
                store.UsePostgres(Npgsql.NpgsqlFactory.Instance, database.ConnectionString);
                store.UseClustering(cluster =>
                {
                    cluster.CheckinInterval = storage.ClusterCheckinInterval;
                    cluster.CheckinMisfireThreshold = storage.ClusterCheckinInterval;
                });
            }
            else
            {
                store.UseSqlite(SqliteFactory.Instance, database.ConnectionString);
            }
            store.ConfigureStore(o =>
            {
                o.TablePrefix = SchedulerTables.Prefix;
                o.SchemaProvisioning = SchemaProvisioning.Validate;
                o.MisfireThreshold = MisfireThreshold;
                // Asked by Quartz on every failure of a job-store operation: a SQLite connection opened read-only while the
                // file was write-protected is let go of there, or the firings never resume (ReportDatabase.Failed); and the
                // database's failure is said at its first attempt, not after Quartz's retries (JobStoreFailures). Nothing
                // more is called transient than Quartz's own answer says.
                o.IsTransient = exception =>
                {
                    database.Failed(exception);
                    failed?.Invoke(exception);
                    return false;
                };
            });
        });
    }
}
