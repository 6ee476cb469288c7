using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>Item 4 of issue 15: <c>/metrics</c> in Prometheus text format and a <c>/healthz</c> that says why it is unhappy.</summary>
public sealed partial class MetricsTests : LoopbackTest
{
    private static readonly DateTimeOffset Now = new(2020, 11, 20, 2, 0, 0, TimeSpan.Zero);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var items = string.Concat(Enumerable.Range(0, 3).Select(i => FaultFeeds.Item($"INT8 quantization of MobileNet on the NPU, part {i}",
            $"https://example.org/good/{i}", "Post-training quantization and pruning for on-device inference with TFLite on a Snapdragon NPU.",
            pubDate: "Thu, 19 Nov 2020 08:00:00 GMT")));
        Server.MapFile("good.xml", Encoding.UTF8.GetBytes(FaultFeeds.Rss(items)));
    }

    [Fact]
    public async Task Metrics_AfterAGoodAndAFailingPoll_CountBothAndDescribeTheState()
    {
        await using var daemon = await StartAsync(unhealthyShare: 0.5);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        var draft = await http.GetStringAsync("drafts/latest.md");
        // The database and its log only grow while the daemon runs (passive checkpoints never shrink the log), so the size
        // the scrape reports lies between the sizes read just before and just after it, the same figure unless the daemon
        // wrote meanwhile (its job store can, at any moment).
        var database = Folder.File("report.db");
        long Size() => new FileInfo(database).Length + new FileInfo(database + "-wal").Length;
        var before = Size();
        var text = await http.GetStringAsync("metrics");
        var after = Size();
        var health = await http.GetAsync("healthz");

        Assert.Equal(1, Value(text, "eair_polls_total", ("source", "good"), ("outcome", "ok")));
        Assert.Equal(1, Value(text, "eair_polls_total", ("source", "bad"), ("outcome", "failed")));
        Assert.Equal(3, Value(text, "eair_entries_total", ("source", "good"), ("change", "new")));
        Assert.Equal(1, Value(text, "eair_poll_duration_seconds_count", ("source", "good")));
        Assert.Equal(1, Value(text, "eair_poll_duration_seconds_bucket", ("source", "good"), ("le", "+Inf")));
        Assert.Equal(Now.ToUnixTimeSeconds(), Value(text, "eair_source_last_success_timestamp_seconds", ("source", "good")));
        Assert.Null(Find(text, "eair_source_last_success_timestamp_seconds", ("source", "bad")));
        Assert.Equal(1, Value(text, "eair_sources", ("state", "ok")));
        Assert.Equal(1, Value(text, "eair_sources", ("state", "failing")));
        var count = int.Parse(DraftCount().Match(draft).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(count, new[] { "news", "papers", "opensource", "blogs" }.Sum(section => Value(text, "eair_draft_items", ("section", section))));
        Assert.InRange(Value(text, "eair_database_size_bytes"), before, after);
        // One of two sources failing is not more than half.
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Metrics_SourceRemovedFromSourcesJson_ItsSeriesGo_TheOthersCountersStay_ANewSourceIsCounted()
    {
        // Prometheus practice (README, Metrics): a removed target's series disappear; they do not wait for a restart.
        var clock = new FakeTimeProvider(Now);
        await using var daemon = await StartAsync(unhealthyShare: 0.5, clock);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        await daemon.WaitForAsync(4112);   // watching the config folder
        var before = await http.GetStringAsync("metrics");

        await File.WriteAllTextAsync(Path.Combine(Folder.Path, "config", "sources.json"), Sources("good", "fresh"));
        await daemon.WaitForAsync(4102, "1 removed", clock);
        await daemon.WaitForAsync(2003, "Poll of fresh failed");   // a new source is polled at once
        var next = await http.GetStringAsync("metrics");
        var after = await http.GetStringAsync("metrics");

        Assert.Equal(1, Value(before, "eair_polls_total", ("source", "bad"), ("outcome", "failed")));
        Assert.Equal(1, Value(before, "eair_poll_duration_seconds_count", ("source", "bad")));
        Assert.Null(Find(next, "eair_polls_total", ("source", "bad")));   // the histogram's last values may be written once more
        Assert.DoesNotContain("source=\"bad\"", after);
        Assert.Equal(1, Value(after, "eair_polls_total", ("source", "good"), ("outcome", "ok")));
        Assert.Equal(3, Value(after, "eair_entries_total", ("source", "good"), ("change", "new")));
        Assert.Equal(1, Value(after, "eair_polls_total", ("source", "fresh"), ("outcome", "failed")));
        Assert.Equal(1, Value(after, "eair_poll_duration_seconds_count", ("source", "fresh")));
        // The remaining sources' histograms start again (a counter reset); their counters do not.
        Assert.Null(Find(after, "eair_poll_duration_seconds_count", ("source", "good")));
    }

    [Fact]
    public async Task Metrics_EditsRefused_CountsEachFileTillItIsPutBack()
    {
        // The daemon runs on with the last good files when an edit has problems (event 4103), so nothing a scraper sees
        // would change: each refused file is counted till it is fixed or put back (README, "Metrics": files, not whether
        // there is one): a typo in sources.json is 1, one in tags.json too 2, sources.json put back 1, tags.json too 0.
        var clock = new FakeTimeProvider(Now);
        await using var daemon = await StartAsync(unhealthyShare: 0.5, clock);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        await daemon.WaitForAsync(4112);   // watching the config folder
        var sources = Path.Combine(Folder.Path, "config", "sources.json");
        var tags = Path.Combine(Folder.Path, "config", "tags.json");
        var (runningSources, runningTags) = (await File.ReadAllTextAsync(sources), await File.ReadAllTextAsync(tags));
        var before = await http.GetStringAsync("metrics");

        await File.WriteAllTextAsync(sources, runningSources.Replace("\"kind\": \"feed\"", "\"kind\": \"rss-feed\"", StringComparison.Ordinal));
        await daemon.WaitForAsync(4103, "rss-feed", clock);
        var refused = await http.GetStringAsync("metrics");
        await File.WriteAllTextAsync(tags, runningTags.Replace("\"maxTagScore\": 6", "\"maxTagScore\": -6", StringComparison.Ordinal));
        await daemon.WaitForAsync(4103, "maxTagScore", clock);
        var both = await http.GetStringAsync("metrics");
        await File.WriteAllTextAsync(sources, runningSources);
        await daemon.WaitForAsync(4121, "sources.json", clock);
        var sourcesBack = await http.GetStringAsync("metrics");
        await File.WriteAllTextAsync(tags, runningTags);
        await daemon.WaitForAsync(4121, "tags.json", clock);
        var back = await http.GetStringAsync("metrics");

        Assert.Equal([0.0, 1, 2, 1, 0], new[] { before, refused, both, sourcesBack, back }.Select(m => Value(m, "eair_config_rejected_files")));
    }

    [Fact]
    public async Task Metrics_EveryMetricFamily_IsDocumentedInTheReadme()
    {
        await using var daemon = await StartAsync(unhealthyShare: 0.5);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        var families = TypeLine().Matches(await http.GetStringAsync("metrics")).Select(m => m.Groups[1].Value).Where(n => n.StartsWith("eair_")).ToHashSet();
        var readme = File.ReadAllText(Path.Combine(Fixtures.RepositoryRoot(), "README.md"));

        Assert.Equal(["eair_config_rejected_files", "eair_database_size_bytes", "eair_draft_items", "eair_entries_total", "eair_poll_duration_seconds", "eair_polls_total",
            "eair_source_last_success_timestamp_seconds", "eair_sources"], families.Order());
        Assert.All(families, family => Assert.Contains($"`{family}`", readme));
    }

    [Fact]
    public async Task Healthz_TooManyFailingSourcesOrNoDatabase_Answers503WithTheReason()
    {
        await using var daemon = await StartAsync(unhealthyShare: 0.25);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        var degraded = await http.GetAsync("healthz");
        var degradedBody = JsonDocument.Parse(await degraded.Content.ReadAsStringAsync()).RootElement;

        // The database is gone and a folder stands in its place: every new connection fails.
        SqlitePools.Clear(Folder.File("report.db"));
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(Folder.File("report.db" + suffix));
        Directory.CreateDirectory(Folder.File("report.db"));
        var unavailable = await http.GetAsync("healthz");
        var unavailableBody = JsonDocument.Parse(await unavailable.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, degraded.StatusCode);
        Assert.Equal("degraded", degradedBody.GetProperty("status").GetString());
        Assert.Equal("1 of 2 enabled sources are failing or stale (more than 25%): bad (failing)", degradedBody.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal("unavailable", unavailableBody.GetProperty("status").GetString());
        Assert.Equal(Replaced, unavailableBody.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Healthz_DatabaseFileReplacedUnderTheDaemon_Answers503NamingIt()
    {
        await using var daemon = await StartAsync(unhealthyShare: 1);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        var before = await http.GetAsync("healthz");
        // As `mv other.db report.db` does: the daemon's open connections keep the old file, which nothing reads again.
        var other = Folder.File("other.db");
        await using (var database = new EmbeddedAiReport.Storage.ReportDatabase(other)) await database.MigrateAsync(CancellationToken.None);
        SqlitePools.Clear(other);
        File.Move(other, Folder.File("report.db"), overwrite: true);

        var after = await http.GetAsync("healthz");
        var body = JsonDocument.Parse(await after.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
        Assert.Equal(Replaced, body.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Healthz_FileThatIsNoDatabase_IsUnavailableNamingTheFile()
    {
        // SQLite's message ("file is not a database") names no file. (Damaging a running daemon's file in place is no
        // test of it: its open connections may read the header from the log, and answer.)
        var config = Folder.ConfigWithSources("""{"sources": []}""");
        var file = Folder.File("not-a-database.db");
        File.WriteAllText(file, new string('x', 4096));
        var loaded = EmbeddedAiReport.Worker.WorkerHost.LoadConfig(config, file);
        await using var app = EmbeddedAiReport.Worker.WorkerHost.Build(loaded, daemon: true);

        var (healthy, body) = await app.Services.GetRequiredService<EmbeddedAiReport.Worker.Http.HealthCheck>().EvaluateAsync(CancellationToken.None);

        Assert.False(healthy);
        Assert.StartsWith($"database unreachable: {file}: SQLite Error 26: 'file is not a database'",
            Assert.IsType<EmbeddedAiReport.Worker.Http.HealthUnavailable>(body).Reason);
    }

    // What /healthz says once the database file is not the one the daemon opened (README: a deleted or replaced file).
    private string Replaced => $"database unreachable: {Folder.File("report.db")}: the database file was replaced after this process opened it, so it reads "
        + "and writes nothing more there: put the file back, or restart to use what is there now";

    private string Sources(params string[] ids) => $$"""
        {"sources": [{{string.Join(", ", ids.Select(id =>
            $$"""{"id": "{{id}}", "kind": "feed", "url": "{{Server.Url(id == "good" ? "good.xml" : "missing.xml")}}", "allowPrivateNetwork": true}"""))}}]}
        """;

    private async Task<Daemon> StartAsync(double unhealthyShare, FakeTimeProvider? clock = null)
    {
        var config = Folder.ConfigWithSources(Sources("good", "bad"));
        Daemon.Prepare(config, json => json["Report"]!["UnhealthyShare"] = unhealthyShare);
        var daemon = Daemon.Start(config, Folder.File("report.db"), clock ?? new FakeTimeProvider(Now));
        await daemon.WaitForAsync(2001, "good");
        await daemon.WaitForAsync(2003, "bad");
        return daemon;
    }

    /// <summary>The value of the sample of <paramref name="name"/> whose labels include <paramref name="labels"/>; fails when there is none.</summary>
    private static double Value(string text, string name, params (string Name, string Value)[] labels) =>
        Find(text, name, labels) ?? throw new Xunit.Sdk.XunitException($"no sample {name} with {string.Join(", ", labels)} in:\n{text}");

    private static double? Find(string text, string name, params (string Name, string Value)[] labels)
    {
        foreach (var line in text.Split('\n'))
        {
            var match = Sample().Match(line);
            if (!match.Success || match.Groups["name"].Value != name) continue;
            var present = LabelPair().Matches(match.Groups["labels"].Value).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToHashSet();
            if (labels.All(present.Contains)) return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return null;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)")]
    private static partial Regex Sample();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelPair();

    [GeneratedRegex(@"^# TYPE (\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex("> 导读：本次(\\d+)条")]
    private static partial Regex DraftCount();
}
