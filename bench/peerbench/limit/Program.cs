// peerbench "limit": the floor for a feed aggregator on this machine — parse RSS/Atom with XmlReader and insert
// every entry into SQLite (WAL) in one transaction through one prepared statement. No normalization, no dedup
// beyond UNIQUE(feed, guid), no classification: whatever the real worker costs above this is its overhead.
//
//   Limit --dir FEEDS_DIR --db DB [--threads N]       read feed files from disk (parse on N threads, default all cores)
//   Limit --urls URLS_TXT --db DB [--concurrency N]   fetch over HTTP (conditional GET with the ETag/Last-Modified
//                                                     stored in DB from the previous run), then parse + insert
// Prints one summary line: "limit: mode=... entries_parsed=... inserted=... total_s=... entries_per_s=...".
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Xml;
using Microsoft.Data.Sqlite;

var opts = ParseArgs(args);
if (!opts.TryGetValue("db", out var dbPath) || !(opts.ContainsKey("dir") ^ opts.ContainsKey("urls")))
{
    Console.Error.WriteLine("usage: Limit (--dir FEEDS_DIR | --urls URLS_TXT) --db DB [--threads N] [--concurrency N]");
    return 2;
}

var total = Stopwatch.StartNew();
using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = false }.ToString());
db.Open();
Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;");
Exec(db, """
    CREATE TABLE IF NOT EXISTS feeds(url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, status INTEGER, fetched_at TEXT);
    CREATE TABLE IF NOT EXISTS entries(id INTEGER PRIMARY KEY, feed TEXT NOT NULL, guid TEXT NOT NULL, url TEXT,
        title TEXT, published TEXT, content TEXT, UNIQUE(feed, guid));
    """);

var parsed = new ConcurrentBag<FeedResult>();
var fetch = new FetchCounters();
string mode;
var parseWatch = Stopwatch.StartNew();
if (opts.TryGetValue("dir", out var dir))
{
    mode = "disk";
    var files = Directory.GetFiles(dir).Where(f => f.EndsWith(".rss") || f.EndsWith(".atom") || f.EndsWith(".xml"))
        .Order(StringComparer.Ordinal).ToArray();
    int threads = int.Parse(opts.GetValueOrDefault("threads", Environment.ProcessorCount.ToString()));
    Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = threads }, file =>
    {
        using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        parsed.Add(new FeedResult(Path.GetFileName(file), FeedParser.Parse(fs), null, null, 200));
    });
    fetch.Ok = files.Length;
}
else
{
    mode = "http";
    var urls = File.ReadAllLines(opts["urls"]).Select(l => l.Trim()).Where(l => l.StartsWith("http")).ToArray();
    int conc = int.Parse(opts.GetValueOrDefault("concurrency", "4"));
    var validators = new Dictionary<string, (string? ETag, string? LastModified)>();
    using (var q = db.CreateCommand())
    {
        q.CommandText = "SELECT url, etag, last_modified FROM feeds";
        using var rd = q.ExecuteReader();
        while (rd.Read())
            validators[rd.GetString(0)] = (rd.IsDBNull(1) ? null : rd.GetString(1), rd.IsDBNull(2) ? null : rd.GetString(2));
    }
    using var http = new HttpClient(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = conc,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    }) { Timeout = TimeSpan.FromSeconds(30) };
    await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = conc }, async (url, ct) =>
    {
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, url);
            if (validators.TryGetValue(url, out var v))
            {
                if (v.ETag is not null) req.Headers.TryAddWithoutValidation("If-None-Match", v.ETag);
                if (v.LastModified is not null) req.Headers.TryAddWithoutValidation("If-Modified-Since", v.LastModified);
            }
            using var resp = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct);
            if (resp.StatusCode == HttpStatusCode.NotModified) { Interlocked.Increment(ref fetch.NotModified); return; }
            if (!resp.IsSuccessStatusCode) { Interlocked.Increment(ref fetch.Failed); return; }
            await using var body = await resp.Content.ReadAsStreamAsync(ct);
            var ms = new MemoryStream();
            await body.CopyToAsync(ms, ct);
            ms.Position = 0;
            var entries = FeedParser.Parse(ms);
            parsed.Add(new FeedResult(url, entries, resp.Headers.ETag?.ToString(),
                resp.Content.Headers.LastModified?.ToString("R", CultureInfo.InvariantCulture), (int)resp.StatusCode));
            Interlocked.Increment(ref fetch.Ok);
        }
        catch (Exception ex) when (ex is HttpRequestException or XmlException or IOException or TaskCanceledException)
        {
            Interlocked.Increment(ref fetch.Failed);
            Console.Error.WriteLine($"limit: {url}: {ex.GetType().Name}: {ex.Message}");
        }
    });
}
parseWatch.Stop();

