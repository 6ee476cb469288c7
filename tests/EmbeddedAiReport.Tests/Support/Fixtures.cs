namespace EmbeddedAiReport.Tests.Support;

/// <summary>Files under tests/EmbeddedAiReport.Tests/Fixtures (copied to the output folder); see Fixtures/SOURCES.md for their origin.</summary>
public static class Fixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));

    public static string Text(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>The 25 real past issues (Fixtures/corpus, © ysh329, CC BY-SA 4.0).</summary>
    public static IReadOnlyList<string> CorpusIssues() => Directory.GetFiles(PathOf("corpus"), "20*.md").Order(StringComparer.Ordinal).ToList();

    /// <summary>The repository's default config folder, as copied next to the tests.</summary>
    public static string ConfigDirectory => Path.Combine(AppContext.BaseDirectory, "config");

    /// <summary>The repository's root folder (the one with EmbeddedAiReport.sln), above the test output folder.</summary>
    public static string RepositoryRoot() =>
        FindRepositoryRoot() ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);

    /// <summary>The repository's root folder, or null when the tests run outside a checkout.</summary>
    public static string? FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "EmbeddedAiReport.sln"))) return directory.FullName;
        return null;
    }
}
