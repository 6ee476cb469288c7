using System.Net;
using System.Net.Sockets;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>The daemon (`run`) in-process: it schedules jobs, polls, serves HTTP, and stops cleanly when cancelled.</summary>
public sealed class DaemonTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _directory = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Run_WithOneSource_SchedulesPollsServesDraftAndStopsCleanly()
    {
        var items = CorpusFeeds.Items("2020-05-15.md");
        // Monday noon (Shanghai) of the current week: inside the week /drafts/latest.md shows, and never far in the future.
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var (monday, _) = EmbeddedAiReport.Drafting.EditorialWeek.Containing(DateTimeOffset.UtcNow, shanghai).Dates();
        var config = _directory.ConfigWithSources(CorpusFeeds.ServeBySection(_server, items, new DateTimeOffset(monday.ToDateTime(new TimeOnly(12, 0)), TimeSpan.FromHours(8))));
        var port = FreePort();
        var settings = Path.Combine(config, "appsettings.json");
        File.WriteAllText(settings, File.ReadAllText(settings).Replace("http://127.0.0.1:5180", $"http://127.0.0.1:{port}"));
        var logs = new CapturingLoggerProvider();
        using var stop = new CancellationTokenSource();

        var run = CliRunner.RunAsync(s => s.AddSingleton<ILoggerProvider>(logs), stop.Token, "run", "--config", config, "--db", _directory.File("r.db"));
        var scheduled = await logs.WaitForAsync(4101, "news").WaitAsync(Patience);
        var polled = await logs.WaitForAsync(2001, "news").WaitAsync(Patience);
        foreach (var section in items.Select(i => i.Section).Distinct()) await logs.WaitForAsync(2001, section).WaitAsync(Patience);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var health = await http.GetStringAsync("healthz");
        var latest = await http.GetAsync("drafts/latest.md");
        var draft = await latest.Content.ReadAsStringAsync();
        var conditional = new HttpRequestMessage(HttpMethod.Get, "drafts/latest.md");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", latest.Headers.ETag!.ToString());
        var notModified = await http.SendAsync(conditional);
        var badWeek = await http.GetAsync("drafts/2020-W99.md");
        var sources = await http.GetStringAsync("sources");
        var week = EmbeddedAiReport.Drafting.EditorialWeek.Containing(DateTimeOffset.UtcNow, shanghai);
        var byWeek = await http.GetStringAsync($"drafts/{week}.md");
        var entriesResponse = await http.GetAsync($"entries?week={week}");
        var entries = await entriesResponse.Content.ReadAsStringAsync();
        await logs.WaitForAsync(4101, "weekly-draft").WaitAsync(Patience);

        await stop.CancelAsync();
        var result = await run.WaitAsync(Patience);

        Assert.Contains("1h", scheduled);
        Assert.Contains($"{items.Count(i => i.Section == "news")} new", polled);
        Assert.StartsWith("{\"status\":\"ok\",\"reason\":null,\"sources\":", health);
        Assert.Equal("text/markdown; charset=utf-8", latest.Content.Headers.ContentType!.ToString());
        Assert.Contains($"> 导读：本次{items.Count}条。", draft);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badWeek.StatusCode);
        Assert.Contains("\"news\"", sources);
        Assert.Contains("\"state\":\"ok\"", sources);
        Assert.Equal(draft, byWeek);
        Assert.Equal(items.Count, System.Text.Json.JsonDocument.Parse(entries).RootElement.GetProperty("entries").GetArrayLength());
        Assert.Equal("application/json; charset=utf-8", entriesResponse.Content.Headers.ContentType!.ToString());
        Assert.NotNull(entriesResponse.Headers.ETag);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Run_SourcesJsonChanges_ReschedulesOrKeepsTheOldSourcesOnABadFile()
    {
        var items = CorpusFeeds.Items("2020-04-26.md");
        var now = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(4), TimeSpan.Zero);
        var sourcesJson = CorpusFeeds.ServeBySection(_server, items, now);
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var settings = Path.Combine(config, "appsettings.json");
        File.WriteAllText(settings, File.ReadAllText(settings).Replace("http://127.0.0.1:5180", $"http://127.0.0.1:{FreePort()}"));
        var logs = new CapturingLoggerProvider();
        using var stop = new CancellationTokenSource();

        var run = CliRunner.RunAsync(s => s.AddSingleton<ILoggerProvider>(logs), stop.Token, "run", "--config", config, "--db", _directory.File("r.db"));
        await logs.WaitForAsync(4112).WaitAsync(Patience);
        File.WriteAllText(Path.Combine(config, "sources.json"), sourcesJson);
        var sections = items.Select(i => i.Section).Distinct().Count();
        var reloaded = await logs.WaitForAsync(4102, $"{sections} source(s) (re)scheduled").WaitAsync(Patience);
        var polled = await logs.WaitForAsync(2001, "papers").WaitAsync(Patience);
        File.WriteAllText(Path.Combine(config, "sources.json"), """{"sources": [{"id": "x", "kind": "nope"}]}""");
        var rejected = await logs.WaitForAsync(4103).WaitAsync(Patience);

        await stop.CancelAsync();
        var result = await run.WaitAsync(Patience);

        Assert.Contains($"{sections} source(s) (re)scheduled, 0 unchanged, 0 removed", reloaded);
        Assert.Contains("new", polled);
        Assert.Contains("unknown kind 'nope'", rejected);
        Assert.Equal(0, result.ExitCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
