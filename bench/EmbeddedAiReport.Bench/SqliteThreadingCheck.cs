using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace EmbeddedAiReport.Bench;

/// <summary>
/// Why SQLite stays in serialized mode (<c>Storage/SqliteLibrary</c>): four workers use pooled connections of one WAL
/// file, each connection strictly one thread at a time (ADO.NET's rule), while one command in ten is left undisposed and
/// the collector runs every millisecond, so the finalizer thread finalizes those commands' statements while their pooled
/// connection may be in another worker's hands. Run each mode in a process of its own (SQLite takes its threading mode
/// once, before the first connection): <c>multi</c> (multi-thread mode), <c>serial</c> (the program's), and
/// <c>multi --no-leak</c> (every command disposed). 2026-12-02, 6 runs each: multi died of signal 11 in 4 (a first
/// version of this check: 5 of 6); serial and multi --no-leak ran 20,000 operations without an error every time.
/// </summary>
internal static class SqliteThreadingCheck
{
    public static int Run(string[] args)
    {
        var mode = args.FirstOrDefault();
        if (mode is not ("multi" or "serial")) return Usage();
        var leak = !args.Contains("--no-leak");
        Batteries_V2.Init();
        if (mode == "multi" && raw.sqlite3_config(raw.SQLITE_CONFIG_MULTITHREAD) != raw.SQLITE_OK)
        {
            Console.Error.WriteLine("SQLite refused multi-thread mode");
            return 1;
        }
        var directory = Directory.CreateTempSubdirectory("eair-threading-");
        try
        {
            return Check(Path.Combine(directory.FullName, "t.db"), mode, leak);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    private static int Check(string path, string mode, bool leak)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using (var setup = new SqliteConnection(connectionString))
        {
            setup.Open();
            using var command = setup.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (w INTEGER, n INTEGER, v TEXT); CREATE INDEX t_w ON t (w)";
            command.ExecuteNonQuery();
        }
        const int workers = 4, perWorker = 5_000;
        long errors = 0, done = 0;
        var collector = new Thread(() =>
        {
            while (Interlocked.Read(ref done) < workers * perWorker)
            {
                GC.Collect();
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        collector.Start();
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            for (var i = 0; i < perWorker; i++, Interlocked.Increment(ref done))
            {
                try
                {
                    using var connection = new SqliteConnection(connectionString);
                    connection.Open();
                    if (i % 7 == 0)
                    {
                        using var transaction = connection.BeginTransaction();
                        var insert = connection.CreateCommand();
                        insert.Transaction = transaction;
                        insert.CommandText = "INSERT INTO t VALUES ($w, $n, printf('%.200c', 'x'))";
                        insert.Parameters.AddWithValue("$w", worker);
                        insert.Parameters.AddWithValue("$n", i);
                        insert.ExecuteNonQuery();
                        if (!leak || i % 10 != 0) insert.Dispose();
                        transaction.Commit();
                    }
                    var query = connection.CreateCommand();
                    query.CommandText = "SELECT count(*), max(n) FROM t WHERE w = $w";
                    query.Parameters.AddWithValue("$w", worker);
                    using (var reader = query.ExecuteReader())
                        while (reader.Read()) { }
                    if (!leak || i % 10 != 3) query.Dispose();
                }
                catch (SqliteException ex)
                {
                    if (Interlocked.Increment(ref errors) <= 5) Console.WriteLine($"worker {worker}, operation {i}: {ex.Message}");
                }
            }
        });
        Console.WriteLine($"{mode}{(leak ? "" : " --no-leak")}: {done} operations, {errors} errors");
        return errors == 0 ? 0 : 1;
    }

    private static int Usage()
    {
        Console.WriteLine("usage: threading multi|serial [--no-leak]");
        return 2;
    }
}
