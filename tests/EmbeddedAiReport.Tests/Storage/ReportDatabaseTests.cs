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

        Assert.Contains("0001_init", applied);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var tables = await Strings(connection, "SELECT name FROM sqlite_master WHERE type = 'table'");
        Assert.Superset(new HashSet<string> { "sources", "fetches", "entries", "entry_tags", "entry_links", "stories", "issues", "issue_items" }, tables.ToHashSet());
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
