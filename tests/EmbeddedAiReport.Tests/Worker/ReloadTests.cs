using System.Globalization;
using System.Text;
using System.Text.Json;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>Item 7 of issue 15: the running daemon reloads tags.json, router.json, the template and sources.json; a bad file changes nothing.</summary>
/// <remarks>
/// The daemon runs on a fake clock; the watcher waits half a second of it for an editor's writes to settle, so waits for a
/// reload advance the clock (<see cref="Daemon.WaitForAsync(int, string, FakeTimeProvider, int)"/>).
/// </remarks>
public sealed class ReloadTests : LoopbackTest
{
    private static readonly DateTimeOffset Now = new(2020, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Feed("a", "INT8 quantization of MobileNet on an NPU");
        Feed("c", "Pruning ResNet for the edge");
        Feed("d", "Distillation for on-device speech");
        Feed("zebra", "Zebrafish larvae tracked by a tiny detector");
    }

    [Fact]
    public async Task Reload_TemplateTagsAndRouter_ApplyWithoutRestartAndABadFileKeepsTheRunningOne()
    {
        var config = Folder.ConfigWithSources(Sources(("a", "a", "1h")));
        Daemon.Prepare(config);
        await using var daemon = Daemon.Start(config, Folder.File("report.db"), _clock);
        await daemon.WaitForAsync(2001, "a");
        await daemon.WaitForAsync(4112);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };

        var template = Path.Combine(config, "templates", "draft.md.liquid");
        await File.AppendAllTextAsync(template, "<!-- reloaded template -->\n");
        await daemon.WaitForAsync(4111, "templates/draft.md.liquid", _clock);
        var reloadedDraft = await http.GetStringAsync("drafts/latest.md");
        await File.WriteAllTextAsync(template, "{% if %}broken");
        var rejectedTemplate = await daemon.WaitForAsync(4103, "draft.md.liquid", _clock);
        var draftAfterBadTemplate = await http.GetStringAsync("drafts/latest.md");

        var tags = Path.Combine(config, "tags.json");
        await File.WriteAllTextAsync(tags, (await File.ReadAllTextAsync(tags)).Replace("\"tags\": [", "\"tags\": [\n{ \"tag\": \"zebrafish\", \"weight\": 1, \"en\": [\"zebrafish\"] },"));
        await daemon.WaitForAsync(4111, "tags.json", _clock);
        await File.WriteAllTextAsync(Path.Combine(config, "router.json"), "{ not json");
        var rejectedRouter = await daemon.WaitForAsync(4103, "router.json", _clock);
        // A new source is polled at once; its entries are classified with the reloaded taxonomy (the bad router.json changed nothing).
        await File.WriteAllTextAsync(Path.Combine(config, "sources.json"), Sources(("a", "a", "1h"), ("zebra", "zebra", "1h")));
        await daemon.WaitForAsync(2001, "zebra", _clock);
        var tagged = JsonDocument.Parse(await http.GetStringAsync("entries?tag=zebrafish")).RootElement.GetProperty("entries");

