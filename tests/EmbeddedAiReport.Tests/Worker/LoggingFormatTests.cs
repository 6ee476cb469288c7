using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>Item 5 of issue 15: <c>Logging:Format</c> is <c>simple</c> (one readable line) or <c>json</c> (one JSON object per line).</summary>
/// <remarks>The console logger writes to the process's stderr, so the worker runs as a child process here.</remarks>
public sealed class LoggingFormatTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Poll_WithJsonFormat_LogsOneJsonObjectPerLine()
    {
        var config = Config("json");
        var stderr = await RunWorkerAsync("poll", "--config", config, "--db", _directory.File("r.db"));

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
        var stderr = await RunWorkerAsync("poll", "--config", Config("simple"), "--db", _directory.File("r.db"));

        Assert.Contains(stderr.Split('\n'), l => l.Contains($"warn: EmbeddedAiReport.Sources.SourceReader[2007] cut: {_server.Url("cut.xml")} is broken and was only partly read"));
    }

    [Fact]
    public async Task Validate_UnknownFormat_IsAConfigProblem()
    {
        var result = await CliRunner.RunAsync("validate", "--config", Config("xml"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("appsettings.json: Logging:Format: must be 'simple' or 'json', got 'xml'", result.Error);
    }

    private static async Task<string> RunWorkerAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EmbeddedAiReport.Worker.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await stdout;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return stderr;
    }

    private string Config(string format)
    {
        // A feed cut off mid-item: the poll succeeds with what it read and logs a warning (a failed poll is `poll`'s result, on stdout).
        var whole = FaultFeeds.Rss(FaultFeeds.Items(3, "part"));
        _server.MapFile("cut.xml", System.Text.Encoding.UTF8.GetBytes(whole[..whole.LastIndexOf("<item>", StringComparison.Ordinal)] + "<item><title>cut off"));
        var config = _directory.ConfigWithSources($$"""{"sources": [{"id": "cut", "kind": "feed", "url": "{{_server.Url("cut.xml")}}", "allowPrivateNetwork": true}]}""");
        var path = Path.Combine(config, "appsettings.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["Logging"]!["Format"] = format;
        File.WriteAllText(path, json.ToJsonString());
        return config;
    }
}
