using System.Text.Json.Nodes;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>A fresh report database of one provider for one test: a SQLite file in a temporary folder, or a new PostgreSQL database.</summary>
/// <remarks>
/// Tests that run on both providers take a <see cref="StorageProvider"/> and build everything from this: the services
/// (<see cref="TestServices"/>), a config folder for the command line (<see cref="Configure"/>) and direct reads (<see cref="DatabaseProbe"/>).
/// </remarks>
public sealed class TestDatabase : IDisposable
{
    private TestDatabase(StorageProvider provider, string sqlitePath, string? connectionString)
    {
        Provider = provider;
        SqlitePath = sqlitePath;
        ConnectionString = connectionString;
    }

    public StorageProvider Provider { get; }

    /// <summary>The SQLite file (what <c>--db</c> names); unused when the provider is PostgreSQL.</summary>
    public string SqlitePath { get; }

    /// <summary>The PostgreSQL database's connection string, or null for SQLite.</summary>
    public string? ConnectionString { get; }

    /// <summary>A new database in <paramref name="directory"/> (SQLite) or on the test server (PostgreSQL, every migration applied unless <paramref name="migrated"/> is false).</summary>
    public static TestDatabase Create(StorageProvider provider, TempDirectory directory, bool migrated = true) => provider switch
    {
        StorageProvider.Postgres => new(provider, directory.File("report.db"), PostgresServer.CreateDatabase(migrated)),
        _ => new(provider, directory.File("report.db"), null),
    };

    /// <summary>The PostgreSQL database of <paramref name="connectionString"/>, made elsewhere (disposing it drops it).</summary>
    public static TestDatabase OnPostgres(string connectionString, string sqlitePath) => new(StorageProvider.Postgres, sqlitePath, connectionString);

    /// <summary>A new <see cref="ReportDatabase"/> on this database (the caller disposes it).</summary>
    public ReportDatabase Open() => ConnectionString is { } connectionString ? ReportDatabase.Postgres(connectionString) : new ReportDatabase(SqlitePath);

    /// <summary>Points the config folder's appsettings.json at this database (nothing to do for SQLite, which <c>--db</c> names).</summary>
    public string Configure(string config)
    {
        if (ConnectionString is null) return config;
        var path = Path.Combine(config, "appsettings.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["Storage"] = new JsonObject { ["Provider"] = "postgres", ["ConnectionString"] = ConnectionString };
        File.WriteAllText(path, json.ToJsonString());
        return config;
    }

    public void Dispose()
    {
        if (ConnectionString is { } connectionString) PostgresServer.DropDatabase(connectionString);
    }
}
