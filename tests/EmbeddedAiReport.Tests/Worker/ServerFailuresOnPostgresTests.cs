using System.Net;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Npgsql;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// A PostgreSQL server that refuses or fails a command is the operator's to fix, as a SQLite file the system refuses is:
/// every command says so in one line naming the database (<c>error: postgres://host:port/database: cause</c>, as <c>poll</c>
/// words it) and exits 2, never a stack trace and the exit 1 of a bug.
/// </summary>
[Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
public sealed class ServerFailuresOnPostgresTests : LoopbackTest
{
    private static readonly string[][] Commands =
    [
        ["entries"], ["export", "--week", "2020-W20"], ["sources"], ["mark", "1", "--status", "rejected"], ["publish", "--week", "2020-W20"],
        ["issue"], ["train"], ["import-issue", Fixtures.PathOf("corpus/2020-05-15.md")],
    ];

    public static TheoryData<int> CommandIndexes => [.. Enumerable.Range(0, Commands.Length)];

    private string Config(string connectionString)
    {
        var config = Folder.ConfigWithSources("""{"sources": [{"id": "feed", "kind": "feed", "url": "http://127.0.0.1:9/feed.xml", "schedule": "1h", "allowPrivateNetwork": true}]}""");
        return TestDatabase.OnPostgres(connectionString, Folder.File("report.db")).Configure(config);
    }

    private static string Location(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgres://{builder.Host}:{builder.Port}/{builder.Database}";
    }

    [Theory]
    [MemberData(nameof(CommandIndexes))]
    public async Task ADatabaseThatDoesNotExist_OneLineNamingItAndExit2(int index)
    {
        var name = "eair_missing_" + Guid.NewGuid().ToString("N");
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = name }.ConnectionString;

        var result = await CliRunner.RunAsync([.. Commands[index], "--config", Config(connectionString)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {Location(connectionString)}: 3D000: database \"{name}\" does not exist", result.Error.Trim());
    }

    [Fact]
    public async Task Run_AnUnreachableServer_OneLineNamingItAndExit2()
    {
        var port = ClosedPort.Find();   // connections to it are refused
        var connectionString = $"Host=127.0.0.1;Port={port};Username=report;Database=report";
        var config = Config(connectionString);
        Daemon.Prepare(config);

        var result = await CliRunner.RunAsync("run", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: postgres://127.0.0.1:{port}/report: Failed to connect to 127.0.0.1:{port}", result.Error.Trim());
    }

    [Fact]
    public async Task AUserWithoutCreateRightsOnTheSchema_PollEntriesAndMigrateSayItInOneLine_Exit2()
    {
        // A new, empty database whose public schema the role may use but not create tables in (PostgreSQL 15's default for
        // anyone but the database's owner): the first command's migrations cannot run.
        var database = PostgresServer.CreateDatabase(migrated: false);
        var role = "eair_reader_" + Guid.NewGuid().ToString("N")[..12];
        PostgresServer.Execute($"CREATE ROLE {role} LOGIN");
        try
        {
            PostgresServer.Execute($"REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO {role}", database);
            var connectionString = new NpgsqlConnectionStringBuilder(database) { Username = role, Password = null }.ConnectionString;
            var config = Config(connectionString);

            var poll = await CliRunner.RunAsync("poll", "--config", config);
            var entries = await CliRunner.RunAsync("entries", "--config", config);
            var sqlite = Folder.File("old.db");
            await using (var old = new ReportDatabase(sqlite)) await old.MigrateAsync(CancellationToken.None);
            var migrate = await CliRunner.RunAsync("migrate", "--to", "postgres", "--connection", connectionString, "--config", config, "--db", sqlite);

            var cause = $"error: {Location(connectionString)}: 42501: permission denied for schema public";
            Assert.Equal((2, $"{cause}; nothing was polled"), (poll.ExitCode, poll.Error.Trim()));
            Assert.Equal((2, cause), (entries.ExitCode, entries.Error.Trim()));
            Assert.Equal((2, $"migrate: 42501: permission denied for schema public; no row was copied to {Location(connectionString)}"),
                (migrate.ExitCode, migrate.Error.Trim().Split('\n')[^1]));
        }
        finally
        {
            PostgresServer.DropDatabase(database);
            PostgresServer.Execute($"DROP ROLE IF EXISTS {role}");
        }
    }

    [Fact]
    public async Task Poll_AStatementTimeoutRunsOutWaitingForAnotherWriter_TheDatabasesFailureNotTheSources_Exit2()
    {
        // The database's statement_timeout (as a role's would be), and another daemon's long write holding the report's write lock.
        Server.MapFile("feed.xml", FaultFeeds.Healthy(3));
        var database = PostgresServer.CreateDatabase();
        try
        {
            PostgresServer.Execute($"ALTER DATABASE {new NpgsqlConnectionStringBuilder(database).Database} SET statement_timeout = '1s'");
            var config = TestDatabase.OnPostgres(database, Folder.File("report.db")).Configure(Folder.ConfigWithSources(
                $$"""{"sources": [{"id": "feed", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "schedule": "1h", "allowPrivateNetwork": true}]}"""));
            CliResult poll;
            await using (var writer = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString))
            {
                await writer.OpenAsync();
                await using var transaction = await writer.BeginTransactionAsync();
                await using (var lockIt = new NpgsqlCommand($"SET LOCAL statement_timeout = 0; SELECT pg_advisory_xact_lock({PostgresDialect.WriteLockKey})", writer, transaction))
                    await lockIt.ExecuteNonQueryAsync();
                poll = await CliRunner.RunAsync("poll", "--config", config);
            }
            var sources = await CliRunner.RunAsync("sources", "--config", config);

            Assert.Equal(2, poll.ExitCode);
            Assert.Equal($"error: {Location(database)}: 57014: canceling statement due to statement timeout; the poll stopped: 0 of 1 source(s) done before it, the others not stored",
                poll.Error.Trim().Split('\n')[^1]);
            Assert.DoesNotContain("crashed", poll.Error);
            Assert.Matches(@"^feed\s+feed\s+never\s", sources.Out.Split('\n')[1]);   // no failure counted against the source
        }
        finally
        {
            PostgresServer.DropDatabase(database);
        }
    }

    [Fact]
    public async Task Daemon_TheServerRefusesItsConnections_PagesAnswer503NamingTheDatabase()
    {
        // The daemon logs in as a role of its own, which the test then shuts out (as a rotated password or pg_hba.conf would);
        // its open connections are ended (pg_terminate_backend waits until they are) as a server restart ends them.
        var database = PostgresServer.CreateDatabase();
        var role = "eair_daemon_" + Guid.NewGuid().ToString("N")[..12];
        PostgresServer.Execute($"CREATE ROLE {role} LOGIN");
        try
        {
            PostgresServer.Execute($"GRANT ALL ON SCHEMA public TO {role}; GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}", database);
            var connectionString = new NpgsqlConnectionStringBuilder(database) { Username = role, Password = null }.ConnectionString;
            var config = Config(connectionString);
            Daemon.Prepare(config);
            await using var daemon = Daemon.Start(config, Folder.File("report.db"));
            await daemon.WaitForAsync(14, "Now listening");   // Microsoft.Hosting.Lifetime: HTTP is up
            using var http = new HttpClient { BaseAddress = daemon.BaseUri };
            var before = await http.GetAsync("entries?week=2020-W20");

            PostgresServer.Execute($"ALTER ROLE {role} NOLOGIN; SELECT pg_terminate_backend(pid, 60000) FROM pg_stat_activity WHERE usename = '{role}'");
            var refused = await http.GetAsync("entries?week=2020-W20");
            var review = await http.GetAsync("review/2020-W20");

            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, review.StatusCode);
            Assert.StartsWith($"database unavailable: {Location(connectionString)}: ", await refused.Content.ReadAsStringAsync());
            Assert.Contains($"/entries answered 503, the database failed: {Location(connectionString)}: ", await daemon.WaitForAsync(4204, "/entries"));
            await daemon.StopAsync();
        }
        finally
        {
            PostgresServer.DropDatabase(database);
            PostgresServer.Execute($"DROP ROLE IF EXISTS {role}");
        }
    }
}
