using System.Xml;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Bench;

/// <summary>The reference limit: a streaming XmlReader parse of the feed bytes and one-transaction prepared INSERTs of the same items.</summary>
/// <remarks>
/// No normalization, no tagging, no dedup: what any ingest of these bytes into SQLite must at least cost. The database
/// is opened the way <see cref="Storage.ReportDatabase"/> opens it (WAL, synchronous=NORMAL), one transaction per feed.
/// </remarks>
internal static class RawIngest
{
    /// <summary>Parses and stores every feed; returns the number of rows inserted and the time spent parsing and storing.</summary>
    public static (int Rows, TimeSpan Parse, TimeSpan Store) Run(byte[][] feeds, string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=false");
        connection.Open();
        Execute(connection, """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
            CREATE TABLE raw_entries (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, url TEXT NOT NULL, title TEXT NOT NULL,
                                      summary TEXT NOT NULL, published TEXT);
            """);
        var parse = TimeSpan.Zero;
        var store = TimeSpan.Zero;
        var rows = 0;
        var items = new List<(string Guid, string Link, string Title, string Description, string? Published)>();
        foreach (var feed in feeds)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            items.Clear();
            Parse(feed, items);
            parse += System.Diagnostics.Stopwatch.GetElapsedTime(started);

            started = System.Diagnostics.Stopwatch.GetTimestamp();
            using (var transaction = connection.BeginTransaction())
            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT OR IGNORE INTO raw_entries (key, url, title, summary, published) VALUES ($key, $url, $title, $summary, $published)";
                var key = insert.Parameters.Add(new SqliteParameter { ParameterName = "$key" });
                var url = insert.Parameters.Add(new SqliteParameter { ParameterName = "$url" });
                var title = insert.Parameters.Add(new SqliteParameter { ParameterName = "$title" });
                var summary = insert.Parameters.Add(new SqliteParameter { ParameterName = "$summary" });
                var published = insert.Parameters.Add(new SqliteParameter { ParameterName = "$published" });
                insert.Prepare();
                foreach (var item in items)
                {
                    key.Value = item.Guid;
                    url.Value = item.Link;
                    title.Value = item.Title;
                    summary.Value = item.Description;
                    published.Value = (object?)item.Published ?? DBNull.Value;
                    rows += insert.ExecuteNonQuery();
                }
                transaction.Commit();
            }
            store += System.Diagnostics.Stopwatch.GetElapsedTime(started);
        }
        return (rows, parse, store);
    }

    private static void Parse(byte[] feed, List<(string, string, string, string, string?)> items)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true };
        using var reader = XmlReader.Create(new MemoryStream(feed), settings);
        while (reader.ReadToFollowing("item"))
        {
            string guid = "", link = "", title = "", description = "";
            string? published = null;
            using var item = reader.ReadSubtree();
            item.Read();
            item.Read();
            while (!item.EOF)
            {
                if (item.NodeType != XmlNodeType.Element)
                {
                    item.Read();
                    continue;
                }
                switch (item.LocalName)
                {
                    case "guid": guid = item.ReadElementContentAsString(); break;
                    case "link": link = item.ReadElementContentAsString(); break;
                    case "title": title = item.ReadElementContentAsString(); break;
                    case "description": description = item.ReadElementContentAsString(); break;
                    case "pubDate": published = item.ReadElementContentAsString(); break;
                    default: item.Skip(); break;
                }
            }
            items.Add((guid.Length > 0 ? guid : link, link, title, description, published));
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
