using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>Reads a report database directly, bypassing the stores, to check what a poll or a crash left behind.</summary>
public static class DatabaseProbe
{
    public static SqliteConnection Open(string path, bool readOnly = true)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        using var busy = connection.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout=30000;";
        busy.ExecuteNonQuery();
        return connection;
    }

    public static IReadOnlyList<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    public static long Scalar(SqliteConnection connection, string sql) =>
        Query(connection, sql, r => r.GetInt64(0)).Single();

    /// <summary>Every text an entry carries (title, summary, url, account, links), for "this marker must never be stored" checks.</summary>
    public static string AllEntryText(string path)
    {
        using var connection = Open(path);
        var entries = Query(connection, "SELECT title || ' ' || summary || ' ' || url || ' ' || coalesce(account, '') FROM entries", r => r.GetString(0));
        var links = Query(connection, "SELECT target || ' ' || url FROM entry_links", r => r.GetString(0));
        return string.Join("\n", entries.Concat(links));
    }
}