var insertWatch = Stopwatch.StartNew();
int inserted = 0, entriesParsed = 0;
using (var tx = db.BeginTransaction())
{
    using var ins = db.CreateCommand();
    ins.Transaction = tx;
    ins.CommandText = "INSERT OR IGNORE INTO entries(feed, guid, url, title, published, content) VALUES ($f, $g, $u, $t, $p, $c)";
    var pf = ins.Parameters.Add("$f", SqliteType.Text);
    var pg = ins.Parameters.Add("$g", SqliteType.Text);
    var pu = ins.Parameters.Add("$u", SqliteType.Text);
    var pt = ins.Parameters.Add("$t", SqliteType.Text);
    var pp = ins.Parameters.Add("$p", SqliteType.Text);
    var pc = ins.Parameters.Add("$c", SqliteType.Text);
    ins.Prepare();
    using var feedCmd = db.CreateCommand();
    feedCmd.Transaction = tx;
    feedCmd.CommandText = """
        INSERT INTO feeds(url, etag, last_modified, status, fetched_at) VALUES ($u, $e, $l, $s, $at)
        ON CONFLICT(url) DO UPDATE SET etag=excluded.etag, last_modified=excluded.last_modified,
            status=excluded.status, fetched_at=excluded.fetched_at
        """;
    var fu = feedCmd.Parameters.Add("$u", SqliteType.Text);
    var fe = feedCmd.Parameters.Add("$e", SqliteType.Text);
    var fl = feedCmd.Parameters.Add("$l", SqliteType.Text);
    var fs = feedCmd.Parameters.Add("$s", SqliteType.Integer);
    var fa = feedCmd.Parameters.Add("$at", SqliteType.Text);
    feedCmd.Prepare();
    string now = TimeProvider.System.GetUtcNow().ToString("O");
    foreach (var feed in parsed.OrderBy(f => f.Feed, StringComparer.Ordinal))
    {
        foreach (var e in feed.Entries)
        {
            entriesParsed++;
            pf.Value = feed.Feed;
            pg.Value = e.Guid ?? e.Link ?? e.Title ?? "";
            pu.Value = (object?)e.Link ?? DBNull.Value;
            pt.Value = (object?)e.Title ?? DBNull.Value;
            pp.Value = (object?)e.Published ?? DBNull.Value;
            pc.Value = (object?)e.Content ?? DBNull.Value;
            inserted += ins.ExecuteNonQuery();
        }
        fu.Value = feed.Feed;
        fe.Value = (object?)feed.ETag ?? DBNull.Value;
        fl.Value = (object?)feed.LastModified ?? DBNull.Value;
        fs.Value = feed.Status;
        fa.Value = now;
        feedCmd.ExecuteNonQuery();
    }
    tx.Commit();
}
insertWatch.Stop();
long stored;
using (var c = db.CreateCommand()) { c.CommandText = "SELECT count(*) FROM entries"; stored = (long)c.ExecuteScalar()!; }
total.Stop();
double secs = total.Elapsed.TotalSeconds;
Console.WriteLine(FormattableString.Invariant(
    $"limit: mode={mode} feeds_ok={fetch.Ok} not_modified={fetch.NotModified} failed={fetch.Failed} entries_parsed={entriesParsed} inserted={inserted} stored={stored} fetch_parse_s={parseWatch.Elapsed.TotalSeconds:F3} insert_s={insertWatch.Elapsed.TotalSeconds:F3} total_s={secs:F3} entries_per_s={(entriesParsed / Math.Max(secs, 1e-9)):F0}"));
return fetch.Failed == 0 ? 0 : 1;

static void Exec(SqliteConnection db, string sql)
{
    using var c = db.CreateCommand();
    c.CommandText = sql;
    c.ExecuteNonQuery();
}

static Dictionary<string, string> ParseArgs(string[] args)
{
    var d = new Dictionary<string, string>();
    for (int i = 0; i + 1 < args.Length; i += 2)
        if (args[i].StartsWith("--")) d[args[i][2..]] = args[i + 1];
    return d;
}

record Entry(string? Guid, string? Link, string? Title, string? Published, string? Content);
record FeedResult(string Feed, List<Entry> Entries, string? ETag, string? LastModified, int Status);
class FetchCounters { public int Ok, NotModified, Failed; }

static class FeedParser
{
    static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Ignore, IgnoreComments = true, IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true, XmlResolver = null,
    };

    /// <summary>RSS 2.0 (channel/item) or Atom (feed/entry) into flat entries; unknown elements are skipped.</summary>
    public static List<Entry> Parse(Stream s)
    {
        var list = new List<Entry>();
        using var r = XmlReader.Create(s, Settings);
        r.MoveToContent();
        bool atom = r.LocalName == "feed";
        string item = atom ? "entry" : "item";
        while (r.Read())
        {
            if (r.NodeType != XmlNodeType.Element || r.LocalName != item) continue;
            using var sub = r.ReadSubtree();
            list.Add(ReadItem(sub, atom));
        }
        return list;
    }

    static Entry ReadItem(XmlReader r, bool atom)
    {
        string? guid = null, link = null, title = null, published = null, content = null;
        r.Read(); // the item/entry element itself
        r.Read();
        while (!r.EOF)
        {
            if (r.NodeType != XmlNodeType.Element || r.Depth != 1) { r.Read(); continue; }
            switch (r.LocalName)
            {
                case "title": title = r.ReadElementContentAsString(); break;
                case "link" when atom:
                    var rel = r.GetAttribute("rel");
                    if (rel is null or "alternate") link ??= r.GetAttribute("href");
                    r.Skip();
                    break;
                case "link": link = r.ReadElementContentAsString(); break;
                case "guid" or "id": guid = r.ReadElementContentAsString(); break;
                case "pubDate" or "updated" or "published" or "date":
                    var d = r.ReadElementContentAsString();
                    published ??= d;
                    break;
                case "description" or "summary" or "content" or "encoded":
                    var text = r.GetAttribute("type") == "xhtml" ? r.ReadInnerXml() : r.ReadElementContentAsString();
                    if (content is null || text.Length > content.Length) content = text;
                    break;
                default: r.Skip(); break;
            }
        }
        return new Entry(guid, link, title, published, content);
    }
}
