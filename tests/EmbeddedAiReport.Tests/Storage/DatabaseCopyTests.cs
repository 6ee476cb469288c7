using EmbeddedAiReport.Tests.Support;
using Npgsql;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary><c>migrate --to postgres</c>: a SQLite database in use is copied whole into PostgreSQL, and drafts read the same from it.</summary>
[Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
public sealed class DatabaseCopyTests : LoopbackTest
{
    private string _config = "";
    private string _db = "";
    private string _target = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var items = CorpusFeeds.Items("2020-05-15.md");
        _config = Folder.ConfigWithSources(CorpusFeeds.ServeBySection(Server, items, new DateTimeOffset(2020, 5, 12, 10, 0, 0, TimeSpan.FromHours(8))));
        _db = Folder.File("report.db");
        _target = PostgresServer.CreateDatabase(migrated: false);
        // A database in use: polled twice, a past issue recorded, an entry rejected, another retitled by the editor.
        Assert.Equal(0, (await Cli("poll")).ExitCode);
        Assert.Equal(0, (await Cli("poll")).ExitCode);
        Assert.Equal(0, (await Cli("import-issue", Path.Combine(Fixtures.Root, "corpus", "2020-04-26.md"))).ExitCode);
        var ids = (await Cli("entries", "--week", "2020-W20")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Trim().Split(' ')[0]).ToList();
        Assert.Equal(0, (await Cli("mark", ids[0], "--status", "rejected")).ExitCode);
        Assert.Equal(0, (await Cli("edit", ids[1], "--title", "由编辑改写的标题")).ExitCode);
    }

    public override async Task DisposeAsync()
    {
        PostgresServer.DropDatabase(_target);
        await base.DisposeAsync();
    }

    private Task<CliResult> Cli(params string[] args) => CliRunner.RunAsync([.. args, "--config", _config, "--db", _db]);

    [Fact]
    public async Task Migrate_DatabaseInUse_CopiesEveryRowOfEveryTableAndTheDraftIsTheSame()
    {
        var expected = SqliteCounts();

        var migrate = await Cli("migrate", "--to", "postgres", "--connection", _target);

        Assert.True(migrate.ExitCode == 0, migrate.Error);
        Assert.Equal(expected, PostgresCounts(expected.Keys));
        foreach (var (table, rows) in expected) Assert.Contains($"{table}: {rows} rows in SQLite, {rows} in PostgreSQL", migrate.Out);
        Assert.True(expected["entries"] > 0 && expected["stories"] > 0 && expected["issue_items"] > 0 && expected["entry_overrides"] == 1);

        // The same config on PostgreSQL drafts the same issue, the editor's title and rejection included.
        var sqliteDraft = await Cli("export", "--week", "2020-W20");
        var postgresConfig = TestDatabase.OnPostgres(_target, _db).Configure(Folder.ConfigWithSources(File.ReadAllText(Path.Combine(_config, "sources.json")), "config-postgres"));
        var postgresDraft = await CliRunner.RunAsync("export", "--week", "2020-W20", "--config", postgresConfig);
        Assert.Equal(0, postgresDraft.ExitCode);
        Assert.Contains("由编辑改写的标题", postgresDraft.Out);
        Assert.Equal(sqliteDraft.Out, postgresDraft.Out);
    }

    [Fact]
    public async Task Migrate_IntoADatabaseInUse_RefusesAndWritesNothing()
    {
        Assert.Equal(0, (await Cli("migrate", "--to", "postgres", "--connection", _target)).ExitCode);
        var before = PostgresCounts(["entries", "fetches"]);

        var again = await Cli("migrate", "--to", "postgres", "--connection", _target);

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("is not empty (sources has rows)", again.Error);
        Assert.Equal(before, PostgresCounts(["entries", "fetches"]));
    }

    // Row counts of the report's tables, read directly from the file (not through the copy).
    private SortedDictionary<string, long> SqliteCounts()
    {
        using var connection = DatabaseProbe.Open(_db);
        var tables = DatabaseProbe.Query(connection,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name <> 'schema_migrations' AND name NOT LIKE 'QRTZ%'",
            r => r.GetString(0));
        return new(tables.ToDictionary(t => t, t => DatabaseProbe.Scalar(connection, $"SELECT count(*) FROM {t}")), StringComparer.Ordinal);
    }

    private SortedDictionary<string, long> PostgresCounts(IEnumerable<string> tables)
    {
        using var connection = new NpgsqlConnection(_target);
        connection.Open();
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            counts[table] = Convert.ToInt64(command.ExecuteScalar());
        }
        return counts;
    }
}
