using System.Net;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>The daemon (`run`) in-process on a fake clock: it schedules jobs, polls, serves HTTP, and stops cleanly when cancelled.</summary>
public sealed class DaemonTests : LoopbackTest
{
    // Monday 2020-11-23 12:00 in Shanghai: 2020-W48, the week /drafts/latest.md shows; the feeds' items are two hours older.
    private static readonly DateTimeOffset Monday = new(2020, 11, 23, 12, 0, 0, TimeSpan.FromHours(8));
    private const string Week = "2020-W48";


    [Fact]
    public async Task Run_WithOneSource_SchedulesPollsServesDraftAndStopsCleanly()
    {
        var items = CorpusFeeds.Items("2020-05-15.md");
        var config = Folder.ConfigWithSources(CorpusFeeds.ServeBySection(Server, items, Monday.AddHours(-2)));
        Daemon.Prepare(config);
        var clock = new FakeTimeProvider(Monday);

        await using var daemon = Daemon.Start(config, Folder.File("r.db"), clock);
        var scheduled = await daemon.WaitForAsync(4102, "'news'");
        var polled = await daemon.WaitForAsync(2001, "news");
        foreach (var section in items.Select(i => i.Section).Distinct()) await daemon.WaitForAsync(2001, section);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        var health = await http.GetStringAsync("healthz");
        var latest = await http.GetAsync("drafts/latest.md");
        var draft = await latest.Content.ReadAsStringAsync();
        var conditional = new HttpRequestMessage(HttpMethod.Get, "drafts/latest.md");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", latest.Headers.ETag!.ToString());
        var notModified = await http.SendAsync(conditional);
        // If-None-Match as clients send it: a list with a weak form of the tag, or *; another tag gets the body.
        var listed = await SendAsync(http, HttpMethod.Get, "drafts/latest.md", $"\"other\", W/{latest.Headers.ETag}");
        var any = await SendAsync(http, HttpMethod.Get, "drafts/latest.md", "*");
        var otherTag = await SendAsync(http, HttpMethod.Get, "drafts/latest.md", "\"other\"");
        var head = await SendAsync(http, HttpMethod.Head, "drafts/latest.md", null);
        var headHealth = await SendAsync(http, HttpMethod.Head, "healthz", null);
        var badWeek = await http.GetAsync("drafts/2020-W99.md");
        var sources = await http.GetStringAsync("sources");
        var byWeek = await http.GetStringAsync($"drafts/{Week}.md");
        var entriesResponse = await http.GetAsync($"entries?week={Week}");
        var json = await http.GetAsync($"drafts/{Week}.json");
        var latestJson = await http.GetStringAsync("drafts/latest.json");
        var headJson = await SendAsync(http, HttpMethod.Head, $"drafts/{Week}.json", null);
        var badWeekJson = await http.GetAsync("drafts/2020-W99.json");
        var entries = await entriesResponse.Content.ReadAsStringAsync();
        await daemon.WaitForAsync(4101, "weekly-draft");
        var result = await daemon.StopAsync();

        Assert.Equal(Week, EditorialWeek.Containing(Monday, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString());
        Assert.Contains("source(s) (re)scheduled ('news'", scheduled);
        Assert.Contains($"{items.Count(i => i.Section == "news")} new", polled);
        Assert.StartsWith("{\"status\":\"ok\",\"reason\":null,\"sources\":", health);
        Assert.Equal("text/markdown; charset=utf-8", latest.Content.Headers.ContentType!.ToString());
        Assert.Contains("# 嵌入式AI简报 (2020-11-29)", draft);
        Assert.Contains($"> 导读：本次{items.Count}条。", draft);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(latest.Headers.ETag, notModified.Headers.ETag);
        Assert.Equal([HttpStatusCode.NotModified, HttpStatusCode.NotModified, HttpStatusCode.OK], new[] { listed, any, otherTag }.Select(r => r.StatusCode));
        Assert.Equal(draft, await otherTag.Content.ReadAsStringAsync());
        Assert.Equal((HttpStatusCode.OK, latest.Headers.ETag, ""), (head.StatusCode, head.Headers.ETag, await head.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, headHealth.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badWeek.StatusCode);
        Assert.Contains("\"news\"", sources);
        Assert.Contains("\"state\":\"ok\"", sources);
        Assert.Equal(draft, byWeek);
        Assert.Equal(items.Count, System.Text.Json.JsonDocument.Parse(entries).RootElement.GetProperty("entries").GetArrayLength());
        Assert.Equal("application/json; charset=utf-8", entriesResponse.Content.Headers.ContentType!.ToString());
        Assert.NotNull(entriesResponse.Headers.ETag);
        // The draft as `export --format json` writes it (README): the week's days, every item once, the same for latest.
        Assert.Equal("application/json; charset=utf-8", json.Content.Headers.ContentType!.ToString());
        var jsonDraft = System.Text.Json.JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("2020-11-23", "2020-11-29", items.Count), (jsonDraft.GetProperty("from").GetString(), jsonDraft.GetProperty("to").GetString(), jsonDraft.GetProperty("count").GetInt32()));
        Assert.Equal(items.Count, jsonDraft.GetProperty("sections").EnumerateArray().Sum(s => s.GetProperty("items").GetArrayLength()));
        Assert.Equal(await json.Content.ReadAsStringAsync(), latestJson);
        Assert.Equal((HttpStatusCode.OK, json.Headers.ETag, ""), (headJson.StatusCode, headJson.Headers.ETag, await headJson.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, badWeekJson.StatusCode);
        Assert.Equal(0, result.ExitCode);
        // A healthy run warns of nothing, the framework included (ASP.NET Core's key manager used to warn that it wrote an
        // unencrypted key under ~/.aspnet, or three times on a service without a home, though the anti-forgery keys live in memory).
        Assert.True(daemon.Logs.Warnings.Count == 0, "the daemon warned:\n" + string.Join("\n", daemon.Logs.Warnings.Select(w => $"{w.Level} {w.Category}: {w.Message}\n{w.Exception}")));
    }

    [Fact]
    public async Task Run_AsAProcessWithAnEmptyHome_WritesNothingThereAndWarnsOfNoKeys()
    {
        // As under systemd (ProtectHome=yes) or in a container: the anti-forgery keys live in memory, so the daemon has no
        // business in the home folder; ASP.NET Core's key manager used to write an unencrypted key to ~/.aspnet and warn of it.
        var home = Directory.CreateDirectory(Folder.File("home")).FullName;
        var config = Folder.ConfigWithSources(CorpusFeeds.ServeBySection(Server, CorpusFeeds.Items("2020-05-15.md").Take(2).ToList(), Monday));
        Daemon.Prepare(config, json => json["Logging"]!["Format"] = "json");

        await using var daemon = WorkerProcess.Start("daemon", config, new Dictionary<string, string> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home });
        await daemon.WaitForAsync(events => events.Any(e => e.Message.StartsWith("Now listening on", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));
        var listening = daemon.Events.First(e => e.Message.StartsWith("Now listening on", StringComparison.Ordinal)).Message;
        using var http = new HttpClient { BaseAddress = new Uri(Daemon.ListeningAddress(listening) + "/") };
        var page = await http.GetAsync("review");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(home));
        Assert.DoesNotContain(daemon.Events, e => e.Category.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) && e.Level is "Warning" or "Error");
    }

