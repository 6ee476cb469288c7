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
}
