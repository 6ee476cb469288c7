using System.Security.Cryptography;
using System.Text;
using EmbeddedAiReport.Storage;
using Npgsql;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>The PostgreSQL server the PostgreSQL variants of the tests run on: a fresh database per test, copied from a migrated template.</summary>
/// <remarks>
/// <c>.ci/run</c> starts a throwaway cluster and sets <see cref="Variable"/> to a connection string whose user may create
/// databases. Without it every PostgreSQL test fails and says so; for a quick local run without a server, set
/// <c>EAIR_TEST_POSTGRES=skip</c>, which leaves them out altogether (the test project filters trait <c>Provider=postgres</c>).
/// </remarks>
public static class PostgresServer
{
    public const string Variable = "EAIR_TEST_POSTGRES";

    // Test databases sort text the way a server set up for English does (ICU en-US), not byte-wise: the schema's COLLATE "C"
    // columns must give SQLite's order anyway.
    private const string Locale = "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8' TEMPLATE template0";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _template;

    /// <summary>The connection string of the server's maintenance database; fails the test when no server was given.</summary>
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value && value != "skip"
            ? value
            : throw new InvalidOperationException(
                $"PostgreSQL test server missing: {Variable} is not set. .ci/run starts a throwaway PostgreSQL 15 cluster and sets it " +
                $"(e.g. {Variable}='Host=127.0.0.1;Port=54329;Username=postgres;Database=postgres'); for a quick local run without " +
                $"PostgreSQL set {Variable}=skip, which leaves the PostgreSQL tests out.");

    /// <summary>Creates an empty database, or one with every migration applied; returns its connection string.</summary>
    public static string CreateDatabase(bool migrated = true)
    {
        var name = "eair_test_" + Guid.NewGuid().ToString("N");
        Execute(migrated ? $"CREATE DATABASE {name} TEMPLATE {Template()}" : $"CREATE DATABASE {name} {Locale}");
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops the database of <paramref name="connectionString"/>, closing whatever is still connected to it.</summary>
    public static void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        // The pools of this database only (the connection string as given, and the program's, which Quartz's job store opens):
        // every pool of the process held the connections of the tests running beside this one too.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        using (var dialect = new PostgresDialect(connectionString)) NpgsqlConnection.ClearPool(new NpgsqlConnection(dialect.ConnectionString));
        Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    // The migrated template, made once per migration set: a test database is a file copy of it, not a run of every migration.
    private static string Template()
    {
        Gate.Wait();
        try
        {
            if (_template is not null) return _template;
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n",
                ReportDatabase.MigrationNames(StorageProvider.Postgres).Select(v => ReportDatabase.MigrationScript(StorageProvider.Postgres, v)))));
            var name = "eair_template_" + Convert.ToHexString(hash)[..16].ToLowerInvariant();
            using var admin = Open(AdminConnectionString);
            // Another test run on the same server may be making it: one at a time, and a half-made one (no template flag) is made again.
            Execute(admin, "SELECT pg_advisory_lock(4541495200)");
            try
            {
                if (Scalar(admin, $"SELECT count(*) FROM pg_database WHERE datname = '{name}' AND datistemplate") == 0)
                {
                    Execute(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    Execute(admin, $"CREATE DATABASE {name} {Locale}");
                    var connectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = false }.ConnectionString;
                    var database = ReportDatabase.Postgres(connectionString);
                    database.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
                    database.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    Execute(admin, $"ALTER DATABASE {name} WITH IS_TEMPLATE true");
                }
            }
            finally
            {
                Execute(admin, "SELECT pg_advisory_unlock(4541495200)");
            }
            return _template = name;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static NpgsqlConnection Open(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Runs <paramref name="sql"/> as the server's administrator, in the maintenance database or the one <paramref name="connectionString"/> names.</summary>
    public static void Execute(string sql, string? connectionString = null)
    {
        var target = connectionString is null ? AdminConnectionString
            : new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = new NpgsqlConnectionStringBuilder(connectionString).Database, Pooling = false }.ConnectionString;
        using var admin = Open(target);
        Execute(admin, sql);
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static long Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar());
    }
}