    // bench/bigweek.py: a start with 406 sources logged 406 "Scheduled …" lines (4101) and one 7.5 KB "Catching up" line
    // (4105) naming every source. The start says the sources in its two summary lines, ten by name and how many more; the
    // line per source is at Debug (the system jobs' keep Information).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_ManySourcesAtStart_SummaryLinesNameTenAndCountTheRest_TheLinePerSourceIsDebug(bool debug)
    {
        Server.MapFile("feed.xml", FaultFeeds.Healthy(1));
        var ids = Enumerable.Range(1, 12).Select(i => $"s{i:00}").ToList();
        var config = Folder.ConfigWithSources($$"""{"sources": [{{string.Join(",\n", ids.Select(id =>
            $$"""{"id": "{{id}}", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "schedule": "1h", "allowPrivateNetwork": true}"""))}}]}""");
        Daemon.Prepare(config, json =>
        {
            if (debug) json["Logging"]!["LogLevel"]!["EmbeddedAiReport.Worker.Jobs.SourceScheduler"] = "Debug";
        });

        await using var daemon = Daemon.Start(config, Folder.File("r.db"), new FakeTimeProvider(Monday));
        var catchingUp = await daemon.WaitForAsync(4105);
        var scheduled = daemon.Logs.Lines.Where(l => l.EventId == 4101).Select(l => l.Message).ToList();
        Assert.Equal(0, (await daemon.StopAsync()).ExitCode);

        Assert.Equal("Schedules: 12 source(s) (re)scheduled ('s01', 's02', 's03', 's04', 's05', 's06', 's07', 's08', 's09', 's10' and 2 more), 0 unchanged, 0 removed",
            Assert.Single(daemon.Logs.Lines, l => l.EventId == 4102).Message);
        Assert.Equal("Catching up: 12 source(s) overdue since their last success are polled once now: s01, s02, s03, s04, s05, s06, s07, s08, s09, s10 and 2 more",
            catchingUp);
        Assert.Equal(debug ? ids.Select(id => $"Scheduled {id} (1h)") : [], scheduled.Where(m => m.StartsWith("Scheduled s", StringComparison.Ordinal)));
        Assert.Contains("Scheduled weekly-draft (0 0 9 ? * MON)", scheduled);
    }

