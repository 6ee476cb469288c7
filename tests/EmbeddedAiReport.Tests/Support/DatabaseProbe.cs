using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

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

    /// <summary>A connection to <paramref name="database"/>, whichever its provider.</summary>
    public static DbConnection Open(TestDatabase database, bool readOnly = true)
    {
        if (database.ConnectionString is null) return Open(database.SqlitePath, readOnly);
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    public static IReadOnlyList<T> Query<T>(DbConnection connection, string sql, Func<DbDataReader, T> read)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    public static long Scalar(DbConnection connection, string sql) =>
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
