using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using EmbeddedAiReport.Worker.Cli;
using EmbeddedAiReport.Worker.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// The calendar as the editor and the operator meet it: 2026 is the first year of the product with an ISO week 53
/// (2026-12-28 .. 2027-01-03), an entry posted 16:00–23:59 UTC is the next day in Shanghai, a year without week 53, days
/// far outside any feed's dates, and a --since-last whose last issue is months old.
/// </summary>
public sealed class CalendarEdgesTests() : OneFeedCliTest(new DateTimeOffset(2027, 1, 4, 10, 0, 0, Shanghai))
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    // Sunday 2026-12-27 20:00 UTC is Monday 12-28 04:00 in Shanghai: the first day of 2026-W53 there (2026-W52 in UTC).
    private static readonly (string Title, DateTimeOffset At) W53Monday = ("周一凌晨发布的NPU驱动", new(2026, 12, 27, 20, 0, 0, TimeSpan.Zero));
    private static readonly (string Title, DateTimeOffset At) W53Thursday = ("新年前夜的int8量化工具", new(2026, 12, 31, 12, 0, 0, TimeSpan.Zero));
    // Sunday 2027-01-03 15:59 UTC is 23:59 in Shanghai, the last minute of 2026-W53; 17:00 UTC is Monday 2027-01-04 01:00 there (2027-W01).
    private static readonly (string Title, DateTimeOffset At) W53LastMinute = ("周日深夜的端侧大模型评测", new(2027, 1, 3, 15, 59, 0, TimeSpan.Zero));
    private static readonly (string Title, DateTimeOffset At) W01Monday = ("一月四日凌晨的AI芯片新闻", new(2027, 1, 3, 17, 0, 0, TimeSpan.Zero));

    protected override string SummaryOf(string title) => $"{title}：NPU 上的 int8 量化。";

    private static IReadOnlyList<string> Titles(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("sections").EnumerateArray().SelectMany(s => s.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("title").GetString()!).Order(StringComparer.Ordinal).ToList();

    // GETs on the daemon's application (ephemeral loopback port) on the test's clock: status, body and X-Eair-Note of each path.
    private Task<List<(HttpStatusCode Status, string Body, string? Note)>> GetAsync(params string[] paths) =>
        DaemonApplication.WithClientAsync(WorkerHost.LoadConfig(Config, Db), async (_, http) =>
        {
            var replies = new List<(HttpStatusCode, string, string?)>();
            foreach (var path in paths)
            {
                using var reply = await http.GetAsync(path);
                replies.Add((reply.StatusCode, await reply.Content.ReadAsStringAsync(),
                    reply.Headers.TryGetValues("X-Eair-Note", out var note) ? note.Single() : null));
            }
            return replies;
        }, services => services.AddSingleton<TimeProvider>(Clock));

    [Fact]
    public async Task Week53_EntriesExportTheReviewPageAndTheMondayJob_AgreeOnItsShanghaiDays()
    {
        await PollAsync(W53Monday, W53Thursday, W53LastMinute, W01Monday);
        string[] week53 = [.. new[] { W53Monday.Title, W53Thursday.Title, W53LastMinute.Title }.Order(StringComparer.Ordinal)];

        var export = await Cli("export", "--week", "2026-W53", "--format", "json");
        var markdown = await Cli("export", "--week", "2026-W53");
        var entries = await Cli("entries", "--week", "2026-W53");
        var next = await Cli("export", "--week", "2027-W01", "--format", "json");
        var pages = await GetAsync("review/2026-W53", "entries?week=2026-W53");
        // The weekly job (Monday 09:00 in Shanghai, lag one day) on 2026-12-28 drafts 2026-W52, on 2027-01-04 2026-W53.
        var folder = Folder.File("drafts");
        TempDirectory.EditSettings(Config, json => json["Report"]!["DraftsDirectory"] = folder);
        await using (var app = WorkerHost.BuildCommand(WorkerHost.LoadConfig(Config, Db), services => services.AddSingleton<TimeProvider>(Clock)))
        {
            foreach (var due in new[] { new DateTimeOffset(2026, 12, 28, 9, 0, 0, Shanghai), new DateTimeOffset(2027, 1, 4, 9, 0, 0, Shanghai) })
                await ActivatorUtilities.CreateInstance<ExportDraftJob>(app.Services).Execute(JobDatabaseFailureTests.CatchUp.Of(due), CancellationToken.None);
        }
        var drafts = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

        Assert.Equal(0, export.ExitCode);
        Assert.Equal(week53, Titles(export.Out));
        Assert.Equal(("2026-12-28", "2027-01-03"), (JsonDocument.Parse(export.Out).RootElement.GetProperty("from").GetString(),
            JsonDocument.Parse(export.Out).RootElement.GetProperty("to").GetString()));
        Assert.Contains("# 嵌入式AI简报 (2027-01-03)", markdown.Out);   // the corpus's heading: the issue's (here the window's last) date
        Assert.EndsWith("3 entries (2026-12-28 .. 2027-01-03)\n", entries.Error.ReplaceLineEndings("\n"));
        Assert.All(week53, title => Assert.Contains(title, entries.Out));
        Assert.Equal([W01Monday.Title], Titles(next.Out));
        var (review, json) = (pages[0].Body, pages[1].Body);
        Assert.Contains("<a rel=\"prev\" href=\"/review/2026-W52\">", review);
        Assert.Contains("<a rel=\"next\" href=\"/review/2027-W01\">", review);
        Assert.All(week53, title => Assert.Contains(title, review));
        Assert.DoesNotContain(W01Monday.Title, review);
        Assert.Equal(3, JsonDocument.Parse(json).RootElement.GetProperty("total").GetInt32());
        Assert.Equal(["2026-W52.md", "2026-W53.md"], drafts.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("# 嵌入式AI简报 (2027-01-03)", drafts["2026-W53.md"]);
        Assert.All(week53, title => Assert.Contains(title, drafts["2026-W53.md"]));
        Assert.DoesNotContain(W53Monday.Title, drafts["2026-W52.md"]);
    }

    [Fact]
    public async Task Windows_AWeek53ThatYearHasNotOrDaysNoFeedCanBeDatedIn_AreClearUsageErrorsInCliAndHttp()
    {
        await PollAsync(W53Monday);   // the database exists (and has its schedules' tables) before the daemon starts
        var week = await Cli("export", "--week", "2025-W53");
        var yearOne = await Cli("export", "--from", "0001-01-01", "--to", "2026-12-04");
        var year9999 = await Cli("entries", "--from", "2026-12-01", "--to", "9999-12-31");
        var pages = await GetAsync("drafts/2025-W53.md", "review/2025-W53", "drafts/0001-01-01..2026-12-04.md", "review/2026-12-01..9999-12-31",
            "entries?from=0001-01-01&to=2027-01-01");

        Assert.Equal((2, "--week: '2025-W53' is not an ISO week such as 2020-W48: 2025 has 52 ISO weeks (2025-W01 .. 2025-W52)\n"),
            (week.ExitCode, week.Error.ReplaceLineEndings("\n")));
        Assert.Equal((2, "--from 0001-01-01: dates run from 1990-01-01 to 9998-12-31\n"), (yearOne.ExitCode, yearOne.Error.ReplaceLineEndings("\n")));
        Assert.Equal((2, "--to 9999-12-31: dates run from 1990-01-01 to 9998-12-31\n"), (year9999.ExitCode, year9999.Error.ReplaceLineEndings("\n")));
        Assert.All(pages, page => Assert.Equal(HttpStatusCode.BadRequest, page.Status));
        string Detail(int i) => JsonDocument.Parse(pages[i].Body).RootElement.GetProperty("detail").GetString()!;
        Assert.Equal("'2025-W53' is not an ISO week: 2025 has 52 ISO weeks (2025-W01 .. 2025-W52)", Detail(0));
        Assert.Equal(Detail(0), Detail(1));
        Assert.Equal("'0001-01-01..2026-12-04': from 0001-01-01: dates run from 1990-01-01 to 9998-12-31", Detail(2));
        Assert.Equal("'2026-12-01..9999-12-31': to 9999-12-31: dates run from 1990-01-01 to 9998-12-31", Detail(3));
        Assert.Equal("from 0001-01-01: dates run from 1990-01-01 to 9998-12-31", Detail(4));
    }

    // README: days run 1990-01-01 .. 9998-12-31: each bound is a day that can be asked for, the day beyond it is a usage error.
    [Fact]
    public async Task Windows_DaysAtTheBoundsAreRead_TheDayBeyondEachIsAUsageError()
    {
        await PollAsync(W53Monday);

        var first = await Cli("entries", "--from", "1990-01-01", "--to", "1990-01-07");
        var last = await Cli("entries", "--from", "9998-12-25", "--to", "9998-12-31");
        var before = await Cli("entries", "--from", "1989-12-31", "--to", "1990-01-07");

        Assert.Equal((0, "0 entries (1990-01-01 .. 1990-01-07)\n"), (first.ExitCode, first.Error.ReplaceLineEndings("\n")));
        Assert.Equal((0, "0 entries (9998-12-25 .. 9998-12-31)\n"), (last.ExitCode, last.Error.ReplaceLineEndings("\n")));
        Assert.Equal((2, "--from 1989-12-31: dates run from 1990-01-01 to 9998-12-31\n"), (before.ExitCode, before.Error.ReplaceLineEndings("\n")));
    }

    // A leap day is a day of its year only: 2024-02-29 is read, 2023-02-29 (and a 13th month) is a usage error that says why,
    // where it said "dates are yyyy-MM-dd" of a date written just so.
    [Fact]
    public async Task Windows_ALeapDayOfAYearThatHasNone_IsAUsageErrorSayingTheMonthsDays()
    {
        await PollAsync(W53Monday);

        var leap = await Cli("entries", "--from", "2024-02-29", "--to", "2024-02-29");
        var none = await Cli("export", "--from", "2023-02-29", "--to", "2023-03-01");
        var month = await Cli("entries", "--from", "2026-12-01", "--to", "2026-13-01");
        // Month 00, and year 0000 (no year DateOnly has): said, not a crash (mutation audit 16: reading month 00 as a month survived).
        var zeroth = await Cli("entries", "--from", "2026-00-10", "--to", "2026-01-10");
        var yearZero = await Cli("entries", "--from", "0000-01-01", "--to", "2026-01-10");
        var pages = await GetAsync("review/2025-02-29..2025-03-01", "entries?from=2026-04-31&to=2026-05-01");

        Assert.Equal((0, "0 entries (2024-02-29 .. 2024-02-29)\n"), (leap.ExitCode, leap.Error.ReplaceLineEndings("\n")));
        Assert.Equal((2, "--from 2023-02-29: no such day, 2023-02 has 28 days\n"), (none.ExitCode, none.Error.ReplaceLineEndings("\n")));
        Assert.Equal((2, "--to 2026-13-01: no such day, a year has months 01 to 12\n"), (month.ExitCode, month.Error.ReplaceLineEndings("\n")));
        Assert.Equal((2, "--from 2026-00-10: no such day, a year has months 01 to 12\n"), (zeroth.ExitCode, zeroth.Error.ReplaceLineEndings("\n")));
        Assert.Equal((2, "--from/--to: dates are yyyy-MM-dd\n"), (yearZero.ExitCode, yearZero.Error.ReplaceLineEndings("\n")));
        Assert.All(pages, page => Assert.Equal(HttpStatusCode.BadRequest, page.Status));
        Assert.Equal("'2025-02-29..2025-03-01': from 2025-02-29: no such day, 2025-02 has 28 days",
            JsonDocument.Parse(pages[0].Body).RootElement.GetProperty("detail").GetString());
        Assert.Equal("from 2026-04-31: no such day, 2026-04 has 30 days", JsonDocument.Parse(pages[1].Body).RootElement.GetProperty("detail").GetString());
    }

    // Weeks and days run 1990-W01 (1990-01-01) .. 9998-W53 (9998-12-28 .. 9999-01-03): a page at a bound links to no week
    // outside them (1989-W52 and 9999-W01 answer 400), and every link it does give answers.
    [Fact]
    public async Task ReviewPage_AtTheFirstAndLastWeek_LinksOnlyToWeeksThatAnswer()
    {
        await PollAsync(W53Monday);   // the database exists (and has its schedules' tables) before the daemon starts
        var pages = await GetAsync("review/1990-W01", "review/9998-W53", "review/9998-12-28..9998-12-31", "review/1990-01-01..1990-01-03");
        var links = pages.SelectMany(p => Regex.Matches(p.Body, "<a rel=\"(?:prev|next)\" href=\"/([^\"]+)\"").Select(m => m.Groups[1].Value)).Distinct().ToArray();
        var linked = await GetAsync(links);

        Assert.All(pages, page => Assert.Equal(HttpStatusCode.OK, page.Status));
        Assert.DoesNotContain("rel=\"prev\"", pages[0].Body);
        Assert.Contains("<a rel=\"next\" href=\"/review/1990-W02\">", pages[0].Body);
        Assert.Contains("<a rel=\"prev\" href=\"/review/9998-W52\">", pages[1].Body);
        Assert.DoesNotContain("rel=\"next\"", pages[1].Body);
        Assert.Contains("<a rel=\"prev\" href=\"/review/9998-W53\">", pages[2].Body);
        Assert.Contains("<a rel=\"next\" href=\"/review/9998-W53\">", pages[2].Body);
        Assert.Contains("<a rel=\"prev\" href=\"/review/1990-W01\">", pages[3].Body);
        Assert.Equal(["review/1990-W02", "review/9998-W52", "review/9998-W53", "review/1990-W01"], links);
        Assert.All(linked, page => Assert.Equal(HttpStatusCode.OK, page.Status));
    }

    // README: the note comes when the window since the last issue "spans more than six weeks": 42 days (2027-01-04 ..
    // 2027-02-14, both counted) is drafted without a word, 43 days has the note.
    [Theory]
    [InlineData("2027-02-14", null)]
    [InlineData("2027-02-15", "note: the window since the last issue, 2027-01-04 .. 2027-02-15, spans 43 days (issues have come every two to five weeks): ")]
    public void SinceLast_SixWeeksIsAUsualWindow_OneDayMoreHasTheNote(string last, string? note)
    {
        var window = DraftWindow.Of(new DateOnly(2027, 1, 4), DateOnly.Parse(last, System.Globalization.CultureInfo.InvariantCulture), TimeZoneInfo.Utc);

        var said = ExportCommand.LongSinceLast(window, "name a shorter one");

        if (note is null) Assert.Null(said);
        else Assert.StartsWith(note, said);
    }

    [Fact]
    public async Task SinceLast_TheLastIssueIsMonthsOld_DraftsEverythingSinceWithANoteInTheCliAndOnThePage()
    {
        await PollAsync(W53Monday, W53Thursday);
        Assert.Equal(0, (await Cli("publish", "--week", "2026-W53")).ExitCode);   // on 2027-01-04: the issue covers 2026-12-28 .. 2027-01-03
        Clock.SetUtcNow(new DateTimeOffset(2027, 1, 20, 10, 0, 0, Shanghai));    // 17 days since: a usual gap between issues
        await PollAsync(W53Monday, W53Thursday, W01Monday);
        var usual = await Cli("entries", "--since-last");
        Clock.SetUtcNow(new DateTimeOffset(2027, 6, 1, 10, 0, 0, Shanghai));     // five months since
        (string Title, DateTimeOffset At) may = ("五月的NPU新品", new(2027, 5, 28, 2, 0, 0, TimeSpan.Zero));
        await PollAsync(W53Monday, W53Thursday, W01Monday, may);

        var entries = await Cli("entries", "--since-last");
        var export = await Cli("export", "--since-last", "--format", "json");
        var pages = await GetAsync("review/since-last", "review/2027-W22", "drafts/since-last.md", "drafts/since-last.json", "drafts/2027-W22.md");
        var markdown = await Cli("export", "--since-last");

        const string Note = "note: the window since the last issue, 2027-01-04 .. 2027-06-01, spans 149 days (issues have come every two to five weeks): "
            + "the last recorded issue is old, so this draft ranks everything since; to draft less, ";
        Assert.Equal((0, "1 entry (2027-01-04 .. 2027-01-20)\n"), (usual.ExitCode, usual.Error.ReplaceLineEndings("\n")));
        Assert.Equal(0, entries.ExitCode);
        Assert.Equal(Note + "name a shorter one with --week or --from/--to\n2 entries (2027-01-04 .. 2027-06-01)\n", entries.Error.ReplaceLineEndings("\n"));
        Assert.Equal(0, export.ExitCode);
        Assert.StartsWith(Note, export.Error);
        Assert.Equal(new[] { W01Monday.Title, may.Title }.Order(StringComparer.Ordinal), Titles(export.Out));
        Assert.Contains(WebUtility.HtmlEncode(Note + "open a week (/review/2027-W22) or days (/review/2027-05-19..2027-06-01)"), pages[0].Body);
        Assert.DoesNotContain("note: the window since", pages[1].Body);
        // Over HTTP the draft stays the body exactly (as export's stdout); the note goes in a header, as stderr beside stdout.
        Assert.Equal(markdown.Out, pages[2].Body);
        Assert.Equal(Note + "ask for a week (/drafts/2027-W22.md) or days (/drafts/2027-05-19..2027-06-01.md)", pages[2].Note);
        Assert.Equal(export.Out, pages[3].Body);
        Assert.Equal(Note + "ask for a week (/drafts/2027-W22.json) or days (/drafts/2027-05-19..2027-06-01.json)", pages[3].Note);
        Assert.Null(pages[4].Note);
    }

    // An operator who moves the report from Shanghai to Berlin: the issue published in Shanghai ends at Shanghai's midnight,
    // 2027-01-03T16:00Z, seven hours before Berlin's (23:00Z). The hours between were in neither window, and so was a late
    // arrival, which is placed at the published window's end. An issue imported after it whose date is that same last day
    // (its window not known) changes none of it: of two issues ending on one day, the published one's end is where the
    // next window starts, as late arrivals are placed there (mutation audit 16: taking the imported one survived).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SinceLast_AfterDraftTimeZoneChanged_StartsWhereThePublishedIssueEnded(bool importedEndingTheSameDay)
    {
        await PollAsync(W53Monday, W53Thursday);
        Assert.Equal(0, (await Cli("publish", "--week", "2026-W53")).ExitCode);   // in Shanghai on 2027-01-04
        if (importedEndingTheSameDay)
        {
            var sent = Folder.File("2027-01-03.md");
            File.WriteAllText(sent, "# 嵌入式AI简报 (2027-01-03)\n\n## 博文\n- [别处发出的一期](https://example.org/sent-elsewhere)\n摘要：端侧推理。\n");
            var import = await Cli("import-issue", sent);
            Assert.True(import.ExitCode == 0, import.Error);
        }
        TempDirectory.EditSettings(Config, json => json["Draft"]!["TimeZone"] = "Europe/Berlin");
        Clock.SetUtcNow(new DateTimeOffset(2027, 1, 6, 10, 0, 0, TimeSpan.Zero));
        // Sunday 20:00 UTC: 21:00 in Berlin, Monday 04:00 in Shanghai: after the published window.
        (string Title, DateTimeOffset At) evening = ("周日晚上的边缘推理框架", new(2027, 1, 3, 20, 0, 0, TimeSpan.Zero));
        // Dated inside the published window, first seen after it was published.
        (string Title, DateTimeOffset At) late = ("迟到的NPU基准测试", new(2027, 1, 2, 12, 0, 0, TimeSpan.Zero));
        (string Title, DateTimeOffset At) tuesday = ("周二的端侧模型压缩", new(2027, 1, 5, 12, 0, 0, TimeSpan.Zero));
        await PollAsync(W53Monday, W53Thursday, evening, late, tuesday);

        var export = await Cli("export", "--since-last", "--format", "json");
        var entries = await Cli("entries", "--since-last");
        var published = await Cli("export", "--week", "2026-W53", "--format", "json");

        Assert.Equal(0, export.ExitCode);
        Assert.Equal(new[] { evening.Title, late.Title, tuesday.Title }.Order(StringComparer.Ordinal), Titles(export.Out));
        Assert.Equal("3 entries (2027-01-04 .. 2027-01-06)\n", entries.Error.ReplaceLineEndings("\n"));
        // The published issue's items stay out of the week's draft in the new zone too.
        Assert.DoesNotContain(W53Monday.Title, published.Out);
        Assert.DoesNotContain(W53Thursday.Title, published.Out);
    }

    // The same move, to New York: the issue published in Shanghai covers 2026-12-28 .. 2027-01-03, as it was published and
    // as --since-last (2027-01-04 on) counts from; its window starts 2026-12-27T16:00Z, which is 11:00 on 12-27 in New York,
    // and ends 2027-01-03T16:00Z (where a late arrival is placed), 11:00 on 01-03 there.
    [Fact]
    public async Task AfterDraftTimeZoneChanged_TheExportNoteAndTheLateArrivalLineNameThePublishedIssuesDays()
    {
        await PollAsync(W53Monday, W53Thursday);
        Assert.Equal(0, (await Cli("publish", "--week", "2026-W53")).ExitCode);   // in Shanghai on 2027-01-04
        TempDirectory.EditSettings(Config, json => json["Draft"]!["TimeZone"] = "America/New_York");
        Clock.SetUtcNow(new DateTimeOffset(2027, 1, 6, 10, 0, 0, TimeSpan.Zero));   // 05:00 in New York
        (string Title, DateTimeOffset At) late = ("迟到的NPU基准测试", new(2027, 1, 2, 12, 0, 0, TimeSpan.Zero));
        await PollAsync(W53Monday, W53Thursday, late);

        var export = await Cli("export", "--week", "2026-W53");
        var explained = await Cli("entries", "--since-last", "--explain");
        var review = (await GetAsync("review/2026-W53")).Single();

        Assert.Equal("note: the issue of 2027-01-04 published 2026-12-28 .. 2027-01-03: its items are left out of drafts, which show what is not "
            + "published yet; 'issue 2027-01-04' prints that issue as it went out", export.Error.Trim());
        const string Why = "late arrival: dated 2027-01-02, inside the window of the issue of 2027-01-04 (2026-12-28 .. 2027-01-03), "
            + "but first seen 2027-01-06 05:00, after that issue was published; moved into the next window, from 2027-01-04";
        Assert.Contains(Why, explained.Out);
        Assert.Contains($"<div class=\"late-why\">{Why}</div>", review.Body);
    }
}
