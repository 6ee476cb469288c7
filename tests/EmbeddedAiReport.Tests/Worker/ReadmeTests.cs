using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker.Configuration;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// README.md is what a new operator copies from: its sources.json examples pass <c>validate</c> as written, and every
/// appsettings.json setting the daemon binds is in its settings table, so neither side drifts from the other unnoticed.
/// </summary>
public sealed partial class ReadmeTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static string Readme() => File.ReadAllText(Path.Combine(Fixtures.RepositoryRoot(), "README.md"));

    [GeneratedRegex(@"^```json\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    // Each ```json block of README: a whole sources.json, or one source of it (the request headers example).
    public static TheoryData<int> JsonBlocks() => new(Enumerable.Range(0, JsonBlock().Matches(Readme()).Count));

    [Theory]
    [MemberData(nameof(JsonBlocks))]
    public async Task Readme_SourcesJsonExample_PassesValidateAsWritten(int index)
    {
        var block = JsonBlock().Matches(Readme())[index].Groups[1].Value;
        var file = JsonNode.Parse(block)!.AsObject() is var node && node.ContainsKey("sources") ? block : $$"""{"sources": [{{block}}]}""";
        var config = _directory.ConfigWithSources(file);

        // In the environment README gives the daemon (the headersEnv example's secret, `printf user:pass | base64`).
        var result = await CliRunner.RunChildAsync(new Dictionary<string, string> { ["RSSHUB_AUTH"] = "Basic dXNlcjpwYXNz" },
            "validate", "--config", config, "--db", _directory.File("report.db"));

        Assert.True(result.ExitCode == 0, $"README's json block {index + 1} is refused:\n{result.Error}\n{block}");
        Assert.Contains("config OK", result.Out);
    }

    [Fact]
    public void Readme_EveryAppSettingsKey_IsInTheSettingsTable()
    {
        var readme = Readme();
        var start = readme.IndexOf("### `appsettings.json`", StringComparison.Ordinal);
        var table = readme[start..readme.IndexOf("\n### ", start + 1, StringComparison.Ordinal)];

        // A key is named `Section:Key`, or `Key` in a row that names its section's first key (`Summaries:MinLength`, `MaxLength` …; Dedup:*).
        var missing = ReportSettings.Sections
            .SelectMany(s => s.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => (s.Name, Key: p.Name)))
            .Where(k => !table.Contains($"`{k.Name}:{k.Key}`", StringComparison.Ordinal)
                && !table.Split('\n').Any(row => row.Contains($"`{k.Name}:", StringComparison.Ordinal) && row.Contains($"`{k.Key}`", StringComparison.Ordinal)))
            .Select(k => $"{k.Name}:{k.Key}")
            .ToList();

        Assert.Empty(missing);
    }
}
