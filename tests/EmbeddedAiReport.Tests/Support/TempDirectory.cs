namespace EmbeddedAiReport.Tests.Support;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eair-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    // Every path File named: a database a test deleted may still have pooled connections holding it (Dispose).
    private readonly List<string> _named = [];

    public string File(string name)
    {
        var path = System.IO.Path.Combine(Path, name);
        lock (_named) _named.Add(path);
        return path;
    }

    /// <summary>A copy of the default config folder (named <paramref name="folder"/>) with sources.json replaced by <paramref name="sourcesJson"/>.</summary>
    public string ConfigWithSources(string sourcesJson, string folder = "config")
    {
        var config = System.IO.Path.Combine(Path, folder);
        CopyDirectory(Fixtures.ConfigDirectory, config);
        System.IO.File.WriteAllText(System.IO.Path.Combine(config, "sources.json"), sourcesJson);
        return config;
    }

    /// <summary>Applies <paramref name="edit"/> to <paramref name="config"/>'s appsettings.json.</summary>
    public static void EditSettings(string config, Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        var path = System.IO.Path.Combine(config, "appsettings.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(path))!.AsObject();
        edit(json);
        System.IO.File.WriteAllText(path, json.ToJsonString());
    }

    /// <summary>
    /// Turns summaries on in <paramref name="config"/>'s appsettings.json, with an endpoint nothing answers: the summary
    /// prompt (templates/summary.liquid) is read and checked only while they are on.
    /// </summary>
    public static void TurnSummariesOn(string config) => EditSettings(config, json =>
        json["Summaries"] = new System.Text.Json.Nodes.JsonObject { ["Endpoint"] = "http://127.0.0.1:9/v1", ["Model"] = "m" });

    /// <summary>
    /// Sets Draft:MinScore to 0 in <paramref name="config"/>'s appsettings.json, so every candidate reaches the draft: for tests
    /// of what sources store and how drafts look, not of relevance (which has its own tests).
    /// </summary>
    public static string KeepEveryCandidate(string config)
    {
        var path = System.IO.Path.Combine(config, "appsettings.json");
        var settings = System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(path))!;
        settings["Draft"]!["MinScore"] = 0;
        System.IO.File.WriteAllText(path, settings.ToJsonString());
        return config;
    }

    /// <summary>Closes the pooled connections to the databases in the folder (and to none elsewhere), then deletes it.</summary>
    /// <remarks>
    /// Only this folder's pools (<see cref="SqlitePools"/>): the tests of other classes run at the same time in this process,
    /// with connections of their own in the pool. Closed, not left to the pool's pruning (minutes), so that the files of
    /// thousands of tests are not held open, deleted, until then.
    /// </remarks>
    public void Dispose()
    {
        foreach (var database in Databases()) SqlitePools.Clear(database);
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }

    // The SQLite files in the folder (empty ones too: SQLite writes nothing to a new file before its first write), and every
    // file path File named: a database since deleted or moved, or a file opened as a database that is none.
    private List<string> Databases()
    {
        string[] named;
        lock (_named) named = [.. _named];
        var files = Directory.Exists(Path) ? Directory.GetFiles(Path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }) : [];
        return [.. files.Where(IsSqlite).Concat(named.Where(n => !Directory.Exists(n))).Distinct()];
    }

    private static bool IsSqlite(string file)
    {
        Span<byte> header = stackalloc byte[16];
        try
        {
            using var stream = System.IO.File.OpenRead(file);
            var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            return read == 0 || read == header.Length && header.SequenceEqual("SQLite format 3\0"u8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) System.IO.File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)));
        foreach (var directory in Directory.GetDirectories(from)) CopyDirectory(directory, System.IO.Path.Combine(to, System.IO.Path.GetFileName(directory)));
    }
}
