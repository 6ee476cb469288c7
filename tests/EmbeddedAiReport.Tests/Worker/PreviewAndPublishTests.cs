using System.Text.Json;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using EmbeddedAiReport.Worker.Review;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// Issue 18 items 1 and 2: every export, /drafts/*, the review page's preview and the weekly job's file are previews (only
/// publish and import-issue record issues); an issue is dated the day it is published (or --date), its window ends there,
/// and the next --since-last starts right after it — for `publish` and the review page's Publish alike.
/// </summary>
public sealed class PreviewAndPublishTests() : OneFeedCliTest(Tuesday)
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Tuesday = new(2026, 12, 1, 10, 0, 0, Shanghai);   // 2026-W49 runs Mon 11-30 .. Sun 12-06
    private static readonly (string Title, DateTimeOffset At) Monday = ("NPU 推理引擎周一发布", new(2026, 11, 30, 9, 0, 0, Shanghai));
    private static readonly (string Title, DateTimeOffset At) TuesdayPost = ("int8 量化工具链周二开源", new(2026, 12, 1, 8, 0, 0, Shanghai));
    private static readonly (string Title, DateTimeOffset At) Wednesday = ("端侧大模型周三评测", new(2026, 12, 2, 9, 0, 0, Shanghai));
    private static readonly (string Title, DateTimeOffset At) Saturday = ("AI芯片周六量产", new(2026, 12, 5, 9, 0, 0, Shanghai));

    private static (string From, string To, IReadOnlyList<string> Titles) Window(CliResult json)
    {
        Assert.True(json.ExitCode == 0, json.Error);
        var root = JsonDocument.Parse(json.Out).RootElement;
        var titles = root.GetProperty("sections").EnumerateArray().SelectMany(s => s.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("title").GetString()!).Order(StringComparer.Ordinal).ToList();
        return (root.GetProperty("from").GetString()!, root.GetProperty("to").GetString()!, titles);
    }

    [Fact]
    public async Task Publish_OnTheWeeksTuesday_DatesTheIssueThatDayAndTheRestOfTheWeekComesNext()
    {
        await PollAsync(Monday, TuesdayPost);

        var publish = await Cli("publish", "--week", "2026-W49");
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 6, 12, 0, 0, Shanghai));
        await PollAsync(Monday, TuesdayPost, Wednesday, Saturday);
        var next = Window(await Cli("export", "--since-last", "--format", "json"));

        Assert.Equal(0, publish.ExitCode);
        Assert.StartsWith("published issue 2026-12-01 (2026-11-30 .. 2026-12-01): 2 items", publish.Out);
        Assert.Equal(("2026-12-02", "2026-12-06"), (next.From, next.To));
        Assert.Equal(new[] { Wednesday.Title, Saturday.Title }.Order(StringComparer.Ordinal), next.Titles);
    }

    [Fact]
    public async Task Publish_RetrainsOnTheNewLabels_WritesTheModelsAndSaysWhatTheyLearnedAndHowManyEntriesWereRescored()
    {
        // README (Report:RetrainOnPublish, on by default): after publish, train runs with the new labels. The issue's two
        // items are the database's labels; the line is what the written ranker says it was trained on.
        await PollAsync(Monday, TuesdayPost);

        var publish = await Cli("publish", "--week", "2026-W49");

        var lines = publish.Out.TrimEnd().Split('\n');
        var trainedOn = JsonDocument.Parse(File.ReadAllText(Path.Combine(Config, "ranker.json"))).RootElement.GetProperty("trainedOn").GetString()!;
        Assert.Equal(0, publish.ExitCode);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("(2 labels from the database)", trainedOn);
        Assert.Equal(trainedOn, JsonDocument.Parse(File.ReadAllText(Path.Combine(Config, "router.json"))).RootElement.GetProperty("trainedOn").GetString());
        Assert.Matches($"^retrained on {Regex.Escape(trainedOn)}; [1-9][0-9]* entr(y|ies) rescored$", lines[1]);
    }

    [Fact]
    public async Task Publish_TheTrainingExamplesGone_PublishesAndSaysItDidNotRetrainAndWhy()
    {
        // A retraining that cannot run is logged and said; the publish stands (README: a failure is logged, the publish stands).
        await PollAsync(Monday, TuesdayPost);
        var corpus = Path.Combine(Config, "training", "corpus");
        Directory.Delete(corpus, recursive: true);

        var publish = await Cli("publish", "--week", "2026-W49");

        Assert.Equal(0, publish.ExitCode);
        Assert.StartsWith("published issue 2026-12-01 (2026-11-30 .. 2026-12-01): 2 items", publish.Out);
        Assert.EndsWith($"\nnot retrained: --corpus: folder not found: {corpus} (run train)", publish.Out.TrimEnd());
    }

    [Fact]
    public async Task Publish_ThenALateArrivalDatedInThePublishedWindow_ComesInTheNextSinceLastDraftAndIsExplained()
    {
        await PollAsync(Monday, TuesdayPost);
        Assert.Equal(0, (await Cli("publish", "--week", "2026-W49")).ExitCode);
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 3, 18, 0, 0, Shanghai));
        // A mirror that lags back-fills a Monday post on Thursday.
        (string Title, DateTimeOffset At) lateMonday = ("周一的NPU文章周四才到", Monday.At.AddHours(2));
        await PollAsync(Monday, TuesdayPost, lateMonday, Wednesday);

        var next = Window(await Cli("export", "--since-last", "--format", "json"));
        var explained = await Cli("entries", "--since-last", "--explain");
        var review = await ReviewPageAsync("2026-W49");

        Assert.Equal(("2026-12-02", "2026-12-03"), (next.From, next.To));
        Assert.Equal(new[] { lateMonday.Title, Wednesday.Title }.Order(StringComparer.Ordinal), next.Titles);
        Assert.Equal(0, explained.ExitCode);
        Assert.Contains("late arrival: dated 2026-11-30, inside the window of the issue of 2026-12-01 (2026-11-30 .. 2026-12-01), but first seen 2026-12-03 18:00, "
            + "after that issue was published; moved into the next window, from 2026-12-02", explained.Out);
        Assert.Single(explained.Out.Split('\n'), l => l.Contains("late arrival:"));
        Assert.Equal(1, review.Split("class=\"badge late\"").Length - 1);
        // Said on the page in the same words, not only in a title an editor on a phone or a keyboard never sees.
        Assert.Contains("<div class=\"late-why\">late arrival: dated 2026-11-30, inside the window of the issue of 2026-12-01 (2026-11-30 .. 2026-12-01), "
            + "but first seen 2026-12-03 18:00, after that issue was published; moved into the next window, from 2026-12-02</div>", review);
        Assert.DoesNotContain("title=\"dated inside", review);
        // Only the late arrival says so: Wednesday's post, in the week too, does not (mutation audit 16: every entry's line survived).
        Assert.Equal(1, review.Split("class=\"late-why\"").Length - 1);
    }

    // The review page of a week, from the daemon's application on an ephemeral loopback port.
    private async Task<string> ReviewPageAsync(string week)
    {
        return await DaemonApplication.WithClientAsync(WorkerHost.LoadConfig(Config, Db), (_, http) => http.GetStringAsync($"review/{week}"),
            services => services.AddSingleton<TimeProvider>(Clock));
    }

    [Fact]
    public async Task SinceLast_TheLastIssueCoversToday_IsAnEmptyResultForEntriesExportAndSummarizeAndAnErrorForPublish()
    {
        // Summaries on (nothing is asked of the model: there is no window to summarize).
        TempDirectory.TurnSummariesOn(Config);
        await PollAsync(Monday, TuesdayPost);
        var noIssue = await Cli("entries", "--since-last");
        Assert.Equal(0, (await Cli("publish", "--week", "2026-W49")).ExitCode);   // today: the issue covers up to today

        var entries = await Cli("entries", "--since-last", "--explain");
        var export = await Cli("export", "--since-last");
        var exportToFile = await Cli("export", "--since-last", "--out", Folder.File("next.md"));
        var summarize = await Cli("summarize", "--since-last");
        var publish = await Cli("publish", "--since-last");

        Assert.Equal(2, noIssue.ExitCode);
        Assert.Contains("--since-last: no issue was published or imported yet", noIssue.Error);
        Assert.Contains("import-issue FILE", noIssue.Error);
        const string Nothing = "--since-last: no entries since the last issue yet: it covers everything up to 2026-12-01 and today is 2026-12-01 (the next window starts 2026-12-02)";
        Assert.Equal((0, "", $"{Nothing}; nothing to list"), (entries.ExitCode, entries.Out, entries.Error.Trim()));
        Assert.Equal((0, "", $"{Nothing}; no draft written"), (export.ExitCode, export.Out, export.Error.Trim()));
        Assert.Equal(0, exportToFile.ExitCode);
        Assert.False(File.Exists(Folder.File("next.md")));
        Assert.Equal((0, "", $"{Nothing}; nothing to summarize"), (summarize.ExitCode, summarize.Out, summarize.Error.Trim()));
        Assert.Equal((2, Nothing), (publish.ExitCode, publish.Error.Trim()));
    }

    // README: publish on Tuesday 12-01 covers 11-30 .. 12-01 "and the next export --since-last starts on 12-02": on 12-02
    // itself that is a window of one day, today, not "no entries since the last issue yet".
    [Fact]
    public async Task SinceLast_TheDayAfterThePublish_IsTodayAlone()
    {
        await PollAsync(Monday, TuesdayPost);
        var publish = await Cli("publish", "--week", "2026-W49");
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 12, 0, 0, Shanghai));
        await PollAsync(Monday, TuesdayPost, Wednesday);

        var next = Window(await Cli("export", "--since-last", "--format", "json"));

        Assert.Equal(0, publish.ExitCode);
        Assert.Equal(("2026-12-02", "2026-12-02"), (next.From, next.To));
        Assert.Equal([Wednesday.Title], next.Titles);
    }

    // Back issues imported after publishing here (issues sent before this tool) leave --since-last where it was: after the
    // latest issue's last day, whenever the older one was recorded (mutation audit 16: taking the earliest issue survived).
    [Fact]
    public async Task SinceLast_AfterAnOlderIssueIsImported_StillStartsAfterTheLatestIssue()
    {
        await PollAsync(Monday, TuesdayPost);
        Assert.Equal(0, (await Cli("publish", "--week", "2026-W49")).ExitCode);   // covers 11-30 .. 12-01
        Assert.Equal(0, (await Cli("import-issue", Fixtures.PathOf("corpus/2020-05-15.md"))).ExitCode);
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 3, 12, 0, 0, Shanghai));
        await PollAsync(Monday, TuesdayPost, Wednesday);

        var next = Window(await Cli("export", "--since-last", "--format", "json"));

        Assert.Equal(("2026-12-02", "2026-12-03"), (next.From, next.To));
        Assert.Equal([Wednesday.Title], next.Titles);
    }

    [Fact]
    public async Task Publish_WithDate_DatesTheIssueAndEndsItsWindowThatDay()
    {
        await PollAsync(Monday, TuesdayPost);
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 3, 18, 0, 0, Shanghai));

        var publish = await Cli("publish", "--week", "2026-W49", "--date", "2026-11-30");
        var next = Window(await Cli("export", "--since-last", "--format", "json"));
        var early = await Cli("publish", "--week", "2026-W50", "--date", "2026-12-03");
        var badDate = await Cli("publish", "--date", "3 Dec");

        Assert.Equal(0, publish.ExitCode);
        Assert.StartsWith("published issue 2026-11-30 (2026-11-30 .. 2026-11-30): 1 item, ", publish.Out);
        Assert.Equal(("2026-12-01", "2026-12-03", 1), (next.From, next.To, next.Titles.Count));
        Assert.Equal(2, early.ExitCode);
        Assert.Contains("before the window's first day 2026-12-07", early.Error);
        Assert.Equal(2, badDate.ExitCode);
        Assert.Contains("--date: '3 Dec' is not a date yyyy-MM-dd", badDate.Error);
    }

    [Fact]
    public async Task Publish_DateMoreThanADayAhead_IsAUsageErrorNamingTheDateAndToday()
    {
        await PollAsync(Monday, TuesdayPost);

        var farAhead = await Cli("publish", "--week", "2026-W49", "--date", "2026-12-03");
        var tomorrow = await Cli("publish", "--week", "2026-W49", "--date", "2026-12-02");

        Assert.Equal(2, farAhead.ExitCode);
        Assert.Contains("publish: the issue date 2026-12-03 is more than one day after today (2026-12-01 in Asia/Shanghai)", farAhead.Error);
        Assert.Equal("", farAhead.Out);
        Assert.Equal(0, tomorrow.ExitCode);
        Assert.StartsWith("published issue 2026-12-02 (2026-11-30 .. 2026-12-02): 2 items", tomorrow.Out);
    }

    [Fact]
    public async Task Publish_AWeekThatHasEnded_KeepsTheWholeWeekAndTheDaysSinceComeNext()
    {
        await PollAsync(Monday, TuesdayPost);
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 10, 0, 0, Shanghai));   // Tuesday of the next week

        var publish = await Cli("publish", "--week", "2026-W49");
        var next = Window(await Cli("export", "--since-last", "--format", "json"));

        Assert.StartsWith("published issue 2026-12-08 (2026-11-30 .. 2026-12-06): 2 items", publish.Out);
        Assert.Equal(("2026-12-07", "2026-12-08"), (next.From, next.To));
    }

    [Fact]
    public async Task Issue_AfterPublish_GivesBackTheDraftThatWasPublishedAndListsIt()
    {
        // The editor pressed Publish before copying the draft: `issue DATE` gives it back as it was, byte for byte.
        await PollAsync(Monday, TuesdayPost);
        var preview = await Cli("export", "--from", "2026-11-30", "--to", "2026-12-01");

        Assert.Equal(0, (await Cli("publish", "--week", "2026-W49")).ExitCode);
        var issue = await Cli("issue", "2026-12-01");
        var list = await Cli("issue");
        var none = await Cli("issue", "2026-12-02");
        var bad = await Cli("issue", "12/01");

        Assert.Contains($"# 嵌入式AI简报 (2026-12-01)", preview.Out);
        Assert.Equal((0, preview.Out), (issue.ExitCode, issue.Out));
        Assert.Equal((0, "2026-12-01\n"), (list.ExitCode, list.Out.ReplaceLineEndings("\n")));
        Assert.Equal((2, "issue: no issue of 2026-12-02 is recorded (see 'issue' for the list)"), (none.ExitCode, none.Error.Trim()));
        Assert.Equal((2, "issue: '12/01' is not a date yyyy-MM-dd"), (bad.ExitCode, bad.Error.Trim()));
    }

    [Fact]
    public async Task Export_OfAWeekAlreadyPublished_SaysWhichIssueHasItsItemsAndHowToPrintIt()
    {
        // The editor exports last week to see what went out: the draft leaves the published items out (a preview of what
        // is not published yet), so it has none — said on stderr, with the command that gives the issue as it went out.
        await PollAsync(Monday, TuesdayPost);
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 10, 0, 0, Shanghai));
        Assert.Equal(0, (await Cli("publish", "--week", "2026-W49")).ExitCode);

        var export = await Cli("export", "--week", "2026-W49");
        var unpublished = await Cli("export", "--week", "2026-W50");
        var before = await Cli("export", "--week", "2026-W48");   // ends where the issue's window begins: no overlap

        Assert.Equal(0, export.ExitCode);
        Assert.Contains("本次0条", export.Out);
        Assert.Equal("note: the issue of 2026-12-08 published 2026-11-30 .. 2026-12-06: its items are left out of drafts, which show what is not "
            + "published yet; 'issue 2026-12-08' prints that issue as it went out", export.Error.Trim());
        Assert.Equal((0, ""), (unpublished.ExitCode, unpublished.Error.Trim()));
        Assert.Equal((0, ""), (before.ExitCode, before.Error.Trim()));
    }

    [Fact]
    public async Task ImportIssue_OfAnIssueAlreadyPublished_KeepsTheIssueAsItWasRecorded()
    {
        // README: `issue DATE` gives a published issue's markdown byte for byte. The editor later imports the issue file as
        // sent (touched up by hand): its items are recorded (nothing new), the issue stays one issue, not two glued together.
        await PollAsync(Monday, TuesdayPost);
        Assert.Equal(0, (await Cli("publish", "--week", "2026-W49")).ExitCode);
        var published = (await Cli("issue", "2026-12-01")).Out;
        var sent = Folder.File("2026-12-01.md");
        File.WriteAllText(sent, published.Replace(Monday.Title, Monday.Title + "（修订）", StringComparison.Ordinal));

        var import = await Cli("import-issue", sent);
        var issue = await Cli("issue", "2026-12-01");
        var list = await Cli("issue");

        Assert.Equal(0, import.ExitCode);
        Assert.Equal((0, published), (issue.ExitCode, issue.Out));
        Assert.Equal("2026-12-01\n", list.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task ImportIssue_OfAWeekPublishedAfterItEnded_LeavesTheDaysSinceToTheNextDraft()
    {
        // A finished week published the next Tuesday covers its seven days; Monday and Tuesday start the next window. The
        // editor then imports the issue as sent: the import is the same issue and must not stretch its window to the issue
        // date, which took Monday and Tuesday (and the late arrivals placed there) out of every draft.
        (string Title, DateTimeOffset At) nextMonday = ("下周一的端侧推理框架发布", new(2026, 12, 7, 9, 0, 0, Shanghai));
        await PollAsync(Monday, TuesdayPost);
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 10, 0, 0, Shanghai));
        await PollAsync(Monday, TuesdayPost, nextMonday);
        Assert.Equal(0, (await Cli("publish", "--week", "2026-W49")).ExitCode);
        var sent = Folder.File("2026-12-08.md");
        File.WriteAllText(sent, (await Cli("issue", "2026-12-08")).Out.Replace(Monday.Title, Monday.Title + "（修订）", StringComparison.Ordinal));

        var import = await Cli("import-issue", sent);
        var next = Window(await Cli("export", "--since-last", "--format", "json"));

        Assert.Equal(0, import.ExitCode);
        Assert.Equal(("2026-12-07", "2026-12-08"), (next.From, next.To));
        Assert.Equal([nextMonday.Title], next.Titles);
    }

    [Fact]
    public async Task ReviewPagePublish_OnTheWeeksTuesday_FollowsTheSameRuleAsTheCommand()
    {
        await PollAsync(Monday, TuesdayPost);
        var preview = await Cli("export", "--from", "2026-11-30", "--to", "2026-12-01");
        var config = WorkerHost.LoadConfig(Config, Db);
        Assert.Empty(config.Problems);
        await using (var app = WorkerHost.Build(config, daemon: true, services => services.AddSingleton<TimeProvider>(Clock)))
        {
            var outcome = await app.Services.GetRequiredService<ReviewActions>().PublishAsync(EmbeddedAiReport.Worker.Http.PathWindow.Of(new EditorialWeek(2026, 49), config.Draft.Zone()), FormCollection.Empty, asked: true, CancellationToken.None);

            Assert.True(outcome.Ok, outcome.Message);
            Assert.StartsWith("published issue 2026-12-01 (2026-11-30 .. 2026-12-01): 2 items", outcome.Message);
        }
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 6, 12, 0, 0, Shanghai));
        await PollAsync(Monday, TuesdayPost, Wednesday, Saturday);

        var next = Window(await Cli("export", "--since-last", "--format", "json"));

        Assert.Equal(("2026-12-02", "2026-12-06", 2), (next.From, next.To, next.Titles.Count));
        Assert.Equal(preview.Out, (await Cli("issue", "2026-12-01")).Out);   // the page's Publish keeps the issue's markdown too
    }

    [Fact]
    public async Task Previews_ExportInEveryFormDraftsReviewAndTheWeeklyFile_RecordNothing()
    {
        await PollAsync(Monday, TuesdayPost);
        Assert.Equal(0, (await Cli("import-issue", Fixtures.PathOf("corpus/2020-05-15.md"))).ExitCode);
        var first = await Cli("export", "--since-last", "--format", "json");

        var previews = new List<CliResult>
        {
            await Cli("export", "--since-last"),
            await Cli("export"),
            await Cli("export", "--format", "json"),
            await Cli("export", "--week", "2026-W49", "--out", Folder.File("draft.md")),
        };
        await PreviewThroughTheDaemonAsync();
        var again = await Cli("export", "--since-last", "--format", "json");

        Assert.All(previews, p => Assert.True(p.ExitCode == 0, p.Error));
        Assert.Equal(("2020-05-16", "2026-12-01", 2), (Window(first).From, Window(first).To, Window(first).Titles.Count));
        Assert.Equal(first.Out, again.Out);
    }

    // The weekly job's file, /drafts/*.md and the review page, in the daemon's application on an ephemeral loopback port.
    private async Task PreviewThroughTheDaemonAsync()
    {
        // In appsettings.json: the services bind Report from it (a value set on the loaded config's Report reaches no job,
        // which wrote the draft into the test host's working directory, beside the tests of other classes).
        TempDirectory.EditSettings(Config, json => json["Report"]!["DraftsDirectory"] = Folder.File("drafts"));
        var config = WorkerHost.LoadConfig(Config, Db);
        await DaemonApplication.WithClientAsync(config, async (app, http) =>
        {
            var written = await app.Services.GetRequiredService<DraftFiles>().WriteWeekAsync(new EditorialWeek(2026, 49), CancellationToken.None);
            Assert.Equal(Folder.File("drafts/2026-W49.md"), written);
            foreach (var path in new[] { "drafts/latest.md", "drafts/2026-W49.md", "review/2026-W49" })
                Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(path)).StatusCode);
        }, services => services.AddSingleton<TimeProvider>(Clock));
    }
}
