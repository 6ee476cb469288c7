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

    public string File(string name) => System.IO.Path.Combine(Path, name);

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

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) System.IO.File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)));
        foreach (var directory in Directory.GetDirectories(from)) CopyDirectory(directory, System.IO.Path.Combine(to, System.IO.Path.GetFileName(directory)));
    }
}
