using System.Data.Common;

namespace EmbeddedAiReport.Storage;

/// <summary>The Quartz job-store tables (migration <c>0008_quartz</c>): a health check, a rebuild, the next fire times, the jobs in hand and the other daemons checking in.</summary>
/// <remarks>
/// The scheduler owns these tables; this class only reads them for <c>sources</c> (next scheduled poll) and rebuilds
/// them when they are unusable, so a corrupt job store costs the schedules (rebuilt from sources.json), never the daemon.
/// </remarks>
public sealed class SchedulerTables(ReportDatabase database)
{
    /// <summary>The table prefix Quartz is configured with.</summary>
    public const string Prefix = "QRTZ_";

    private const string Migration = "0008_quartz";

    /// <summary>The first problem found reading the job-store tables, or null when every one can be read.</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var table in Tables())
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM {table} LIMIT 1";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) { }
            }
            catch (DbException ex)
            {
                return $"{table}: {ex.Message}";
            }
            // These tables only: damage elsewhere in the file is not the job store's, and recreating it would hide it.
            if (await database.Dialect.IntegrityProblemAsync(connection, table, cancellationToken) is { } problem) return $"{table}: {problem}";
        }
        return null;
    }

    /// <summary>The first problem an integrity check of the whole database finds (after <see cref="CheckAsync"/>: outside the job store), or null.</summary>
    public async Task<string?> DatabaseProblemAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await database.Dialect.IntegrityProblemAsync(connection, null, cancellationToken);
    }

    /// <summary>Drops every job-store table and creates them empty again (the schedules are then rebuilt from sources.json).</summary>
    public async Task RecreateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand(transaction, database.Dialect.DropTablesSql(Tables()) + "\n" + database.MigrationScript(Migration));
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The next fire time of each trigger in <paramref name="group"/>, by trigger name; empty when nothing is scheduled.</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> NextFireTimesAsync(string group, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Quartz stores instants as UTC ticks; a one-off catch-up trigger and the regular one may both exist: the earliest wins.
        command.CommandText = $"SELECT JOB_NAME, min(NEXT_FIRE_TIME) FROM {Prefix}TRIGGERS WHERE JOB_GROUP = @group AND NEXT_FIRE_TIME IS NOT NULL GROUP BY JOB_NAME";
        command.AddParameter("@group", group);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                result[reader.GetString(0)] = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero);
        }
        catch (DbException)
        {
            // A damaged job store shows no next poll; the daemon rebuilds it on its next start.
        }
        return result;
    }

    /// <summary>
    /// The jobs (group and name) whose firing some daemon has taken and not finished, or that have a trigger waiting besides
    /// their regular one (named like the job): a poll acquired or running on any daemon of the job store (Quartz's fired
    /// triggers, kept for a dead daemon's jobs until another one recovers them), a recovery trigger, a catch-up.
    /// </summary>
    /// <remarks>One statement, so one snapshot: a firing is seen taken here, or its trigger's previous fire time read after it is.</remarks>
    public async Task<IReadOnlySet<(string Group, string Name)>> BusyJobsAsync(CancellationToken cancellationToken)
    {
        var result = new HashSet<(string, string)>();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT JOB_GROUP, JOB_NAME FROM {Prefix}FIRED_TRIGGERS WHERE JOB_NAME IS NOT NULL "
            + $"UNION SELECT JOB_GROUP, JOB_NAME FROM {Prefix}TRIGGERS WHERE TRIGGER_NAME <> JOB_NAME OR TRIGGER_GROUP <> JOB_GROUP";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result.Add((reader.GetString(0), reader.GetString(1)));
        return result;
    }

    /// <summary>
    /// The other scheduler instances (daemons of a clustered job store) that checked in at or after <paramref name="since"/>,
    /// by instance id, with their last check-in; empty when there are none or the table cannot be read.
    /// </summary>
    public async Task<IReadOnlyList<(string Instance, DateTimeOffset LastCheckin)>> OtherInstancesAsync(string self, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var result = new List<(string, DateTimeOffset)>();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT INSTANCE_NAME, LAST_CHECKIN_TIME FROM {Prefix}SCHEDULER_STATE WHERE INSTANCE_NAME <> @self AND LAST_CHECKIN_TIME >= @since ORDER BY INSTANCE_NAME";
        command.AddParameter("@self", self);
        command.AddParameter("@since", since.UtcTicks);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                result.Add((reader.GetString(0), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero)));
        }
        catch (DbException)
        {
            // A damaged job store is rebuilt at start; it names no other daemon.
        }
        return result;
    }

    private static readonly string[] TableNames =
    [
        "SIMPLE_TRIGGERS", "CRON_TRIGGERS", "SIMPROP_TRIGGERS", "BLOB_TRIGGERS", "FIRED_TRIGGERS", "TRIGGERS", "JOB_DETAILS", "CALENDARS",
        "PAUSED_TRIGGER_GRPS", "PAUSED_JOB_GRPS", "SCHEDULER_STATE", "LOCKS", "EXECUTION_HISTORY", "MISFIRE_HISTORY", "JOB_STATUS",
    ];

    private static IEnumerable<string> Tables() => TableNames.Select(t => Prefix + t);
}