    [Fact]
    public async Task Run_AsAProcessStartedAgainOnItsDatabase_KeepsTheStoredSchedules()
    {
        // A fresh process knows no job type by name until it is told (Quartz's name lookup is off, as in the native binary):
        // the second start read the job store, met "Job type … cannot be resolved", logged 4107 with its stack trace and
        // rebuilt every schedule from sources.json (on PostgreSQL: cleared the store all the daemons share), so the schedules
        // the README says a restart keeps were not kept, nor was a missed weekly draft written.
        var config = Folder.ConfigWithSources(CorpusFeeds.ServeBySection(Server, CorpusFeeds.Items("2020-05-15.md").Take(2).ToList(), Monday));
        Daemon.Prepare(config, json => json["Logging"]!["Format"] = "json");
        var sources = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(config, "sources.json"))).RootElement.GetProperty("sources").GetArrayLength();
        static bool Listening(IReadOnlyList<WorkerLogEvent> events) => events.Any(e => e.Message.StartsWith("Now listening on", StringComparison.Ordinal));

        await using (var first = WorkerProcess.Start("first daemon", config))
            await first.WaitForAsync(Listening, TimeSpan.FromSeconds(60));
        await using var second = WorkerProcess.Start("second daemon", config);
        await second.WaitForAsync(Listening, TimeSpan.FromSeconds(60));

        Assert.DoesNotContain(second.Events, e => e.EventId == 4107);
        Assert.Equal($"Schedules: 0 source(s) (re)scheduled, {sources} unchanged, 0 removed", Assert.Single(second.Events, e => e.EventId == 4102).Message);
    }

    [Fact]
    public async Task Run_OnADatabaseOfAnOlderBuild_SaysItUpgradedItAndWhichMigrations_ANewOneThatItCreatedIt()
    {
        // The operator's walk: an upgrade applied migration 0020 and the log did not say so (only schema_migrations did),
        // though what a downgrade needs is a backup of before that start.
        var config = Folder.ConfigWithSources("""{"sources": []}""");
        Daemon.Prepare(config);
        var names = ReportDatabase.MigrationNames(StorageProvider.Sqlite);
        var (older, fresh) = (Folder.File("older.db"), Folder.File("fresh.db"));
        await using (var old = new ReportDatabase(older))
        await using (var connection = await old.Dialect.OpenAsync(CancellationToken.None))
            await Storage.ReportDatabaseTests.ApplyAsAnOldBuildDidAsync(old, connection, names.SkipLast(2).ToList(), names.SkipLast(2).ToList());

        var upgraded = await StartAndStopAsync(older);
        var created = await StartAndStopAsync(fresh);
        var again = await StartAndStopAsync(fresh);

        Assert.Equal([$"Database {older}: upgraded: applied {names[^2]}, {names[^1]}"], upgraded);
        Assert.Equal([$"Database {fresh}: created ({names.Count} migrations, the last {names[^1]})"], created);
        Assert.Empty(again);

        async Task<List<string>> StartAndStopAsync(string database)
        {
            await using var daemon = Daemon.Start(config, database, new FakeTimeProvider(Monday));
            await daemon.WaitForAsync(4102);
            Assert.Equal(0, (await daemon.StopAsync()).ExitCode);
            return daemon.Logs.Lines.Where(l => l.EventId == 4124).Select(l => l.Message).ToList();
        }
    }

    [Fact]
    public async Task Run_SourcesJsonChanges_ReschedulesOrKeepsTheOldSourcesOnABadFile()
    {
        var items = CorpusFeeds.Items("2020-04-26.md");
        var sourcesJson = CorpusFeeds.ServeBySection(Server, items, Monday.AddHours(-2));
        var config = Folder.ConfigWithSources("""{"sources": []}""");
        Daemon.Prepare(config);
        var clock = new FakeTimeProvider(Monday);

        await using var daemon = Daemon.Start(config, Folder.File("r.db"), clock);
        await daemon.WaitForAsync(4112);
        File.WriteAllText(Path.Combine(config, "sources.json"), sourcesJson);
        var sections = items.Select(i => i.Section).Distinct().Count();
        // The watcher lets a saved file settle for half a second of the injected clock before reading it.
        var reloaded = await daemon.WaitForAsync(4102, $"{sections} source(s) (re)scheduled", clock);
        var polled = await daemon.WaitForAsync(2001, "papers");
        File.WriteAllText(Path.Combine(config, "sources.json"), """{"sources": [{"id": "x", "kind": "nope"}]}""");
        var rejected = await daemon.WaitForAsync(4103, "", clock);
        var result = await daemon.StopAsync();

        Assert.Equal($"Schedules: {sections} source(s) (re)scheduled ({string.Join(", ", items.Select(i => $"'{i.Section}'").Distinct())}), 0 unchanged, 0 removed", reloaded);
        Assert.Contains($"{items.Count(i => i.Section == "papers")} new", polled);
        Assert.Contains("sources.json: source 'x': kind: unknown kind 'nope'", rejected);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Run_ASourceFailingOnAUrlWithAKey_SourcesEndpointShowsTheErrorWithoutTheKey()
    {
        Server.Map("secret.xml", http => { http.Response.StatusCode = 404; return Task.CompletedTask; });   // not retried
        var config = Folder.ConfigWithSources($$"""
            {"sources": [{"id": "keyed", "kind": "feed", "url": "{{Server.Url("secret.xml")}}?key=TOPSECRET&x=1", "allowPrivateNetwork": true}]}
            """);
        Daemon.Prepare(config);

        await using var daemon = Daemon.Start(config, Folder.File("r.db"), new FakeTimeProvider(Monday));
        await daemon.WaitForAsync(2003, "keyed");
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        var sources = await http.GetStringAsync("sources");
        await daemon.StopAsync();

        Assert.DoesNotContain("TOPSECRET", sources);
        Assert.Contains($"{Server.Url("secret.xml")}?…: HTTP 404", sources);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? ifNoneMatch)
    {
        var request = new HttpRequestMessage(method, path);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return http.SendAsync(request);
    }
}
