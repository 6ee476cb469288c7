using System.Text.Json;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// A source removed from sources.json, or an account removed from a mirror, keeps its stored health (history) but no
/// longer shows in <c>sources</c>, <c>/sources</c> or counts in <c>/healthz</c>: only what is configured does.
/// </summary>
public sealed class RemovedSourcesTests : LoopbackTest
{
    private string Sources(params string[] accounts) => $$"""
        {"sources": [{"id": "mirror", "kind": "wechat-mirror", "mirror": "{{Server.BaseUri}}", "schedule": "0 0 0 1 1 ? 2099", "allowPrivateNetwork": true,
                      "accounts": [{{string.Join(", ", accounts.Select(a => $"\"{a}\""))}}]}
                     {{(accounts.Contains("dead") ? $$""", {"id": "gone", "kind": "feed", "url": "{{Server.Url("gone.xml")}}", "schedule": "0 0 0 1 1 ? 2099", "allowPrivateNetwork": true}""" : "")}}]}
        """;

    [Fact]
    public async Task SourcesAndHealth_AfterASourceAndAnAccountWereRemoved_ShowAndCountOnlyWhatIsConfigured()
    {
        Server.MapFile("feeds/alive1.rss", FaultFeeds.Healthy(2, "alive1"));
        Server.MapFile("feeds/alive2.rss", FaultFeeds.Healthy(2, "alive2"));
        var config = Folder.ConfigWithSources(Sources("alive1", "dead", "alive2"));
        var db = Folder.File("report.db");
        // The dead account and the gone source fail (404); the mirror's other accounts succeed.
        Assert.Equal(1, (await CliRunner.RunAsync("poll", "--config", config, "--db", db)).ExitCode);
        var before = await CliRunner.RunAsync("sources", "--config", config, "--db", db);
        Assert.Contains("  dead: 1 failure(s)", before.Out);
        Assert.Contains("gone ", before.Out);

        await File.WriteAllTextAsync(Path.Combine(config, "sources.json"), Sources("alive1", "alive2"));
        var after = await CliRunner.RunAsync("sources", "--config", config, "--db", db);
        var (sources, health) = await ReadAsync(config, db);

        Assert.Equal(0, after.ExitCode);
        Assert.DoesNotContain("dead", after.Out);
        Assert.DoesNotContain("gone", after.Out);
        var mirror = Assert.Single(sources.EnumerateArray());
        Assert.Equal("mirror", mirror.GetProperty("id").GetString());
        Assert.Equal(["alive1", "alive2"], mirror.GetProperty("requests").EnumerateArray().Select(r => r.GetProperty("label").GetString()));
        Assert.Equal((1, 0), (health.GetProperty("sources").GetInt32(), health.GetProperty("failing").GetInt32()));
        // The history stays: the removed source's and account's health rows are kept.
        using var connection = DatabaseProbe.Open(db);
        Assert.Equal(1L, DatabaseProbe.Scalar(connection, "SELECT count(*) FROM request_health WHERE label = 'dead'"));
        Assert.Equal(1L, DatabaseProbe.Scalar(connection, "SELECT count(*) FROM sources WHERE id = 'gone'"));
    }

    // GET /sources and /healthz from the daemon's application on an ephemeral loopback port.
    private static async Task<(JsonElement Sources, JsonElement Health)> ReadAsync(string config, string db)
    {
        var loaded = WorkerHost.LoadConfig(config, db);
        Assert.Empty(loaded.Problems);
        return await DaemonApplication.WithClientAsync(loaded, async (_, http) =>
        {
            var sources = JsonDocument.Parse(await http.GetStringAsync("sources")).RootElement.Clone();
            using var healthz = await http.GetAsync("healthz");
            return (sources, JsonDocument.Parse(await healthz.Content.ReadAsStringAsync()).RootElement.Clone());
        });
    }
}
