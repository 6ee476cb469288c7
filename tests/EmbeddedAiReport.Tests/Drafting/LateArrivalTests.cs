using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources.Arxiv;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Drafting;

/// <summary>
/// Late arrivals: an entry first seen after the latest issue was published, dated inside that issue's window, is placed
/// at the start of the next window (so <c>--since-last</c> and the next draft show it); older dates, entries stored
/// before the publish, imported issues and stories already published move nothing into a draft.
/// </summary>
public abstract class LateArrivalTests(StorageProvider provider) : IDisposable
{
    public sealed class OnSqlite() : LateArrivalTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : LateArrivalTests(StorageProvider.Postgres);

    private static readonly TimeSpan Offset = TimeSpan.FromHours(8);
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateTimeOffset Tuesday = new(2026, 12, 1, 10, 0, 0, Offset);   // 2026-W49 runs Mon 11-30 .. Sun 12-06
    private static readonly DateTimeOffset MondayPost = new(2026, 11, 30, 9, 0, 0, Offset);
    private static readonly DateTimeOffset Thursday = new(2026, 12, 3, 18, 0, 0, Offset);
    // The first instant of the window after the issue published on Tuesday (its window ends that day).
    private static readonly DateTimeOffset NextWindowStart = new(2026, 12, 2, 0, 0, 0, Offset);

    // Polls before the publish run at 09:00, the issue is published at 10:00.
    private readonly TestServices _services = new(now: Tuesday.AddHours(-1), provider: provider);

    public void Dispose() => _services.Dispose();

    private Task<StoreCounts> PollAsync(string source, params EntryWrite[] writes) =>
        _services.Get<IngestWriter>().CommitAsync(
            new FetchRecord(source, "feed", _services.Clock.GetUtcNow(), TimeSpan.Zero, 200, 0, writes.Length, null, new Dictionary<string, HttpValidators>()),
            writes, null, CancellationToken.None);

    private static EntryWrite Post(string slug, string title, DateTimeOffset? published, string? account = null, string? summary = null) =>
        new(new CandidateEntry
        {
            CanonicalKey = $"url:example.org/{slug}", Url = $"https://example.org/{slug}", Title = title, Account = account,
            Summary = summary ?? string.Join(' ', Enumerable.Range(0, 12).Select(w => $"{slug}word{w}")), Published = published,
        }, "feed", "news", 0.9, []);

