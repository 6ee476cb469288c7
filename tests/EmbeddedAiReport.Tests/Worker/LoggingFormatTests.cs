using System.Text.Json;
using System.Text.Json.Nodes;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>Item 5 of issue 15: <c>Logging:Format</c> is <c>simple</c> (one readable line) or <c>json</c> (one JSON object per line).</summary>
/// <remarks>The console logger writes to the process's stderr, so the worker runs as a child process here.</remarks>
public sealed class LoggingFormatTests : LoopbackTest
{
    [Fact]
    public async Task Poll_WithJsonFormat_LogsOneJsonObjectPerLine()
    {
        var config = Config("json");
        var stderr = (await CliRunner.RunChildAsync("poll", "--config", config, "--db", Folder.File("r.db"))).Error;

        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var partly = Assert.Single(events, e => e.GetProperty("EventId").GetInt32() == 2007);
        Assert.Equal("Warning", partly.GetProperty("LogLevel").GetString());
        Assert.Equal("cut", partly.GetProperty("State").GetProperty("SourceId").GetString());
    }

    [Fact]
    public async Task Poll_WithSimpleFormat_LogsReadableLines()
    {
        var stderr = (await CliRunner.RunChildAsync("poll", "--config", Config("simple"), "--db", Folder.File("r.db"))).Error;

        Assert.Contains(stderr.Split('\n'), l => l.Contains($"warn: EmbeddedAiReport.Sources.SourceReader[2007] cut: {Server.Url("cut.xml")} is broken and was only partly read"));
    }

    [Fact]
    public async Task Validate_UnknownFormat_IsAConfigProblem()
    {
        var result = await CliRunner.RunAsync("validate", "--config", Config("xml"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("appsettings.json: Logging:Format: must be 'simple' or 'json', got 'xml'", result.Error);
    }

    private string Config(string format)
    {
        // A feed cut off mid-item: the poll succeeds with what it read and logs a warning (a failed poll is `poll`'s result, on stdout).
        var whole = FaultFeeds.Rss(FaultFeeds.Items(3, "part"));
        Server.MapFile("cut.xml", System.Text.Encoding.UTF8.GetBytes(whole[..whole.LastIndexOf("<item>", StringComparison.Ordinal)] + "<item><title>cut off"));
        var config = Folder.ConfigWithSources($$"""{"sources": [{"id": "cut", "kind": "feed", "url": "{{Server.Url("cut.xml")}}", "allowPrivateNetwork": true}]}""");
        var path = Path.Combine(config, "appsettings.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["Logging"]!["Format"] = format;
        File.WriteAllText(path, json.ToJsonString());
        return config;
    }
}
