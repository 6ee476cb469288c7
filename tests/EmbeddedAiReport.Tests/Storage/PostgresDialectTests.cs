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
    public async Task IsUnavailable_AfterTheServerEndedThePooledConnections_OnlyTheFirstStatementFails()
    {
        // A server restart ends every connection while the pool still holds them as idle (here pg_terminate_backend, which
        // waits until they are gone, ends them as a restart does: 57P01). The first statement on a dead one fails and is the
        // database's failure (event 4203 for a poll); Npgsql then clears the pool itself, so the next
        // ones open new connections instead of each meeting another dead one: a burst of failures after a restart would mean
        // an Npgsql upgrade lost that, and the dialect must clear the pool on such a failure.
        await using var database = _database.Open();
        var opened = new List<System.Data.Common.DbConnection>();
        for (var i = 0; i < 3; i++) opened.Add(await database.OpenAsync(CancellationToken.None));
        foreach (var connection in opened) await connection.DisposeAsync();   // back to the pool, idle
        var name = new Npgsql.NpgsqlConnectionStringBuilder(_database.ConnectionString).Database;
        PostgresServer.Execute($"SELECT pg_terminate_backend(pid, 60000) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()");

        var failure = await Record.ExceptionAsync(() => database.PingAsync(CancellationToken.None));
        var after = new List<Exception?>();
        for (var i = 0; i < 3; i++) after.Add(await Record.ExceptionAsync(() => database.PingAsync(CancellationToken.None)));

        Assert.NotNull(failure);
        Assert.True(database.IsUnavailable(failure), failure.ToString());
        Assert.All(after, Assert.Null);
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