        Assert.EndsWith("<!-- reloaded template -->\n", reloadedDraft);
        Assert.Contains("templates/draft.md.liquid: line 1, column 6: Invalid 'if' tag (at '{% if %}')", rejectedTemplate);
        Assert.DoesNotContain("Source:", rejectedTemplate);
        Assert.Equal(reloadedDraft, draftAfterBadTemplate);
        Assert.Contains("router.json", rejectedRouter);
        Assert.Equal(3, tagged.GetArrayLength());
        Assert.All(tagged.EnumerateArray(), e => Assert.StartsWith("Zebrafish larvae", e.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Reload_RankerJsonRemoved_IsLoggedAsAWarningNamingTheKeywordFallback()
    {
        var config = Folder.ConfigWithSources(Sources(("a", "a", "1h")));
        Daemon.Prepare(config);
        await using var daemon = Daemon.Start(config, Folder.File("report.db"), _clock);
        await daemon.WaitForAsync(4112);

        File.Delete(Path.Combine(config, "ranker.json"));
        var reloaded = await daemon.WaitForAsync(4111, "ranker.json", _clock);
        var warned = await daemon.WaitForAsync(4117, "ranker.json", _clock);

        // The start's own warning for a missing model, now said by the reload that took it away.
        Assert.Contains("Reloaded ranker.json", reloaded);   // the one file that changed, not the two beside it (tags.json, router.json)
        Assert.DoesNotContain("tags.json", reloaded);
        Assert.Contains("ranker.json: not found", warned);
        Assert.Contains("keyword score", warned);
    }

    [Fact]
    public async Task Reload_SourceRenamed_WarnsThatTheOldIdStillHoldsItsEntries()
    {
        var config = Folder.ConfigWithSources(Sources(("a", "a", "1h")));
        Daemon.Prepare(config);
        await using var daemon = Daemon.Start(config, Folder.File("report.db"), _clock);
        await daemon.WaitForAsync(2001, "Polled a:");
        await daemon.WaitForAsync(4112);

        await File.WriteAllTextAsync(Path.Combine(config, "sources.json"), Sources(("a-renamed", "a", "1h")));
        var warned = await daemon.WaitForAsync(4114, "source id(s) sources.json does not have", _clock);
        var reconciled = await daemon.WaitForAsync(4102, "removed", _clock, skip: 1);

        Assert.Equal("Schedules: 1 source(s) (re)scheduled ('a-renamed'), 0 unchanged, 1 removed ('a')", reconciled);
        Assert.Contains("'a' (3 entries)", warned);
        Assert.Contains("give it its old id back in sources.json", warned);
    }

    [Fact]
    public async Task Reload_SourcesJson_ReschedulesOnlyChangedSourcesAndLiftsTheFixedSourcesPause()
    {
        var config = Folder.ConfigWithSources(Sources(("a", "a", "1h"), ("b", "missing", "1h"), ("c", "c", "2h")));
        Daemon.Prepare(config);
        var database = Folder.File("report.db");
        await using var daemon = Daemon.Start(config, database, _clock);
        await daemon.WaitForAsync(2001, "Polled a:");
        await daemon.WaitForAsync(2003, "Poll of b failed");
        await daemon.WaitForAsync(2001, "Polled c:");
        await daemon.WaitForAsync(4112);

        // a unchanged; b fixed (its URL, not its schedule); c's schedule changed; d new.
        await File.WriteAllTextAsync(Path.Combine(config, "sources.json"), Sources(("a", "a", "1h"), ("b", "zebra", "1h"), ("c", "c", "3h"), ("d", "d", "1h")));
        var reconciled = await daemon.WaitForAsync(4102, "removed", _clock, skip: 1);
        await daemon.WaitForAsync(2001, "Polled b:");
        await daemon.WaitForAsync(2001, "Polled d:");

        Assert.Equal("Schedules: 2 source(s) (re)scheduled ('c', 'd'), 2 unchanged, 0 removed", reconciled);
        Assert.Contains(daemon.Logs.Lines, l => l.EventId == 4110 && l.Message.StartsWith("b was edited"));
        Assert.DoesNotContain(daemon.Logs.Lines, l => l.EventId == 4110 && !l.Message.StartsWith("b "));
        // Polled once each at start; after the change only the fixed b and the new d, not a or c (their last success is recent).
        Assert.Equal([1, 1, 1, 1, 1], new[] { "a.xml", "missing.xml", "zebra.xml", "c.xml", "d.xml" }.Select(Requests).ToArray());
    }

    // Sources taken off sources.json several at once: the reload names each, in order (mutation audit 18 left this), and
    // deletes every one's schedule, so the next reload finds none of them left to remove.
    [Fact]
    public async Task Reload_FourSourcesRemovedAtOnce_NamesEachInOrderAndNoneIsLeftScheduled()
    {
        Feed("b", "Edge TPU benchmarks for detectors");
        Feed("e", "Keyword spotting on a microcontroller");
        var config = Folder.ConfigWithSources(Sources(("e", "e", "1h"), ("a", "a", "1h"), ("d", "d", "1h"), ("b", "b", "1h"), ("c", "c", "1h")));
        Daemon.Prepare(config);
        await using var daemon = Daemon.Start(config, Folder.File("report.db"), _clock);
        foreach (var id in new[] { "a", "b", "c", "d", "e" }) await daemon.WaitForAsync(2001, $"Polled {id}:");
        await daemon.WaitForAsync(4112);

        await File.WriteAllTextAsync(Path.Combine(config, "sources.json"), Sources(("a", "a", "1h")));
        var removed = await daemon.WaitForAsync(4102, "removed", _clock, skip: 1);
        await File.WriteAllTextAsync(Path.Combine(config, "sources.json"), Sources(("a", "a", "1h"), ("zebra", "zebra", "1h")));
        var next = await daemon.WaitForAsync(4102, "removed", _clock, skip: 2);

        Assert.Equal("Schedules: 0 source(s) (re)scheduled, 1 unchanged, 4 removed ('b', 'c', 'd', 'e')", removed);
        Assert.Equal("Schedules: 1 source(s) (re)scheduled ('zebra'), 1 unchanged, 0 removed", next);
    }

    // An edit such as a new account name applies to what the source stores: its next poll must read the feed, not be told
    // "not modified" by the validators of the poll before the edit, which left the stored entries as they were until the
    // feed itself changed.
    [Fact]
    public async Task Reload_SourceEdited_ItsNextPollReadsTheFeedWholeAndAppliesTheEditToTheStoredEntries()
    {
        var config = Folder.ConfigWithSources(Sources(("a", "a", "1h"), ("c", "c", "1h")));
        Daemon.Prepare(config);
        var database = Folder.File("report.db");
        await using var daemon = Daemon.Start(config, database, _clock);
        await daemon.WaitForAsync(2001, "Polled a:");
        await daemon.WaitForAsync(2001, "Polled c:");
        await daemon.WaitForAsync(4112);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };

        await File.WriteAllTextAsync(Path.Combine(config, "sources.json"),
            Sources(("a", "a", "1h"), ("c", "c", "1h")).Replace($"{Server.Url("a.xml")}\", \"schedule\": \"1h\", \"allowPrivateNetwork\": true}}",
                $"{Server.Url("a.xml")}\", \"schedule\": \"1h\", \"allowPrivateNetwork\": true, \"account\": \"Edge Weekly\"}}"));
        await daemon.WaitForAsync(4102, "removed", _clock, skip: 1);
        var poll = await CliRunner.RunAsync("poll", "--source", "a", "--config", config, "--db", database);
        var unedited = await CliRunner.RunAsync("poll", "--source", "c", "--config", config, "--db", database);
        var entries = JsonDocument.Parse(await http.GetStringAsync("entries?week=2020-W48")).RootElement.GetProperty("entries");

        Assert.Equal(0, poll.ExitCode);
        Assert.Contains("a: 0 new, 3 updated", poll.Out);
        Assert.Equal("", Server.Requests.Last(r => r.PathAndQuery == "/a.xml").IfNoneMatch);
        Assert.Equal(["Edge Weekly", "Edge Weekly", "Edge Weekly"],
            entries.EnumerateArray().Where(e => e.GetProperty("url").GetString()!.StartsWith("https://example.org/a/", StringComparison.Ordinal)).Select(e => e.GetProperty("account").GetString()));
        // The source not edited keeps its validators: its next poll still asks If-None-Match (mutation audit 13).
        Assert.Equal(0, unedited.ExitCode);
        Assert.NotEqual("", Server.Requests.Last(r => r.PathAndQuery == "/c.xml").IfNoneMatch);
    }

    [Fact]
    public async Task Start_ACronWhoseYearHasPassed_IsLoggedAndTheOtherSourcesRunAndReload()
    {
        // Quartz refuses a trigger that never fires: such a schedule stopped the daemon's start with a stack trace.
        var config = Folder.ConfigWithSources(Sources(("a", "a", "0 0 12 * * ? 2019"), ("c", "c", "1h")));
        Daemon.Prepare(config);
        await using var daemon = Daemon.Start(config, Folder.File("report.db"), _clock);
        var refused = await daemon.WaitForAsync(4115, "a is not scheduled");
        await daemon.WaitForAsync(2001, "Polled c:");
        await daemon.WaitForAsync(4112);

        // A reload with such a schedule leaves that source out and applies the rest.
        await File.WriteAllTextAsync(Path.Combine(config, "sources.json"), Sources(("a", "a", "0 0 12 * * ? 2019"), ("c", "c", "0 0 12 * * ? 2019"), ("d", "d", "1h")));
        await daemon.WaitForAsync(4115, "c is not scheduled", _clock);
        await daemon.WaitForAsync(2001, "Polled d:", _clock);

        Assert.Equal("a is not scheduled: its schedule '0 0 12 * * ? 2019' has no time left to fire (a year that has passed?); "
            + "fix it in sources.json (poll --source still polls it)", refused);
        Assert.Equal([0, 1, 1], new[] { "a.xml", "c.xml", "d.xml" }.Select(Requests).ToArray());
    }

    [Fact]
    public async Task Start_AnExportScheduleWhoseYearHasPassed_IsLoggedAndTheDaemonRuns()
    {
        var config = Folder.ConfigWithSources(Sources(("c", "c", "1h")));
        TempDirectory.EditSettings(config, json => json["Report"]!["ExportSchedule"] = "0 0 9 ? * MON 2019");
        Daemon.Prepare(config);
        await using var daemon = Daemon.Start(config, Folder.File("report.db"), _clock);

        var refused = await daemon.WaitForAsync(4116);
        await daemon.WaitForAsync(2001, "Polled c:");

        Assert.Equal("The weekly-draft job is not scheduled: Report:ExportSchedule '0 0 9 ? * MON 2019' has no time left to fire (a year that has passed?); "
            + "fix it in appsettings.json and restart", refused);
    }

    private int Requests(string file) => Server.Requests.Count(r => r.PathAndQuery == "/" + file);

    [Fact]
    public async Task Sources_ASourceTheSchedulesInTheDatabaseDoNotHave_SaysWhyItHasNoNextPoll()
    {
        // Two daemons on PostgreSQL with different copies of sources.json, or `sources --config` of a copy the daemon did
        // not load: 'c' showed "ok" with no next poll and no word why (README, "Several daemons on PostgreSQL").
        var config = Folder.ConfigWithSources(Sources(("a", "a", "1h"), ("c", "c", "1h")));
        var database = Folder.File("report.db");
        Daemon.Prepare(config);
        await using (var daemon = Daemon.Start(config, database, _clock))
        {
            await daemon.WaitForAsync(2001, "c");
            await daemon.WaitForAsync(4112);
            await File.WriteAllTextAsync(Path.Combine(config, "sources.json"), Sources(("a", "a", "1h")));
            await daemon.WaitForAsync(4102, "1 removed ('c')", _clock);
            await daemon.StopAsync();
        }
        var other = Folder.ConfigWithSources(Sources(("a", "a", "1h"), ("c", "c", "1h")), "other");

        var result = await CliRunner.RunAsync(s => s.AddSingleton<TimeProvider>(_clock), "sources", "--config", other, "--db", database);

        var lines = result.Out.Split('\n');
        Assert.EndsWith(" not scheduled in the database: its schedules come from a sources.json without this source; a daemon's start or reload with this file adds it",
            lines.Single(l => l.StartsWith("c ", StringComparison.Ordinal)).TrimEnd());
        Assert.DoesNotContain("not scheduled", lines.Single(l => l.StartsWith("a ", StringComparison.Ordinal)));
    }

    private void Feed(string name, string title)
    {
        var published = Now.AddHours(-1).ToString("r", CultureInfo.InvariantCulture);
        var items = string.Concat(Enumerable.Range(0, 3).Select(i => FaultFeeds.Item($"{title} ({i})", $"https://example.org/{name}/{i}", $"{title}, part {i}.", pubDate: published)));
        Server.MapFile($"{name}.xml", Encoding.UTF8.GetBytes(FaultFeeds.Rss(items)));
    }

    private string Sources(params (string Id, string File, string Schedule)[] sources) => $$"""{"sources": [{{string.Join(",\n", sources.Select(s =>
        $$"""{"id": "{{s.Id}}", "kind": "feed", "url": "{{Server.Url(s.File + ".xml")}}", "schedule": "{{s.Schedule}}", "allowPrivateNetwork": true}"""))}}]}""";
}
