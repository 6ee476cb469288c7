using System.Data.Common;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Storage;

public abstract class ReportDatabaseTests : IDisposable
{
    public sealed class OnSqlite() : ReportDatabaseTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : ReportDatabaseTests(StorageProvider.Postgres);

    private readonly TempDirectory _directory = new();
    private readonly TestDatabase _database;

    private ReportDatabaseTests(StorageProvider provider) => _database = TestDatabase.Create(provider, _directory, migrated: false);

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task MigrateAsync_EmptyDatabase_AppliesEveryMigrationAndCreatesEveryTableOfTheDesign()
    {
        await using var database = _database.Open();

        var applied = await database.MigrateAsync(CancellationToken.None);

        Assert.Equal(ReportDatabase.MigrationNames(_database.Provider), applied);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        foreach (var table in new[] { "sources", "fetches", "entries", "entry_tags", "entry_links", "stories", "issues", "issue_items", "QRTZ_TRIGGERS" })
            Assert.True(await database.Dialect.TableExistsAsync(connection, null, table, CancellationToken.None), table);
        Assert.False(await database.Dialect.TableExistsAsync(connection, null, "entry_bands", CancellationToken.None), "0003 drops entry_bands");
    }

    [Fact]
    public async Task MigrateAsync_RunTwice_AppliesNothingTheSecondTime()
    {
        await using (var first = _database.Open()) await first.MigrateAsync(CancellationToken.None);

        await using var second = _database.Open();
        var again = await second.MigrateAsync(CancellationToken.None);

        Assert.Empty(again);
    }

    [Fact]
    public async Task MigrateAsync_TwoDaemonsStartingAtOnce_ApplyEachMigrationOnce()
    {
        await using var one = _database.Open();
        await using var two = _database.Open();

        var results = await Task.WhenAll(Task.Run(() => one.MigrateAsync(CancellationToken.None)), Task.Run(() => two.MigrateAsync(CancellationToken.None)));

        Assert.Equal(ReportDatabase.MigrationNames(_database.Provider), results.SelectMany(r => r).Order(StringComparer.Ordinal));
        await using var connection = await one.OpenAsync(CancellationToken.None);
        Assert.Equal(results.Sum(r => r.Count), await CountAsync(connection, "SELECT count(*) FROM schema_migrations"));
    }

    internal static async Task<long> CountAsync(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand(transaction, sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
