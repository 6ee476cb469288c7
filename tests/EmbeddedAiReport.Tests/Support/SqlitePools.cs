using System.Globalization;
using EmbeddedAiReport.Storage;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// Closes the connections Microsoft.Data.Sqlite keeps pooled for one database file, and no other file's: tests run in
/// parallel in one process, and <see cref="SqliteConnection.ClearAllPools"/> closed every other test's pooled connections
/// under it (the last one to close a file checkpoints its log and removes the -wal, at a moment of that test's choosing;
/// before Microsoft.Data.Sqlite 10.0.15 a clear during an open could hand one connection to two callers).
/// </summary>
public static class SqlitePools
{
    /// <summary>
    /// Closes the pooled connections the program opened to <paramref name="path"/> (its connection string, with
    /// <paramref name="busyTimeout"/> when the config sets Storage:BusyTimeout): idle ones now, those in use when returned.
    /// </summary>
    public static void Clear(string path, TimeSpan? busyTimeout = null)
    {
        using var connection = new SqliteConnection(new SqliteDialect(path, busyTimeout).ConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>
    /// Leaves the pool of the program's connections to <paramref name="path"/> holding only <paramref name="count"/>
    /// connections that refuse every write with SQLITE_READONLY: what SQLite leaves when it opens them while the file is
    /// write-protected (it opens the file read-only without a word, and they stay so). The pool's connections are closed
    /// first (<see cref="Clear"/>), so one in use now is not handed out before them once returned. Root, who runs the suite,
    /// is not refused by file modes; <c>PRAGMA query_only</c> refuses the same way and is kept by the pool
    /// (ReadOnlyConnectionTests).
    /// </summary>
    public static void LeaveReadOnly(string path, int count, TimeSpan? busyTimeout = null)
    {
        Clear(path, busyTimeout);
        var connections = Enumerable.Range(0, count).Select(_ => new SqliteConnection(new SqliteDialect(path, busyTimeout).ConnectionString)).ToList();
        foreach (var connection in connections)
        {
            connection.Open();
            using var readOnly = connection.CreateCommand();
            readOnly.CommandText = "PRAGMA query_only = 1";
            readOnly.ExecuteNonQuery();
        }
        foreach (var connection in connections) connection.Dispose();   // back to the pool as they are
    }

    /// <summary>
    /// <see cref="LeaveReadOnly"/> beside a running daemon, again until the connection the pool hands out next is one of the
    /// read-only ones. A connection the daemon opened between the pool's closing and their return (the pool was empty then,
    /// so a new, writable one) and let go after them lies on top of them: one job at a time, every later open takes that one
    /// again and never meets theirs.
    /// </summary>
    public static void LeaveReadOnlyOnTop(string path, int count, TimeSpan? busyTimeout = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            LeaveReadOnly(path, count, busyTimeout);
            using var next = new SqliteConnection(new SqliteDialect(path, busyTimeout).ConnectionString);
            next.Open();
            using var setting = next.CreateCommand();
            setting.CommandText = "PRAGMA query_only";
            if (Convert.ToInt64(setting.ExecuteScalar(), CultureInfo.InvariantCulture) == 1) return;   // closed, it goes back on top
            if (attempt == 10) throw new InvalidOperationException($"a writable connection lay on top of the read-only ones {attempt} times");
        }
    }
}
