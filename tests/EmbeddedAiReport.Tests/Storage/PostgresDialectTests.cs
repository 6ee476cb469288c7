using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>What the PostgreSQL provider adds to make the stores behave as on SQLite.</summary>
[Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
public sealed class PostgresDialectTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly TestDatabase _database;

    public PostgresDialectTests() => _database = TestDatabase.Create(StorageProvider.Postgres, _directory);

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task BeginWriteAsync_WhileAnotherWriterHoldsTheLock_WaitsAndThenSeesItsCommit()
    {
        await using var database = _database.Open();
        await using var first = await database.OpenAsync(CancellationToken.None);
        await using var second = await database.OpenAsync(CancellationToken.None);
        await using var probe = await database.OpenAsync(CancellationToken.None);
        await using var holding = await database.BeginWriteAsync(first, CancellationToken.None);
        await using (var insert = first.CreateCommand(holding, "INSERT INTO sources (id, kind) VALUES ('a', 'feed')"))
            await insert.ExecuteNonQueryAsync();

        var waiting = Task.Run(async () =>
        {
            await using var transaction = await database.BeginWriteAsync(second, CancellationToken.None);
            return await ReportDatabaseTests.CountAsync(second, "SELECT count(*) FROM sources", transaction);
        });
        // The second writer is queued on the advisory lock (seen in pg_locks) before the first commits.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await ReportDatabaseTests.CountAsync(probe, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0)
        {
            Assert.False(waiting.IsCompleted, "the second writer did not wait for the lock");
            guard.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
        await holding.CommitAsync();

        Assert.Equal(1, await waiting);
    }

    [Fact]
    public async Task OrderBy_TextColumns_SortByteWiseLikeSqlite()
    {
        await using var database = _database.Open();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using (var insert = connection.CreateCommand(null, "INSERT INTO sources (id, kind) VALUES ('a-b', 'feed'), ('ab', 'feed'), ('B', 'feed'), ('a', 'feed')"))
            await insert.ExecuteNonQueryAsync();

        await using var command = connection.CreateCommand(null, "SELECT id FROM sources ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync()) ids.Add(reader.GetString(0));

        Assert.Equal(["B", "a", "a-b", "ab"], ids);   // ordinal order, whatever the server's locale
    }
}
