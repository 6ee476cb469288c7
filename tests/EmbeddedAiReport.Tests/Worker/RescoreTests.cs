using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using EmbeddedAiReport.Worker.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// A changed source weight, tags.json or model reaches the stored scores and tags without <c>train</c> (README, "Configuration"):
/// the <c>rescore</c> command gives what train's rescoring gives for the same files, and the daemon rescores the entries not
/// yet published when it reloads such a change, leaving the editor's edits, marks and the recorded issues as they are.
/// </summary>
public abstract class RescoreTests : LoopbackTest
{
    public sealed class OnSqlite() : RescoreTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : RescoreTests(StorageProvider.Postgres);

    private const string OldTitle = "TVM 0.6 量化部署教程";
    private const string NewTag = "asynchrony";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2020, 5, 13, 12, 0, 0, TimeSpan.FromHours(8)));   // 2020-W20
    private readonly CapturingLoggerProvider _logs = new();
    private readonly TestDatabase _database;
    private string _config = "";
    private string _db = "";

    private RescoreTests(StorageProvider provider) => _database = TestDatabase.Create(provider, Folder);

    // The issue of 2020-05-15 served by section (dated 2020-05-12, sources news, papers, opensource, blogs), and an older post
    // (2020-04-21, source 'old'), polled with the shipped models.
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var items = CorpusFeeds.Items("2020-05-15.md");
        var sources = CorpusFeeds.ServeBySection(Server, items, new DateTimeOffset(2020, 5, 12, 10, 0, 0, TimeSpan.FromHours(8)));
        Server.MapFile("old.xml", System.Text.Encoding.UTF8.GetBytes(FaultFeeds.Rss(FaultFeeds.Item(OldTitle, "https://example.org/old/tvm",
            "用TVM把int8量化模型部署到手机。", pubDate: "Tue, 21 Apr 2020 02:00:00 GMT"))));
        sources = sources[..^2] + $$""", {"id": "old", "kind": "feed", "url": "{{Server.Url("old.xml")}}", "allowPrivateNetwork": true}]}""";
        _config = _database.Configure(Folder.ConfigWithSources(sources));
        _db = Folder.File("report.db");
        var poll = await Cli("poll");
        Assert.True(poll.ExitCode == 0, poll.Out + poll.Error);
    }

    public override async Task DisposeAsync()
    {
        _database.Dispose();
        await base.DisposeAsync();
    }

    private Task<CliResult> Cli(params string[] args) =>
        CliRunner.RunAsync(services => services.AddSingleton<TimeProvider>(_clock), [.. args, "--config", _config, "--db", _db]);

    // The daemon's rescoring service as WorkerHost builds it from the test's config and database, logging into _logs.
    private DaemonRescoring BuildRescoring()
    {
        var loaded = WorkerHost.LoadConfig(_config, _db);
        var app = WorkerHost.BuildCommand(loaded, services => services.AddSingleton<TimeProvider>(_clock));
        var loggers = LoggerFactory.Create(logging => logging.AddProvider(_logs));
        return new DaemonRescoring(loaded, app, loggers,
            new ReloadRescoring(app.Services.GetRequiredService<StoredRescoring>(), loggers.CreateLogger<ReloadRescoring>()));
    }

    private sealed record DaemonRescoring(LoadedConfig Loaded, CommandServices App, ILoggerFactory Loggers, ReloadRescoring Service) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Service.Dispose();
            Loggers.Dispose();
            await App.DisposeAsync();
        }
    }

    // The daemon's rescoring started (its pass for files changed while it was down) and stopped once that pass ended.
    private async Task StartAndStopRescoringAsync()
    {
        await using var daemon = BuildRescoring();
        var (loaded, loggers, rescoring) = (daemon.Loaded, daemon.Loggers, daemon.Service);
        await rescoring.StartAsync(CancellationToken.None);
        await rescoring.Settled;
        await rescoring.StopAsync(CancellationToken.None);
    }

    private IReadOnlyList<T> Query<T>(string sql, Func<System.Data.Common.DbDataReader, T> read)
    {
        using var connection = DatabaseProbe.Open(_database);
        return DatabaseProbe.Query(connection, sql, read);
    }

    // Each entry's stored score (every digit) and tags, by id.
    private Dictionary<long, (double Score, string Tags)> Scores() =>
        Query("SELECT id, score, tags FROM entries", r => (Id: r.GetInt64(0), Score: r.GetDouble(1), Tags: r.IsDBNull(2) ? "" : r.GetString(2)))
            .ToDictionary(r => r.Id, r => (r.Score, r.Tags));

    private long IdOf(string titleStart) => Query($"SELECT id FROM entries WHERE title LIKE '{titleStart}%'", r => r.GetInt64(0)).Single();

    private void LowerTheWeightOf(string source) => Edit("sources.json", $$"""{"id": "{{source}}", """, $$"""{"id": "{{source}}", "weight": -3, """);

    // A tag for 异步 (the OpenCL 3.0 item's title says 异步DMA), which the shipped tags.json does not have.
    private void AddATag() => Edit("tags.json", "\"tags\": [", $$"""
        "tags": [
            { "tag": "{{NewTag}}", "zh": ["异步"] },
        """);

    private void Edit(string file, string from, string to)
    {
        var path = Path.Combine(_config, file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to));
    }

    [Fact]
    public async Task Rescore_All_GivesWhatTrainsRescoringGivesForTheSameFiles()
    {
        Assert.Equal(0, (await Cli("mark", $"{IdOf("Redmi K30")}", "--status", "shortlisted")).ExitCode);   // a label for train
        var polled = Scores();
        LowerTheWeightOf("blogs");
        AddATag();

        var train = await Cli("train");
        var trained = Scores();
        // The stored scores and tags made otherwise (as if by other files), so that rescore has to make every one again.
        using (var connection = DatabaseProbe.Open(_database, readOnly: false))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE entries SET score = 0.5, tags = NULL";
            command.ExecuteNonQuery();
        }
        var rescore = await Cli("rescore", "--all");

        Assert.True(train.ExitCode == 0, train.Error);
        Assert.True(rescore.ExitCode == 0, rescore.Error);
        Assert.Equal(trained, Scores());
        Assert.Contains($"rescored {polled.Count} entries (any date): {polled.Count} changed score, ", rescore.Out);
        // Not a comparison of unchanged scores: the lowered weight and the new tag are in them.
        var opencl = IdOf("OpenCL 3.0");
        Assert.Contains(NewTag, trained[opencl].Tags);
        Assert.DoesNotContain(NewTag, polled[opencl].Tags);
        var blog = IdOf("Tengine");
        Assert.True(trained[blog].Score < polled[blog].Score, $"{trained[blog].Score} < {polled[blog].Score}");
    }

    [Fact]
    public async Task Daemon_ReloadedWeightAndTags_RescoresTheEntriesNotYetPublished_LeavesEditsMarksAndIssuesAsTheyWere()
    {
        // The older post's week published; the editor's marks, moves and edits in the current week.
        Assert.Equal(0, (await Cli("publish", "--week", "2020-W17", "--date", "2020-04-26")).ExitCode);
        var opencl = IdOf("OpenCL 3.0");
        Assert.Equal(0, (await Cli("edit", $"{opencl}", "--title", "OpenCL 3.0 发布")).ExitCode);   // without 异步: the source's title is scored
        Assert.Equal(0, (await Cli("mark", $"{IdOf("Redmi K30")}", "--status", "shortlisted")).ExitCode);
        Assert.Equal(0, (await Cli("move", $"{IdOf("Tengine")}", "--section", "news")).ExitCode);
        var old = IdOf(OldTitle);
        var polled = Scores();
        string Editorial() => string.Join("\n",
            Query("SELECT id, status, section FROM entries ORDER BY id", r => $"{r.GetInt64(0)} {r.GetString(1)} {r.GetString(2)}")
                .Concat(Query("SELECT entry_id, title, summary, section FROM entry_overrides ORDER BY entry_id",
                    r => $"{r.GetInt64(0)} {(r.IsDBNull(1) ? "" : r.GetString(1))} {(r.IsDBNull(2) ? "" : r.GetString(2))} {(r.IsDBNull(3) ? "" : r.GetString(3))}"))
                .Concat(Query("SELECT canonical_key, section, title FROM issue_items ORDER BY canonical_key", r => $"{r.GetString(0)} {r.GetString(1)} {r.GetString(2)}")));
        var editorial = Editorial();

        await using var daemon = BuildRescoring();
        var (loaded, loggers, rescoring) = (daemon.Loaded, daemon.Loggers, daemon.Service);
        using var watcher = new ConfigWatcher(loaded, null!, rescoring, _clock, loggers.CreateLogger<ConfigWatcher>());
        await rescoring.StartAsync(CancellationToken.None);
        await rescoring.Settled;   // the pass at start: nothing to do, the files are those the entries were scored with
        AddATag();
        await watcher.ReloadAsync(CancellationToken.None);   // tags.json: the watcher hands the rescoring over and goes on
        await rescoring.Settled;
        LowerTheWeightOf("blogs");
        LowerTheWeightOf("old");
        await rescoring.AfterReload(loaded.Reload());   // sources.json (the watcher would reschedule too): done after the first
        var explained = await Cli("entries", "--all", "--explain", "--limit", "0");
        var tagged = await Cli("entries", "--tag", NewTag);
        await rescoring.StopAsync(CancellationToken.None);

        var rescored = Scores();
        // The current week's entries are scored as entries --explain scores them now; the published week's post is not touched.
        Assert.Equal(0, explained.ExitCode);
        Assert.DoesNotContain("[stored", explained.Out);
        Assert.Equal(polled[old], rescored[old]);
        Assert.True(rescored[IdOf("Tengine")].Score < polled[IdOf("Tengine")].Score);
        // Retagged from the source's title, as train does, not the editor's.
        Assert.Contains("OpenCL 3.0", tagged.Out);
        Assert.Equal(editorial, Editorial());
        var lines = _logs.Lines.Where(l => l.EventId == 4803).Select(l => l.Message).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Matches($@"^Rescored {polled.Count - 1} stored entries dated from 2020-04-27 on \(after the last recorded issue\) because tags\.json changed: \d+ changed score, [1-9]\d* changed tags$", lines[0]);
        Assert.Matches(@"^Rescored \d+ stored entries of 'blogs', 'old' dated from 2020-04-27 on \(after the last recorded issue\) because sources\.json changed the weight of 'blogs', 'old': [1-9]\d* changed score, 0 changed tags$", lines[1]);
    }

    // router.json places new entries in sections; the rescoring keeps stored entries' sections and reads only tags.json,
    // ranker.json and the weights: a pass after a router change alone would read every unpublished entry to change none.
    [Fact]
    public async Task Daemon_ReloadedRouterOnly_RescoresNothingAndSaysWhy_ThenTagsJsonStillRescores()
    {
        await using var daemon = BuildRescoring();
        var (loaded, loggers, rescoring) = (daemon.Loaded, daemon.Loggers, daemon.Service);
        using var watcher = new ConfigWatcher(loaded, null!, rescoring, _clock, loggers.CreateLogger<ConfigWatcher>());
        await rescoring.StartAsync(CancellationToken.None);
        await rescoring.Settled;
        Edit("router.json", "\"minConfidence\":0.4", "\"minConfidence\":0.6");   // the one setting README lets an operator edit there
        await watcher.ReloadAsync(CancellationToken.None);
        await rescoring.Settled;
        var afterRouter = _logs.Lines.Where(l => l.EventId is 4803 or 4805).Select(l => (l.EventId, l.Message)).ToList();
        AddATag();
        await watcher.ReloadAsync(CancellationToken.None);
        await rescoring.Settled;
        await rescoring.StopAsync(CancellationToken.None);

        Assert.Equal([(4805, "Only router.json changed: it places new entries in sections and scores or tags none, so no stored entry is rescored "
            + "(stored entries keep their sections; the move command changes one)")], afterRouter);
        Assert.Matches(@"^Rescored \d+ stored entries \(no issue recorded yet: every one\) because tags\.json changed: \d+ changed score, [1-9]\d* changed tags$",
            Assert.Single(_logs.Lines, l => l.EventId == 4803).Message);
    }

    [Fact]
    public async Task Daemon_ReloadedRankerOnly_RescoresTheStoredEntries()
    {
        // ranker.json scores entries as tags.json tags them: a reload that changed it alone is no router-only one (4805).
        await using var daemon = BuildRescoring();
        using var watcher = new ConfigWatcher(daemon.Loaded, null!, daemon.Service, _clock, daemon.Loggers.CreateLogger<ConfigWatcher>());
        await daemon.Service.StartAsync(CancellationToken.None);
        await daemon.Service.Settled;
        Edit("ranker.json", "\"scale\":1.997768", "\"scale\":0.5");
        await watcher.ReloadAsync(CancellationToken.None);
        await daemon.Service.Settled;
        await daemon.Service.StopAsync(CancellationToken.None);

        Assert.DoesNotContain(_logs.Lines, l => l.EventId == 4805);
        Assert.Matches(@"^Rescored \d+ stored entries \(no issue recorded yet: every one\) because ranker\.json changed: ",
            Assert.Single(_logs.Lines, l => l.EventId == 4803).Message);
    }

    [Fact]
    public async Task Daemon_TagsRankerAndAWeightReloadedTogether_SaysTheScoringFilesThatChanged()
    {
        // One save of tags.json, ranker.json and a source's weight: the reason names the two scoring files as written (the
        // router, unchanged, not among them), then the weight; sources.json is said once, with its weight.
        await using var daemon = BuildRescoring();
        using var watcher = new ConfigWatcher(daemon.Loaded, null!, daemon.Service, _clock, daemon.Loggers.CreateLogger<ConfigWatcher>());
        await daemon.Service.StartAsync(CancellationToken.None);
        await daemon.Service.Settled;
        AddATag();
        Edit("ranker.json", "\"scale\":1.997768", "\"scale\":0.5");
        LowerTheWeightOf("blogs");
        await watcher.ReloadAsync(CancellationToken.None);
        await daemon.Service.Settled;
        await daemon.Service.StopAsync(CancellationToken.None);

        Assert.Matches(@"^Rescored \d+ stored entries \(no issue recorded yet: every one\) because tags\.json \+ ranker\.json changed; sources\.json changed the weight of 'blogs': ",
            Assert.Single(_logs.Lines, l => l.EventId == 4803).Message);
    }

    [Fact]
    public async Task Daemon_StartedAfterAWeightChange_RescoresTheEntriesNotYetPublished()
    {
        var polled = Scores();
        LowerTheWeightOf("blogs");

        await StartAndStopRescoringAsync();

        Assert.True(Scores()[IdOf("Tengine")].Score < polled[IdOf("Tengine")].Score);
        Assert.Matches($@"^Rescored {polled.Count} stored entries \(no issue recorded yet: every one\) because the daemon started \(the files may have changed while it was down\): [1-9]\d* changed score, 0 changed tags$",
            Assert.Single(_logs.Lines, l => l.EventId == 4803).Message);
    }

    // README: --week/--from/--to/--since-last a window, --all every entry. A window rescores its entries only; --all beside a
    // window is refused, and a --since-last with nothing after the last issue is said and rescores nothing (mutation audit
    // 16: --all taking the window's place, --since-last read as the default, and its empty window an error each survived).
    [Fact]
    public async Task Rescore_AWindow_RescoresItsEntriesOnly_AllBesideAWindowIsRefused_AnEmptySinceLastRescoresNothing()
    {
        LowerTheWeightOf("blogs");
        LowerTheWeightOf("old");
        var before = Scores();

        var both = await Cli("rescore", "--all", "--week", "2020-W17");
        var unchanged = Scores();
        var week = await Cli("rescore", "--week", "2020-W17");   // the older post's week (2020-04-20 .. 04-26)
        var rescoredWeek = Scores();
        Assert.Equal(0, (await Cli("publish", "--week", "2020-W20")).ExitCode);   // today, Wednesday 2020-05-13: up to today
        var sinceLast = await Cli("rescore", "--since-last");

        Assert.Equal((2, ""), (both.ExitCode, both.Out));
        Assert.Contains("--all rescores every date: use it without --week, --from/--to or --since-last", both.Error);
        Assert.Equal(before, unchanged);
        Assert.True(week.ExitCode == 0, week.Error);
        Assert.Equal("rescored 1 entry (2020-04-20 .. 2020-04-26): 1 changed score, 0 changed tags", week.Out.Trim());
        var old = IdOf(OldTitle);
        Assert.True(rescoredWeek[old].Score < before[old].Score, $"{rescoredWeek[old].Score} < {before[old].Score}");
        Assert.Equal(before.Where(e => e.Key != old).ToDictionary(), rescoredWeek.Where(e => e.Key != old).ToDictionary());
        Assert.Equal((0, ""), (sinceLast.ExitCode, sinceLast.Out));
        Assert.Contains("--since-last: no entries since the last issue yet: it covers everything up to 2020-05-13 and today is 2020-05-13 "
            + "(the next window starts 2020-05-14); nothing to rescore", sinceLast.Error);
    }

    // After Draft:TimeZone changed, the entries after the last issue start where --since-last starts (DraftWindow.After):
    // the new zone's midnight after the last day, or the published window's end when that is earlier (mutation audit 16:
    // taking either one alone survived). Shanghai to Berlin: the published window ended at 2020-04-26T16:00Z, Berlin's
    // midnight is 22:00Z, and a late arrival (dated inside the published week, first seen after it was published) is
    // placed at 16:00Z, as --since-last starts there: rescored. Berlin to Shanghai: the published window ended at 22:00Z,
    // Shanghai's midnight is 16:00Z, and a post of Sunday 18:00Z (20:00 in Berlin, Monday 02:00 in Shanghai) polled before
    // the publish was in the published Berlin week, before where --since-last starts (22:00Z): left as it is.
    [Theory]
    [InlineData("Asia/Shanghai", "Europe/Berlin", "Wed, 22 Apr 2020 02:00:00 GMT", true, true)]
    [InlineData("Europe/Berlin", "Asia/Shanghai", "Sun, 26 Apr 2020 18:00:00 GMT", false, false)]
    public async Task Rescore_AfterDraftTimeZoneChanged_StartsWhereSinceLastStarts(string publishedIn, string zoneNow,
        string pubDate, bool pollAfterThePublish, bool rescored)
    {
        const string Title = "MNN 端侧推理引擎的 int8 量化更新";
        Server.MapFile("old.xml", System.Text.Encoding.UTF8.GetBytes(FaultFeeds.Rss(
            FaultFeeds.Item(OldTitle, "https://example.org/old/tvm", "用TVM把int8量化模型部署到手机。", pubDate: "Tue, 21 Apr 2020 02:00:00 GMT")
            + FaultFeeds.Item(Title, "https://example.org/old/mnn", "MNN 在手机上部署 int8 量化模型。", pubDate: pubDate))));
        async Task PollAsync()
        {
            var poll = await Cli("poll");
            Assert.True(poll.ExitCode == 0, poll.Out + poll.Error);
        }
        if (!pollAfterThePublish) await PollAsync();
        TempDirectory.EditSettings(_config, json => json["Draft"]!["TimeZone"] = publishedIn);
        Assert.Equal(0, (await Cli("publish", "--week", "2020-W17", "--date", "2020-04-26")).ExitCode);
        if (pollAfterThePublish) await PollAsync();
        TempDirectory.EditSettings(_config, json => json["Draft"]!["TimeZone"] = zoneNow);
        LowerTheWeightOf("old");
        var before = Scores();

        var rescore = await Cli("rescore");

        Assert.True(rescore.ExitCode == 0, rescore.Error);
        var id = IdOf(Title);
        if (rescored) Assert.True(Scores()[id].Score < before[id].Score, $"{Scores()[id].Score} < {before[id].Score}");
        else Assert.Equal(before[id], Scores()[id]);
        Assert.Equal(before[IdOf(OldTitle)], Scores()[IdOf(OldTitle)]);
    }

    // Requests that arrive before a pass has begun are done together by it: a source's reweighting asked for beside the start's
    // pass (every source, for files changed while the daemon was down) is one pass over every source, said once with both
    // reasons (mutation audit 16: merging them as if none were every source's survived).
    [Fact]
    public async Task Daemon_AReweightingAskedForBeforeTheStartPass_IsDoneWithItOverEverySource()
    {
        var polled = Scores();
        AddATag();   // while the daemon was down
        await using var daemon = BuildRescoring();
        var (loaded, loggers, rescoring) = (daemon.Loaded, daemon.Loggers, daemon.Service);
        LowerTheWeightOf("blogs");

        var reweighted = rescoring.AfterReload(loaded.Reload());
        await rescoring.StartAsync(CancellationToken.None);
        await rescoring.Settled;
        await rescoring.StopAsync(CancellationToken.None);

        Assert.True(reweighted.IsCompletedSuccessfully);
        var rescored = Scores();
        Assert.True(rescored[IdOf("Tengine")].Score < polled[IdOf("Tengine")].Score);
        Assert.Contains(NewTag, rescored[IdOf("OpenCL 3.0")].Tags);
        Assert.Matches($@"^Rescored {polled.Count} stored entries \(no issue recorded yet: every one\) because sources\.json changed the weight of 'blogs'; "
            + @"the daemon started \(the files may have changed while it was down\): [1-9]\d* changed score, [1-9]\d* changed tags$",
            Assert.Single(_logs.Lines, l => l.EventId == 4803).Message);
    }

    // At start only a change is news, and a tags.json changed while the daemon was down is one, whether or not a score
    // changed with it (mutation audit 16: saying the start's pass only when both changed survived).
    [Fact]
    public async Task Daemon_StartedAfterATagsChange_SaysTheRetagging()
    {
        AddATag();

        await StartAndStopRescoringAsync();

        Assert.Contains(NewTag, Scores()[IdOf("OpenCL 3.0")].Tags);
        Assert.Matches(@"^Rescored \d+ stored entries \(no issue recorded yet: every one\) because the daemon started \(the files may have changed while it was down\): \d+ changed score, [1-9]\d* changed tags$",
            Assert.Single(_logs.Lines, l => l.EventId == 4803).Message);
    }

    // README: a failed pass (the database) is logged (event 4804) and the entries keep their scores; the rescoring goes on
    // (mutation audit 16: not logging it survived).
    [Fact]
    public async Task Daemon_APassTheDatabaseFails_IsLoggedAndTheScoresStay()
    {
        await using var daemon = BuildRescoring();
        var (loaded, loggers, rescoring) = (daemon.Loaded, daemon.Loggers, daemon.Service);
        await rescoring.StartAsync(CancellationToken.None);
        await rescoring.Settled;
        // A damaged database: the table the pass reads first (where the last issue ended) is gone.
        using (var connection = DatabaseProbe.Open(_database, readOnly: false))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "DROP TABLE issue_items; DROP TABLE issues";
            command.ExecuteNonQuery();
        }
        LowerTheWeightOf("blogs");
        var before = Scores();

        await rescoring.AfterReload(loaded.Reload());
        await rescoring.StopAsync(CancellationToken.None);

        Assert.Equal(before, Scores());
        Assert.DoesNotContain(_logs.Lines, l => l.EventId == 4803);
        Assert.StartsWith("Rescoring the stored entries failed (sources.json changed the weight of 'blogs'): they keep their scores until the next change or the rescore command",
            Assert.Single(_logs.Lines, l => l.EventId == 4804).Message);
    }

    // A source sources.json did not have (its stored entries weighed 0) added back with a weight: a reweighting, of that one
    // source (mutation audit 16: counting only the sources sources.json had before, or only two reweighted at once, survived).
    [Fact]
    public async Task Daemon_ASourceAddedBackWithAWeight_RescoresItsEntries()
    {
        var path = Path.Combine(_config, "sources.json");
        var sources = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        var list = sources["sources"]!.AsArray();
        var old = list.Single(s => (string?)s!["id"] == "old")!;
        list.Remove(old);
        File.WriteAllText(path, sources.ToJsonString());
        await using var daemon = BuildRescoring();
        var (loaded, loggers, rescoring) = (daemon.Loaded, daemon.Loggers, daemon.Service);
        await rescoring.StartAsync(CancellationToken.None);
        await rescoring.Settled;
        var before = Scores();
        old["weight"] = -3;
        list.Add(old);
        File.WriteAllText(path, sources.ToJsonString());

        await rescoring.AfterReload(loaded.Reload());
        await rescoring.StopAsync(CancellationToken.None);

        var id = IdOf(OldTitle);
        Assert.True(Scores()[id].Score < before[id].Score, $"{Scores()[id].Score} < {before[id].Score}");
        Assert.Equal(before.Where(e => e.Key != id).ToDictionary(), Scores().Where(e => e.Key != id).ToDictionary());
        Assert.Equal("Rescored 1 stored entries of 'old' (no issue recorded yet: every one) because sources.json changed the weight of 'old': 1 changed score, 0 changed tags",
            Assert.Single(_logs.Lines, l => l.EventId == 4803).Message);
    }

    [Fact]
    public async Task Rescore_NoWindow_RescoresTheEntriesAfterTheLastIssueOnly()
    {
        Assert.Equal(0, (await Cli("publish", "--week", "2020-W17", "--date", "2020-04-26")).ExitCode);
        LowerTheWeightOf("blogs");
        LowerTheWeightOf("old");
        var before = Scores();

        var rescore = await Cli("rescore");
        var explained = await Cli("entries", "--week", "2020-W20", "--explain", "--limit", "0");

        Assert.True(rescore.ExitCode == 0, rescore.Error);
        Assert.Matches($@"^rescored {before.Count - 1} entries \(dated from 2020-04-27 on, after the last recorded issue\): [1-9]\d* changed score, 0 changed tags$", rescore.Out.Trim());
        Assert.Equal(before[IdOf(OldTitle)], Scores()[IdOf(OldTitle)]);
        Assert.DoesNotContain("[stored", explained.Out);
    }
}
