using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Tests.Storage;

public sealed class ReportDatabaseTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task MigrateAsync_EmptyFile_CreatesEveryTableOfTheDesign()
    {
        var database = new ReportDatabase(_directory.File("sub/report.db"));

        var applied = await database.MigrateAsync(CancellationToken.None);

        // Every script under Storage/Migrations, in name order, and the tables they leave (entry_bands came and went;
        // entry_tags was rebuilt without a rowid); the 15 QRTZ_* tables are Quartz's own SQLite schema.
        Assert.Equal(
        [
            "0001_init", "0002_history", "0002_stories", "0002_wechat_pages", "0003_drop_entry_bands", "0004_ingest", "0005_health",
            "0005_quartz", "0006_editor_overrides", "0007_ranking", "0008_summaries", "0010_issue_window",
        ], applied);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var tables = await Strings(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'QRTZ!_%' ESCAPE '!' ORDER BY name");
        Assert.Equal(
        [
            "dedup_state", "draft_exports", "entries", "entry_aliases", "entry_links", "entry_overrides", "entry_pages", "entry_pending",
            "entry_signatures", "entry_tags", "fetches", "http_validators", "issue_items", "issues", "request_health", "schema_migrations",
            "sources", "stories", "summaries", "summary_runs",
        ], tables);
        Assert.Equal(15, (await Strings(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'QRTZ!_%' ESCAPE '!'")).Count);
        Assert.Equal(["wal"], await Strings(connection, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task MigrateAsync_RunTwice_AppliesNothingTheSecondTime()
    {
        await new ReportDatabase(_directory.File("report.db")).MigrateAsync(CancellationToken.None);

        var again = await new ReportDatabase(_directory.File("report.db")).MigrateAsync(CancellationToken.None);

        Assert.Empty(again);
    }

    private static async Task<List<string>> Strings(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add(reader.GetString(0));
        return result;
    }
}