    private async Task PublishWeek49Async()
    {
        _services.Clock.SetUtcNow(Tuesday);
        var outcome = await _services.Get<IssuePublisher>().PublishAsync(DraftWindow.Of(new EditorialWeek(2026, 49), Shanghai), null, CancellationToken.None);
        Assert.True(outcome.Problem is null, outcome.Problem);
        Assert.Equal((new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 1)), (outcome.Window!.First, outcome.Window.Last));
    }

    private async Task<IReadOnlyList<string>> TitlesAsync(DateOnly first, DateOnly last) =>
        (await _services.Get<DraftExporter>().BuildAsync(DraftWindow.Of(first, last, Shanghai), CancellationToken.None))
        .Sections.SelectMany(s => s.Items).Select(i => i.Title).Order(StringComparer.Ordinal).ToList();

    private Dictionary<string, DateTimeOffset> WindowTimes()
    {
        using var connection = DatabaseProbe.Open(_services.Database);
        return DatabaseProbe.Query(connection, "SELECT title, window_time FROM entries", r => (r.GetString(0), SqliteTime.Read(r.GetString(1))))
            .ToDictionary(r => r.Item1, r => r.Item2);
    }

    // README (History): a published issue's keys "and the papers/repos their items name" never appear in a later draft, so
    // publishing an item about a paper records the paper's key with the item's.
    [Fact]
    public async Task Publish_ItemNamingAPaper_RecordsThePaperWithTheItem()
    {
        var post = Post("monday", "Monday post", MondayPost);
        post = post with { Candidate = post.Candidate with { Links = [new EntryLink("arxiv", "arxiv:2011.12289", "https://arxiv.org/abs/2011.12289")] } };
        await PollAsync("posts", post);

        await PublishWeek49Async();

        using var connection = DatabaseProbe.Open(_services.Database);
        var keys = DatabaseProbe.Query(connection, "SELECT canonical_key FROM issue_items", r => r.GetString(0)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["arxiv:2011.12289", "url:example.org/monday"], keys);
    }

    [Fact]
    public async Task Poll_AfterPublish_EntryDatedInThePublishedWindowMovesToTheNextWindowAndOlderOnesStay()
    {
        await PollAsync("posts", Post("monday", "Monday post", MondayPost));
        await PublishWeek49Async();
        _services.Clock.SetUtcNow(Thursday);

        await PollAsync("lagging", Post("late", "Late Monday post", MondayPost.AddHours(3)), Post("old", "Post of last month", new DateTimeOffset(2026, 11, 2, 9, 0, 0, Offset)),
            Post("thursday", "Thursday post", Thursday.AddHours(-1)));
        // The upsert path (a seeded poll of another source, as an entry with alias keys takes) follows the same rule.
        await EntrySeeder.SeedAsync(_services, "seeded", EntrySeeder.Entry("url:example.org/seeded-late", "Seeded late Tuesday post", "news", Tuesday.AddHours(-3), score: 0.9));

        var times = WindowTimes();
        Assert.Equal(NextWindowStart, times["Late Monday post"]);
        Assert.Equal(NextWindowStart, times["Seeded late Tuesday post"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 9, 0, 0, Offset), times["Post of last month"]);
        Assert.Equal(MondayPost, times["Monday post"]);
        // What export --since-last drafts on Thursday (12-02 .. 12-03): the late arrivals and Thursday's post, not the old one.
        Assert.Equal(["Late Monday post", "Seeded late Tuesday post", "Thursday post"], await TitlesAsync(new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 3)));
        var listed = await _services.Get<EntryStore>().QueryAsync(new EntryQuery { Limit = 10 }, CancellationToken.None);
        Assert.Equal(["Late Monday post", "Seeded late Tuesday post"], listed.Where(e => e.Entry.IsLateArrival).Select(e => e.Entry.Title).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Poll_AfterPublish_EntriesStoredBeforeThePublishKeepTheirWindowWhenTheyChange()
    {
        // Seen on Tuesday before the publish: one dated, left out of the issue (rejected), and one without a date.
        await PollAsync("posts", Post("monday", "Monday post", MondayPost), Post("rejected", "Rejected Monday post", MondayPost));
        await PollAsync("undated", Post("undated", "Undated post", null));
        var rejected = (await _services.Get<EntryStore>().QueryAsync(new EntryQuery { Limit = 10 }, CancellationToken.None)).Single(e => e.Entry.Title == "Rejected Monday post");
        await _services.Get<EntryStore>().SetStatusAsync([rejected.Entry.Id], "rejected", CancellationToken.None);
        await PublishWeek49Async();
        _services.Clock.SetUtcNow(Thursday);

        // Re-polled with new text (updated in place); the undated one now gives a date inside the published window.
        await PollAsync("posts", Post("rejected", "Rejected Monday post", MondayPost, summary: "changed text of the rejected post"));
        await PollAsync("undated", Post("undated", "Undated post", MondayPost, summary: "changed text of the undated post"));

        var times = WindowTimes();
        Assert.Equal(MondayPost, times["Rejected Monday post"]);
        Assert.Equal(MondayPost, times["Undated post"]);
        Assert.Empty(await TitlesAsync(new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 3)));
    }

    [Fact]
    public async Task Poll_AfterPublish_UndatedEntryThatGetsADateInThePublishedWindowStaysInTheNextWindow()
    {
        await PollAsync("posts", Post("monday", "Monday post", MondayPost));
        await PublishWeek49Async();
        _services.Clock.SetUtcNow(Thursday);
        await PollAsync("undated", Post("undated", "Undated post", null));

        _services.Clock.SetUtcNow(Thursday.AddHours(1));
        await PollAsync("undated", Post("undated", "Undated post", MondayPost, summary: "the mirror now gives the post's date"));

        Assert.Equal(NextWindowStart, WindowTimes()["Undated post"]);
        Assert.Equal(["Undated post"], await TitlesAsync(new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 3)));
    }

    // README (arXiv): a replacement of a paper never stored is dated by its id's month, at the latest the first instant of
    // the next month, so that an old paper's new version stays in its own past. For a November paper that is 2026-12-01
    // 00:00 UTC, inside the published week-49 window: still no news the issue missed, so no late arrival either. A new
    // paper announced in that window and seen only now is one.
    [Fact]
    public async Task Poll_AfterPublish_ReplacementDatedByItsIdsMonthInThePublishedWindowIsNoLateArrival()
    {
        await PollAsync("posts", Post("monday", "Monday post", MondayPost));
        await PublishWeek49Async();
        _services.Clock.SetUtcNow(Thursday);

        await PollAsync("arxiv", Paper("2611.04321v2", "November paper, version 2", ArxivAnnouncement.Replace, Thursday.AddHours(-10)),
            Paper("2612.00042v1", "New paper of Tuesday", ArxivAnnouncement.New, Tuesday.AddHours(-2)));

        var times = WindowTimes();
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), times["November paper, version 2"]);
        Assert.Equal(NextWindowStart, times["New paper of Tuesday"]);
        Assert.Equal(["New paper of Tuesday"], await TitlesAsync(new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 3)));
    }

    // README (arXiv): the date is the announcement day "when that is earlier" than the first day after the id's month: a
    // November paper's v2 announced on Monday 2026-11-30 is dated by that real day, not estimated, so seen first after the
    // publish it is a late arrival as any entry dated inside the published window is.
    [Fact]
    public async Task Poll_AfterPublish_ReplacementDatedByItsAnnouncementInThePublishedWindowIsALateArrival()
    {
        await PollAsync("posts", Post("monday", "Monday post", MondayPost));
        await PublishWeek49Async();
        _services.Clock.SetUtcNow(Thursday);

        await PollAsync("arxiv", Paper("2611.04321v2", "November paper, version 2 of Monday", ArxivAnnouncement.Replace, MondayPost));

        Assert.Equal(NextWindowStart, WindowTimes()["November paper, version 2 of Monday"]);
        Assert.Equal(["November paper, version 2 of Monday"], await TitlesAsync(new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 3)));
    }

    private EntryWrite Paper(string id, string title, ArxivAnnouncement announcement, DateTimeOffset announced)
    {
        var source = Assert.Single(_services.Sources("""{"sources": [{"id": "arxiv", "kind": "arxiv-rss", "category": "cs.LG"}]}"""));
        return new(new ArxivPaper(ArxivId.TryParse(id)!.Value, title, $"{title}: " + string.Join(' ', Enumerable.Range(0, 12).Select(w => $"{id}word{w}")),
            null, null, "cs.LG", announcement, announced.ToUniversalTime(), []).ToCandidate(source, Thursday), "arxiv-rss", ArxivPaper.Section, 0.9, []);
    }

    // README (wechat-mirror, enrich): an article page read at a later poll dates its entry by the page's publish time, as a
    // read at the first poll would have: first seen after the publish, an article the page dates inside the published
    // window is a late arrival (it stays in the next window), one it dates before that window leaves the draft.
    [Fact]
    public async Task Poll_AfterPublish_PageReadAtALaterPollDatesTheEntryAsAFirstPollReadWould()
    {
        await PollAsync("posts", Post("monday", "Monday post", MondayPost));
        await PublishWeek49Async();
        _services.Clock.SetUtcNow(Thursday);
        // The mirror dates both articles by the time it fetched them (Thursday); their pages are left for a later poll.
        await PollAsync("wx", Post("late", "Article of Monday", Thursday.AddHours(-1)), Post("old", "Article of last month", Thursday.AddHours(-1)));
        var before = await TitlesAsync(new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 3));

        _services.Clock.SetUtcNow(Thursday.AddHours(1));
        var lastMonth = new DateTimeOffset(2026, 11, 2, 9, 0, 0, Offset);
        await PollAsync("wx", PageRead(Post("late", "Article of Monday", MondayPost.AddHours(2))), PageRead(Post("old", "Article of last month", lastMonth)));

        var times = WindowTimes();
        Assert.Equal(["Article of Monday", "Article of last month"], before);
        Assert.Equal(NextWindowStart, times["Article of Monday"]);
        Assert.Equal(lastMonth, times["Article of last month"]);
        Assert.Equal(["Article of Monday"], await TitlesAsync(new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 3)));

        static EntryWrite PageRead(EntryWrite write) =>
            write with { Candidate = write.Candidate with { Summary = write.Candidate.Summary + " as the article page gives it", PublishedFromPage = true } };
    }

    [Fact]
    public async Task Poll_AfterImportingAnIssue_MovesNothing()
    {
        // An issue published before this tool, imported today: its window is not known, so nothing is moved for it.
        var imported = await _services.Get<IssueHistory>().ImportAsync("""
            # 嵌入式AI简报 (2026-12-01)

            ## 业界新闻
            - [Imported item | 芯东西](https://example.org/imported)
            摘要：已发布。
            """, "2026-12-01.md", CancellationToken.None);
        Assert.Null(imported.Error);
        _services.Clock.SetUtcNow(Thursday);

        await PollAsync("lagging", Post("late", "Late Monday post", MondayPost));

        Assert.Equal(MondayPost, WindowTimes()["Late Monday post"]);
    }

    [Fact]
    public async Task Poll_AfterAFinishedWeekIsPublishedAndImportedAsSent_LateArrivalComesInTheNextWindow()
    {
        // Week 48 published on Tuesday 12-01 covers 11-23 .. 11-29, and 11-30 starts the next window. The editor then imports
        // the issue as sent (touched up by hand): it is the same issue, whose window must stay as published, or 11-30 and
        // the late arrivals placed there fall between it and the next --since-last.
        await PollAsync("posts", Post("w48", "Week 48 post", new DateTimeOffset(2026, 11, 25, 9, 0, 0, Offset)));
        _services.Clock.SetUtcNow(Tuesday);
        var outcome = await _services.Get<IssuePublisher>().PublishAsync(DraftWindow.Of(new EditorialWeek(2026, 48), Shanghai), null, CancellationToken.None);
        Assert.True(outcome.Problem is null, outcome.Problem);
        var imported = await _services.Get<IssueHistory>().ImportAsync("""
            # 嵌入式AI简报 (2026-12-01)

            ## 业界新闻
            - [Week 48 post（修订）](https://example.org/w48)
            摘要：已发布。
            """, "2026-12-01.md", CancellationToken.None);
        Assert.Null(imported.Error);
        _services.Clock.SetUtcNow(Thursday);

        await PollAsync("lagging", Post("late", "Late week 48 post", new DateTimeOffset(2026, 11, 27, 9, 0, 0, Offset)));

        Assert.Equal(new DateOnly(2026, 11, 29), (await _services.Get<IssueStore>().LastCoveredAsync(CancellationToken.None))?.LastDay);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, Offset), WindowTimes()["Late week 48 post"]);
        Assert.Equal(["Late week 48 post"], await TitlesAsync(new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 3)));
    }

    [Fact]
    public async Task Poll_AfterPublish_RetellingOfAPublishedStoryMovesButStaysOutOfTheNextDraft()
    {
        const string Summary = "华为发布新一代 NPU 芯片，端侧推理性能提升三倍，支持 int8 与 int4 量化模型部署。";
        await PollAsync("posts", Post("chip", "华为发布新一代NPU", MondayPost, account: "机器之心", summary: Summary));
        await PublishWeek49Async();
        _services.Clock.SetUtcNow(Thursday);

        // Another mirror back-fills the same story, told by another account; the first mirror sends its post again.
        await PollAsync("mirror", Post("chip-retold", "华为发布新一代NPU", MondayPost.AddHours(1), account: "量子位", summary: Summary));
        await PollAsync("posts", Post("chip", "华为发布新一代NPU", MondayPost, account: "机器之心", summary: Summary));

        using (var connection = DatabaseProbe.Open(_services.Database))
        {
            var stories = DatabaseProbe.Query(connection, "SELECT story_id FROM entries", r => r.GetInt64(0));
            Assert.Equal(2, stories.Count);
            Assert.Single(stories.Distinct());
            Assert.Equal(1L, DatabaseProbe.Scalar(connection, "SELECT count(*) FROM entries WHERE status = 'published'"));
        }
        Assert.Empty(await TitlesAsync(new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 3)));
    }
}
