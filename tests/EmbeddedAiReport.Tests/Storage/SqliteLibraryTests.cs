using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using SQLitePCL;

namespace EmbeddedAiReport.Tests.Storage;

public sealed class SqliteLibraryTests
{
    [Fact]
    public async Task Configured_SqliteKeepsNoMemoryStatistics()
    {
        Assert.True(SqliteLibrary.Configured);
        using var directory = new TempDirectory();
        await using var connection = await SqliteDialect.OpenAsync(new SqliteDialect(directory.File("t.db")).ConnectionString, CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t (v TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO t SELECT printf('%.500c', 'x') FROM n;";
        await command.ExecuteNonQueryAsync();

        // SQLite counts the memory it holds only while it keeps statistics (it holds a page cache and this connection now).
        Assert.Equal(0, raw.sqlite3_memory_used());
    }

    [Fact]
    public async Task Connections_OnManyThreadsAtOnce_EachStoresItsRows()
    {
        // Multi-thread mode leaves each connection to one thread at a time: many connections of one file, written and read
        // from several threads at once (the daemon's polls, readers and checkpoints), still see every committed row.
        using var directory = new TempDirectory();
        var dialect = new SqliteDialect(directory.File("t.db"));
        await using (var setup = await dialect.OpenAsync(CancellationToken.None))
        {
            await using var command = setup.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (worker INTEGER, n INTEGER)";
            await command.ExecuteNonQueryAsync();
        }

        await Parallel.ForAsync(0, 8, async (worker, cancellationToken) =>
        {
            for (var n = 0; n < 25; n++)
            {
                await using var connection = await dialect.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "INSERT INTO t VALUES ($w, $n); SELECT count(*) FROM t WHERE worker = $w";
                command.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("$w", worker));
                command.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("$n", n));
                Assert.Equal((long)n + 1, await command.ExecuteScalarAsync(cancellationToken));
            }
        });

        await using var reader = await dialect.OpenAsync(CancellationToken.None);
        await using var count = reader.CreateCommand();
        count.CommandText = "SELECT count(*) FROM t";
        Assert.Equal(200L, await count.ExecuteScalarAsync());
    }
}
