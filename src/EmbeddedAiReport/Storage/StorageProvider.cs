namespace EmbeddedAiReport.Storage;

/// <summary>The database the report's data lives in (<c>Storage:Provider</c>).</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file (<c>Report:Database</c>): one daemon, no server. The default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (<c>Storage:ConnectionString</c>): several daemons share it, with Quartz's clustered job store.</summary>
    Postgres,
}
