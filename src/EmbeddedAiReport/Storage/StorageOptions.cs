using EmbeddedAiReport.Sources;

namespace EmbeddedAiReport.Storage;

/// <summary>Which database holds the report's data (section <c>Storage</c> of appsettings.json).</summary>
public sealed class StorageOptions
{
    /// <value><c>sqlite</c> (default: the file <c>Report:Database</c>, or <c>--db</c>) or <c>postgres</c> (<see cref="ConnectionString"/>).</value>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <value>
    /// The Npgsql connection string of the PostgreSQL database (<c>Host=…;Database=…;Username=…;Password=…</c>), required with
    /// <c>postgres</c> and unused with <c>sqlite</c>. Default: none. Env: <c>EAIR_Storage__ConnectionString</c>.
    /// </value>
    public string? ConnectionString { get; set; }

    /// <value>
    /// With <c>postgres</c>, how often each daemon records in the shared job store that it is alive; one silent for about
    /// twice this long is taken for dead and another daemon takes over its scheduled polls. Default: 7.5 s (Quartz's).
    /// </value>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <value>
    /// With <c>sqlite</c>, how long a statement waits for the file's write lock while another connection or process holds
    /// it (the daemon's commit beside a <c>poll</c>, a <c>sqlite3</c> shell left in a transaction) before it fails with
    /// "database is locked". Whole seconds, 1 s to 1 h (Microsoft.Data.Sqlite counts its command timeout in seconds).
    /// Default: 30 s.
    /// </value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these settings, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Enum.IsDefined(Provider)) yield return $"Storage:Provider: must be 'sqlite' or 'postgres', got '{Provider}'";
        if (ClusterCheckinInterval < TimeSpan.FromMilliseconds(500) || ClusterCheckinInterval > TimeSpan.FromMinutes(10))
            yield return $"Storage:ClusterCheckinInterval: must be between 0.5 s and 10 min, got {Duration.Format(ClusterCheckinInterval)}";
        if (BusyTimeout < TimeSpan.FromSeconds(1) || BusyTimeout > TimeSpan.FromHours(1) || BusyTimeout.Ticks % TimeSpan.TicksPerSecond != 0)
            yield return $"Storage:BusyTimeout: must be whole seconds between 1 s and 1 h, got {Duration.Format(BusyTimeout)}";
        if (Provider == StorageProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(ConnectionString))
                yield return "Storage:ConnectionString: required when Storage:Provider is 'postgres' (Host=…;Database=…;Username=…)";
            else if (PostgresDialect.ConnectionProblem(ConnectionString) is { } problem)
                yield return $"Storage:ConnectionString: {problem}";
        }
    }
}
