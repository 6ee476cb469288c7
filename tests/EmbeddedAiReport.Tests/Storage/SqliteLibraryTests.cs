using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace EmbeddedAiReport.Tests.Storage;

public sealed class SqliteLibraryTests
{
    [Fact]
    public async Task Connections_EachLockAMutexOfTheirOwn()
    {
        // A command nobody disposed has its statements finalized on the collector's thread while its connection may be in
        // use on another; only a serialized connection (one with a mutex) makes that wait instead of corrupting memory.
        // SQLite gives a connection's mutex, or null when it runs without one (multi-thread mode).
        using var directory = new TempDirectory();
        await using var connection = await new SqliteDialect(directory.File("t.db")).OpenAsync(CancellationToken.None);
        Assert.NotEqual(IntPtr.Zero, DbMutex(((SqliteConnection)connection).Handle!.DangerousGetHandle()));
    }

    // The bundled library's own export (SQLitePCLRaw does not wrap it); a plain pointer in and out, nothing to marshal.
#pragma warning disable SYSLIB1054
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_db_mutex")]
    private static extern IntPtr DbMutex(IntPtr db);
#pragma warning restore SYSLIB1054

    [Fact]
    public async Task Library_IsTheSqliteVersionThePackagePins()
    {
        // The native library package is named in Directory.Packages.props for its SQLite version (bench: ~5 % less CPU per
        // poll than the one Microsoft.Data.Sqlite brings along); its first three numbers are the SQLite version it builds.
        var props = File.ReadAllText(Path.Combine(Fixtures.RepositoryRoot(), "Directory.Packages.props"));
        var pinned = Regex.Match(props, """Include="SQLitePCLRaw\.lib\.e_sqlite3" Version="(\d+\.\d+\.\d+)""").Groups[1].Value;
        Assert.NotEqual("", pinned);
        using var directory = new TempDirectory();
        await using var connection = await new SqliteDialect(directory.File("t.db")).OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        Assert.Equal(pinned, (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Configured_SqliteKeepsNoMemoryStatistics()
    {
        Assert.True(SqliteLibrary.Configured);
        using var directory = new TempDirectory();
        await using var connection = await new SqliteDialect(directory.File("t.db")).OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t (v TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO t SELECT printf('%.500c', 'x') FROM n;";
        await command.ExecuteNonQueryAsync();

        // SQLite counts the memory it holds only while it keeps statistics (it holds a page cache and this connection now).
        Assert.Equal(0, raw.sqlite3_memory_used());
    }

    [Fact]
    public async Task Connections_OnManyThreadsAtOnce_EachStoresItsRows()
    {
        // Many connections of one file, written and read from several threads at once (the daemon's polls, readers and
        // checkpoints), still see every committed row.
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
    [Fact]
    public void Connections_OpenedAtOnceIntoAnEmptyPool_EachGetAConnectionOfItsOwn()
    {
        // Microsoft.Data.Sqlite before 10.0.15 (dotnet/efcore#39008, fixed by #39009) marked a pooled connection active
        // before naming its owner: another open that found the pool empty took it for leaked and reclaimed it, so the same
        // native handle went to two owners (two of the daemon's callers, a poll, Quartz, an HTTP reader, sharing one
        // connection and its transaction), or a pool clear disposed it under the caller (Quartz's trigger scan failed once
        // in a CI run). Eight threads open at once into a pool emptied before each round. With 10.0.0 this failed in 15 of
        // 15 runs, the first shared handle at round 56 to 2,634; with 10.0.15 none in 6,000 rounds (4-5 s).
        using var directory = new TempDirectory();
        var connectionString = new SqliteDialect(directory.File("t.db")).ConnectionString;
        const int Threads = 8, Rounds = 6000;
        var opened = new SqliteConnection?[Threads];
        var shared = -1;
        using var start = new Barrier(Threads + 1);
        using var done = new Barrier(Threads + 1);
        var workers = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                start.SignalAndWait();
                if (Volatile.Read(ref shared) >= 0) return;
                var connection = new SqliteConnection(connectionString);
                connection.Open();
                opened[i] = connection;
                done.SignalAndWait();
            }
        }) { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        var patience = TimeSpan.FromMinutes(1);   // a worker that threw never reaches the barrier: fail, do not hang
        for (var round = 0; round < Rounds && shared < 0; round++)
        {
            SqliteConnection.ClearPool(new SqliteConnection(connectionString));
            Assert.True(start.SignalAndWait(patience) && done.SignalAndWait(patience), $"round {round}: a thread did not open its connection");
            if (opened.Select(c => c!.Handle!.DangerousGetHandle()).Distinct().Count() < Threads) Volatile.Write(ref shared, round);
            foreach (var connection in opened) connection!.Dispose();
        }
        if (shared >= 0) start.SignalAndWait(patience);   // the workers see it and stop
        workers.ForEach(w => w.Join());

        Assert.True(shared < 0, $"round {shared}: two of {Threads} connections opened at once got the same native handle");
    }
}
