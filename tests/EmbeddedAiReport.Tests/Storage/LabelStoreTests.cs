using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using static EmbeddedAiReport.Tests.Support.EntrySeeder;

namespace EmbeddedAiReport.Tests.Storage;

public abstract class LabelStoreTests(StorageProvider provider) : IDisposable
{
    public sealed class OnSqlite() : LabelStoreTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : LabelStoreTests(StorageProvider.Postgres);

    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateTimeOffset Monday = new(2020, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private readonly TestServices _services = new(provider: provider);

    public void Dispose() => _services.Dispose();

    // Mutation audit 19: the editor's section, and one example however the editor marked the item since.
    [Fact]
    public async Task ReadAsync_AnItemPublishedInAnotherSectionAndAlsoShortlisted_IsOneExampleOfTheIssueInTheEditorsSection()
    {
        // The editor published the post under blogs (the router learns the editor's sections) before a source stored it;
        // stored later, in news, it was shortlisted as well: the issue's item is the example, the mark adds none.
        await _services.Get<IssueStore>().RecordAsync(new DateOnly(2020, 11, 29), "issue", "published",
            [new PublishedItem("url:example.com/picked", "blogs", "Picked post", "https://example.com/picked")], CancellationToken.None);
        await SeedAsync(_services, "s",
            Entry("url:example.com/picked", "Picked post", "news", Monday),
            Entry("url:example.com/unpicked", "Unpicked post", "news", Monday.AddDays(1)));
        var ids = (await _services.Get<EntryStore>().QueryAsync(new EntryQuery(), CancellationToken.None)).ToDictionary(r => r.Entry.CanonicalKey, r => r.Entry.Id);
        await _services.Get<EntryStore>().SetStatusAsync([ids["url:example.com/picked"]], "shortlisted", CancellationToken.None);

        var labels = new List<LabelStore.Label>();
        await _services.Get<LabelStore>().ReadAsync(Shanghai, labels.Add, CancellationToken.None);

        Assert.Equal(
        [
            ("url:example.com/picked", true, "2020-11-29", "blogs"),
            ("url:example.com/unpicked", false, "2020-11-29", null),
        ], labels.Select(l => (l.Entry.CanonicalKey, l.Relevant, l.Group, l.Section)));
    }

    // An item a source stores after its issue was recorded stays a candidate (recording marked none): the editor picked
    // it, so it is the issue's example and no unpicked one of its window (mutation audit 21's K09: the batches by id
    // dropped the picked check and it was both).
    [Fact]
    public async Task ReadAsync_AnItemStoredAfterItsIssueWasRecorded_IsOnlyThePickedExample()
    {
        await PublishPickedPostAsync();
        await SeedAsync(_services, "s",
            Entry("url:example.com/picked", "Picked post", "news", Monday),
            Entry("url:example.com/unpicked", "Unpicked post", "news", Monday.AddDays(1)));

        var labels = await LabelsAsync();

        Assert.Equal("candidate", labels.Single(l => l.Entry.CanonicalKey == "url:example.com/picked").Entry.Status);
        Assert.Equal(
        [
            ("url:example.com/picked", true, "2020-11-29"),
            ("url:example.com/unpicked", false, "2020-11-29"),
        ], labels.Select(l => (l.Entry.CanonicalKey, l.Relevant, l.Group)));
    }

    [Fact]
    public async Task ReadAsync_IssuesMarksAndWindows_BecomeLabels()
    {
        var paper = new EntryLink("arxiv", "arxiv:2011.12289", "https://arxiv.org/abs/2011.12289");
        await SeedAsync(_services, "s",
            Entry("url:example.com/picked", "Picked post", "news", Monday, summary: "摘要"),
            Entry("url:example.com/unpicked", "Unpicked post", "news", Monday.AddDays(1)),
            Entry("arxiv:2011.12289", "A paper", "papers", Monday.AddDays(2)),
            Entry("url:example.com/writeup", "A write-up of the paper", "blogs", Monday.AddDays(2), links: [paper]),
            Entry("url:example.com/too-early", "Before the window", "news", Monday.AddDays(-20)),
            Entry("url:example.com/shortlisted", "Shortlisted later", "news", Monday.AddDays(10)),
            Entry("url:example.com/rejected", "Rejected later", "news", Monday.AddDays(10)));
        await _services.Get<StoryAssigner>().AssignPendingAsync(CancellationToken.None);
        var ids = (await _services.Get<EntryStore>().QueryAsync(new EntryQuery(), CancellationToken.None)).ToDictionary(r => r.Entry.CanonicalKey, r => r.Entry.Id);
        await _services.Get<EntryStore>().SetStatusAsync([ids["url:example.com/shortlisted"]], "shortlisted", CancellationToken.None);
        await _services.Get<EntryStore>().SetStatusAsync([ids["url:example.com/rejected"]], "rejected", CancellationToken.None);
        // The issue of Sunday 2020-11-29: the picked post, the paper, and an item no source stored.
        await _services.Get<IssueStore>().RecordAsync(new DateOnly(2020, 11, 29), "issue", "published",
        [
            new PublishedItem("url:example.com/picked", "news", "Picked post", "https://example.com/picked"),
            new PublishedItem("arxiv:2011.12289", "papers", "A paper", "https://arxiv.org/abs/2011.12289"),
            new PublishedItem("url:example.org/never-polled", "blogs", "Never polled", "https://example.org/never-polled", "只在期刊里", "某账号"),
        ], CancellationToken.None);

        var labels = (await LabelsAsync())
            .ToDictionary(l => l.Entry.CanonicalKey, l => (l.Relevant, l.Group, l.Section));

        Assert.Equal((true, "2020-11-29", "news"), labels["url:example.com/picked"]);
        Assert.Equal((true, "2020-11-29", "papers"), labels["arxiv:2011.12289"]);
        Assert.Equal((true, "2020-11-29", "blogs"), labels["url:example.org/never-polled"]);
        Assert.Equal((false, "2020-11-29", (string?)null), labels["url:example.com/unpicked"]);
        Assert.Equal((true, "marks", "news"), labels["url:example.com/shortlisted"]);
        Assert.Equal((false, "marks", "news"), labels["url:example.com/rejected"]);
        // Not negatives: the write-up is in the picked paper's story, and the early post is outside the issue's window.
        Assert.False(labels.ContainsKey("url:example.com/writeup"));
        Assert.False(labels.ContainsKey("url:example.com/too-early"));
        Assert.Equal(6, labels.Count);
    }

    [Fact]
    public async Task ReadAsync_AWeekPublishedLate_TheDaysAfterItsEndAreNotItsRefusals()
    {
        // Week 2020-W48 (11-23 .. 11-29) published on Friday 12-04: the issue covers the week; 11-30 .. 12-04 start the
        // next window, so what they hold is the current draft's, not something the editor left out of this issue.
        await SeedAsync(_services, "s",
            Entry("url:example.com/picked", "Picked post", "news", Monday),
            Entry("url:example.com/unpicked", "Unpicked post", "news", Monday.AddDays(2)),
            Entry("url:example.com/this-week", "A post of the next week", "news", Monday.AddDays(8)),
            Entry("url:example.com/friday", "Posted the day it was published", "news", Monday.AddDays(11)));
        await _services.Get<IssueStore>().RecordAsync(new DateOnly(2020, 12, 4), "issue", "published",
            [new PublishedItem("url:example.com/picked", "news", "Picked post", "https://example.com/picked")], CancellationToken.None,
            lastDay: new DateOnly(2020, 11, 29));

        var labels = (await LabelsAsync())
            .ToDictionary(l => l.Entry.CanonicalKey, l => (l.Relevant, l.Group));

        Assert.Equal(new Dictionary<string, (bool, string)>
        {
            ["url:example.com/picked"] = (true, "2020-12-04"),
            ["url:example.com/unpicked"] = (false, "2020-12-04"),
        }, labels);
    }

    [Fact]
    public async Task ReadAsync_FirstIssue_ItsRefusalsAreTheSevenDaysOfItsIsoWeek()
    {
        // The issue of Sunday 2020-11-29 covers ISO week 2020-W48 (an editorial week, design.md): Monday 11-23 00:00 ..
        // Sunday 11-29 24:00 in Shanghai. What was posted in the minute before or after that week is another week's.
        var shanghai = TimeSpan.FromHours(8);
        await SeedAsync(_services, "s",
            Entry("url:example.com/picked", "Picked post", "news", Monday),
            Entry("url:example.com/w47-last-minute", "Sunday of the week before", "news", new DateTimeOffset(2020, 11, 22, 23, 59, 0, shanghai)),
            Entry("url:example.com/w48-first-minute", "Monday midnight", "news", new DateTimeOffset(2020, 11, 23, 0, 0, 0, shanghai)),
            Entry("url:example.com/w48-last-minute", "Sunday night", "news", new DateTimeOffset(2020, 11, 29, 23, 59, 0, shanghai)),
            Entry("url:example.com/w49-midnight", "Monday midnight of the next week", "news", new DateTimeOffset(2020, 11, 30, 0, 0, 0, shanghai)));
        var labels = await PublishPickedPostAndReadLabelsAsync();

        Assert.Equal(new Dictionary<string, (bool, string)>
        {
            ["url:example.com/picked"] = (true, "2020-11-29"),
            ["url:example.com/w48-first-minute"] = (false, "2020-11-29"),
            ["url:example.com/w48-last-minute"] = (false, "2020-11-29"),
        }, labels);
    }

    // A window's candidates are read in keyset batches of 250 along their dates: entries sharing one instant across a
    // batch's end, and entries stored in another order than their dates, are each a label once, in date order, and
    // nothing outside the window is: 600 on Monday at one instant, 300 an hour later stored before them, 50 the week before.
    [Fact]
    public async Task ReadAsync_AWindowOfManyBatches_EachCandidateIsOneLabelInDateOrder()
    {
        await SeedAsync(_services, "s", [
            Entry("url:example.com/picked", "Picked post", "news", Monday),
            .. Enumerable.Range(0, 300).Select(i => Entry($"url:example.com/later/{i}", $"later {i}", "news", Monday.AddHours(1))),
            .. Enumerable.Range(0, 50).Select(i => Entry($"url:example.com/before/{i}", $"before {i}", "news", Monday.AddDays(-7))),
            .. Enumerable.Range(0, 600).Select(i => Entry($"url:example.com/monday/{i}", $"monday {i}", "news", Monday))]);

        var labels = await PublishPickedPostAndReadLabelsAsync();
        var order = (await LabelsAsync()).Where(l => !l.Relevant).Select(l => l.Entry.Title.Split(' ')[0]).ToList();

        Assert.Equal(901, labels.Count);
        Assert.Equal((true, "2020-11-29"), labels["url:example.com/picked"]);
        Assert.Equal(900, labels.Values.Count(l => l == (false, "2020-11-29")));
        Assert.DoesNotContain(labels.Keys, k => k.StartsWith("url:example.com/before/", StringComparison.Ordinal));
        Assert.Equal([.. Enumerable.Repeat("monday", 600), .. Enumerable.Repeat("later", 300)], order);
    }

    // A poll can date an entry again while the labels are read (its window_time moves within the window): which entries
    // a window offered is read once, so each is still one label. Along a keyset of (window_time, id) batches, one already
    // handed on and dated later is read again after the cursor, and one not yet read and dated earlier falls behind it.
    // 300 on Monday, 300 an hour later: after the first batch, "monday 1" moves two hours later, "later 299" an hour earlier.
    [Fact]
    public async Task ReadAsync_EntriesRedatedBetweenBatches_AreEachOneLabel()
    {
        await SeedAsync(_services, "s", [
            Entry("url:example.com/picked", "Picked post", "news", Monday),
            .. Enumerable.Range(0, 300).Select(i => Entry($"url:example.com/monday/{i}", $"monday {i}", "news", Monday)),
            .. Enumerable.Range(0, 300).Select(i => Entry($"url:example.com/later/{i}", $"later {i}", "news", Monday.AddHours(1)))]);
        await PublishPickedPostAsync();
        using var probe = DatabaseProbe.Open(_services.Database, readOnly: false);
        var keys = new List<string>();

        await _services.Get<LabelStore>().ReadAsync(Shanghai, label =>
        {
            keys.Add(label.Entry.CanonicalKey);
            if (label.Entry.Title != "monday 0") return;
            DatabaseProbe.Query(probe, $"UPDATE entries SET window_time = '{SqliteTime.Write(Monday.AddHours(2))}' WHERE canonical_key = 'url:example.com/monday/1'", _ => 0);
            DatabaseProbe.Query(probe, $"UPDATE entries SET window_time = '{SqliteTime.Write(Monday.AddHours(-1))}' WHERE canonical_key = 'url:example.com/later/299'", _ => 0);
        }, CancellationToken.None);

        Assert.Equal(601, keys.Count);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Contains("url:example.com/monday/1", keys);
        Assert.Contains("url:example.com/later/299", keys);
    }

    // An entry the editor shortlists while the labels are read, after the first read took it for a candidate: read by id as
    // it is then, it was an unpicked example of its window, the opposite of the editor's word; it is left out this time.
    [Fact]
    public async Task ReadAsync_AnEntryShortlistedBetweenBatches_IsNoUnpickedLabel()
    {
        await SeedAsync(_services, "s", [
            Entry("url:example.com/picked", "Picked post", "news", Monday),
            .. Enumerable.Range(0, 300).Select(i => Entry($"url:example.com/monday/{i}", $"monday {i}", "news", Monday))]);
        await PublishPickedPostAsync();
        using var probe = DatabaseProbe.Open(_services.Database, readOnly: false);
        var unpicked = new List<string>();

        await _services.Get<LabelStore>().ReadAsync(Shanghai, label =>
        {
            if (!label.Relevant) unpicked.Add(label.Entry.CanonicalKey);
            if (label.Entry.Title == "monday 0")
                DatabaseProbe.Query(probe, "UPDATE entries SET status = 'shortlisted' WHERE canonical_key = 'url:example.com/monday/299'", _ => 0);
        }, CancellationToken.None);

        Assert.Equal(299, unpicked.Count);
        Assert.DoesNotContain("url:example.com/monday/299", unpicked);
    }

    // Featurizing a big installation's labels takes seconds: no read stays open while they are handed on, so a checkpoint
    // (SQLite) can take back the whole log, and no connection sits idle in a transaction (PostgreSQL). 600 candidates
    // make three batches of the one window.
    [Fact]
    public async Task ReadAsync_WhileLabelsAreHandedOn_NoReadTransactionIsOpen()
    {
        await SeedAsync(_services, "s", [
            Entry("url:example.com/picked", "Picked post", "news", Monday),
            .. Enumerable.Range(0, 600).Select(i => Entry($"url:example.com/monday/{i}", $"monday {i}", "news", Monday))]);
        await PublishPickedPostAsync();
        using var probe = DatabaseProbe.Open(_services.Database, readOnly: false);
        // A checkpoint a read blocks answers at once (busy), not after the probe's 30 s wait.
        if (provider == StorageProvider.Sqlite) DatabaseProbe.Scalar(probe, "PRAGMA busy_timeout=0");
        var open = new List<string>();

        await _services.Get<LabelStore>().ReadAsync(Shanghai, label =>
        {
            if (label.Entry.Title is not ("Picked post" or "monday 0" or "monday 300" or "monday 599")) return;
            if (OpenReads(probe) > 0) open.Add(label.Entry.Title);
        }, CancellationToken.None);

        Assert.Empty(open);
    }

    // How many reads other than the probe's hold the database: on SQLite, 1 when a checkpoint cannot take back the log
    // after a write (a read's snapshot pins it); on PostgreSQL, the connections idle in a transaction.
    private long OpenReads(System.Data.Common.DbConnection probe) => provider == StorageProvider.Sqlite
        ? DatabaseProbe.Query(probe, "UPDATE entries SET score = score + 0 WHERE id = (SELECT min(id) FROM entries); PRAGMA wal_checkpoint(TRUNCATE)", r => r.GetInt64(0)).Single()
        : DatabaseProbe.Scalar(probe, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'");

    private async Task<List<LabelStore.Label>> LabelsAsync()
    {
        var labels = new List<LabelStore.Label>();
        await _services.Get<LabelStore>().ReadAsync(Shanghai, labels.Add, CancellationToken.None);
        return labels;
    }

    // The issue of Sunday 2020-11-29 (2020-W48) published with the one post "picked"; the labels then read, by entry key.
    private async Task<Dictionary<string, (bool, string)>> PublishPickedPostAndReadLabelsAsync()
    {
        await PublishPickedPostAsync();
        return (await LabelsAsync()).ToDictionary(l => l.Entry.CanonicalKey, l => (l.Relevant, l.Group));
    }

    // The issue of 2020-11-29 (the week of Monday) with one item, the picked post, in news.
    private Task PublishPickedPostAsync() =>
        _services.Get<IssueStore>().RecordAsync(new DateOnly(2020, 11, 29), "issue", "published",
            [new PublishedItem("url:example.com/picked", "news", "Picked post", "https://example.com/picked")], CancellationToken.None);

    [Fact]
    public async Task ReadAsync_GoneArticleAndWithdrawnPaper_AreNotRefusalsOfTheIssue()
    {
        // The draft leaves out an article whose page was found gone after it was stored and a withdrawn arXiv paper (README,
        // enrichLimit; the arxiv-rss kind): the editor never saw them offered, so leaving them out of the issue was no decision.
        await SeedAsync(_services, "s",
            Entry("url:example.com/picked", "Picked post", "news", Monday),
            Entry("wx:gone", "已删除的文章", "news", Monday.AddDays(1)),
            Entry("arxiv:2402.14655", "A withdrawn paper", "papers", Monday.AddDays(2),
                summary: "arXiv:2402.14655v2 Announce Type: replace Abstract: This paper has been withdrawn by the authors due to an error in the SRAM measurements of Section 4."),
            Entry("url:example.com/unpicked", "Unpicked post", "news", Monday.AddDays(3)));
        await _services.Get<PageStore>().SaveAsync(new StoredPage("wx:gone", "s", Monday.AddDays(5), PageOutcome.Gone, "该内容已被发布者删除", null),
            CancellationToken.None);
        var labels = await PublishPickedPostAndReadLabelsAsync();

        Assert.Equal(new Dictionary<string, (bool, string)>
        {
            ["url:example.com/picked"] = (true, "2020-11-29"),
            ["url:example.com/unpicked"] = (false, "2020-11-29"),
        }, labels);
    }

    [Fact]
    public async Task ReadAsync_ShortlistedPaper_ItsWriteUpIsNotARefusalOfTheIssue()
    {
        // Shortlisted entries are relevant, and an entry in the same story as a picked one is not a negative (LabelStore):
        // the editor picked the story, so the post about the shortlisted paper was not refused.
        var paper = new EntryLink("arxiv", "arxiv:2011.12289", "https://arxiv.org/abs/2011.12289");
        await SeedAsync(_services, "s",
            Entry("url:example.com/picked", "Picked post", "news", Monday),
            Entry("arxiv:2011.12289", "A paper", "papers", Monday.AddDays(1)),
            Entry("url:example.com/writeup", "A write-up of the paper", "blogs", Monday.AddDays(2), links: [paper]),
            Entry("url:example.com/unpicked", "Unpicked post", "news", Monday.AddDays(3)));
        await _services.Get<StoryAssigner>().AssignPendingAsync(CancellationToken.None);
        var ids = (await _services.Get<EntryStore>().QueryAsync(new EntryQuery(), CancellationToken.None)).ToDictionary(r => r.Entry.CanonicalKey, r => r.Entry.Id);
        await _services.Get<EntryStore>().SetStatusAsync([ids["arxiv:2011.12289"]], "shortlisted", CancellationToken.None);
        var labels = await PublishPickedPostAndReadLabelsAsync();

        Assert.Equal(new Dictionary<string, (bool, string)>
        {
            ["url:example.com/picked"] = (true, "2020-11-29"),
            ["arxiv:2011.12289"] = (true, "marks"),
            ["url:example.com/unpicked"] = (false, "2020-11-29"),
        }, labels);
    }

    [Fact]
    public async Task RescoreAsync_EveryEntry_GetsTheNewScoreAndChangesAreCounted()
    {
        await SeedAsync(_services, "s", Enumerable.Range(0, 2500)
            .Select(i => Entry($"url:example.com/{i}", $"post {i}", "news", Monday, score: i % 2 == 0 ? 0.5 : 0.1)).ToArray());

        var (_, changed, _) = await _services.Get<LabelStore>().RescoreAsync(e => (0.5, []), CancellationToken.None);

        Assert.Equal(1250, changed);
        var scores = (await _services.Get<EntryStore>().QueryAsync(new EntryQuery { Limit = 5000 }, CancellationToken.None)).Select(r => r.Entry.Score);
        Assert.All(scores, s => Assert.Equal(0.5, s));
    }

    // The model reads an entry's paper and code links (RankingFeatures), so each entry is scored with its own links, in
    // every batch of 250, and in kind-then-target order: 600 entries, every third with a paper and a repository, one a week
    // earlier with none.
    [Fact]
    public async Task RescoreAsync_ManyBatches_EachEntryIsScoredWithItsOwnLinks()
    {
        var linked = Enumerable.Range(0, 600).Select(i => Entry($"url:example.com/{i}", $"post {i}", "news", Monday, links: i % 3 == 0
            ? [new EntryLink("github", $"github:o/r{i}", $"https://github.com/o/r{i}"), new EntryLink("arxiv", $"arxiv:2011.{10000 + i}", $"https://arxiv.org/abs/2011.{10000 + i}")]
            : [])).ToArray();
        await SeedAsync(_services, "s", [Entry("url:example.com/earlier", "earlier", "news", Monday.AddDays(-7)), .. linked]);
        var seen = new Dictionary<string, string>();

        var rescored = await _services.Get<LabelStore>().RescoreAsync(e =>
        {
            seen[e.Title] = string.Join(" ", e.Links.Select(l => l.Target));
            return (0.5, []);
        }, CancellationToken.None);

        Assert.Equal(601, rescored.Entries);
        Assert.Equal("", seen["earlier"]);
        Assert.Equal("arxiv:2011.10000 github:o/r0", seen["post 0"]);
        Assert.Equal("", seen["post 1"]);
        Assert.Equal("arxiv:2011.10300 github:o/r300", seen["post 300"]);
        Assert.Equal("arxiv:2011.10597 github:o/r597", seen["post 597"]);
        Assert.Equal(200, seen.Values.Count(v => v.Length > 0));
    }

    // A window is read along its dates in batches of 250: entries sharing one date across a batch's end, and entries stored
    // in another order than their dates, are each scored once, and nothing outside the window is: 600 on Monday at one
    // instant, 300 an hour later stored before them, 50 the day before.
    [Fact]
    public async Task RescoreAsync_AWindowOfManyBatches_ScoresEachOfItsEntriesOnce()
    {
        await SeedAsync(_services, "s", [
            .. Enumerable.Range(0, 300).Select(i => Entry($"url:example.com/later/{i}", $"later {i}", "news", Monday.AddHours(1))),
            .. Enumerable.Range(0, 50).Select(i => Entry($"url:example.com/before/{i}", $"before {i}", "news", Monday.AddDays(-1))),
            .. Enumerable.Range(0, 600).Select(i => Entry($"url:example.com/monday/{i}", $"monday {i}", "news", Monday))]);
        var seen = new Dictionary<string, int>();

        var rescored = await _services.Get<LabelStore>().RescoreAsync(e =>
        {
            seen[e.Title] = seen.GetValueOrDefault(e.Title) + 1;
            return (0.5, []);
        }, CancellationToken.None, new LabelStore.RescoreScope(Monday));

        Assert.Equal(900, rescored.Entries);
        Assert.Equal(900, seen.Count);
        Assert.All(seen, p => Assert.Equal(1, p.Value));
        Assert.DoesNotContain(seen.Keys, t => t.StartsWith("before", StringComparison.Ordinal));
    }

    // A poll can date an entry again while a window is rescored (its window_time moves within the window): which entries the
    // scope has is read once, so each is scored once. Along a keyset of (window_time, id) batches, one already scored and
    // dated later is read again after the cursor, and one not yet read and dated earlier falls behind it. 300 on Monday,
    // 300 an hour later, the scope from the day before: while the first batch writes, a trigger (the poll, committed with
    // that batch, before the next reads) moves "monday 1" two hours later and "later 299" to an hour before Monday; and
    // "later 298" out of the scope, two days before Monday: its batch leaves it out (mutation audit 21's Q01).
    [Fact]
    public async Task RescoreAsync_EntriesRedatedBetweenBatches_AreEachScoredOnce()
    {
        await SeedAsync(_services, "s", [
            .. Enumerable.Range(0, 300).Select(i => Entry($"url:example.com/monday/{i}", $"monday {i}", "news", Monday)),
            .. Enumerable.Range(0, 300).Select(i => Entry($"url:example.com/later/{i}", $"later {i}", "news", Monday.AddHours(1)))]);
        var redate = $"""
            UPDATE entries SET window_time = '{SqliteTime.Write(Monday.AddHours(2))}' WHERE canonical_key = 'url:example.com/monday/1';
            UPDATE entries SET window_time = '{SqliteTime.Write(Monday.AddHours(-1))}' WHERE canonical_key = 'url:example.com/later/299';
            UPDATE entries SET window_time = '{SqliteTime.Write(Monday.AddDays(-2))}' WHERE canonical_key = 'url:example.com/later/298';
            """;
        using (var probe = DatabaseProbe.Open(_services.Database, readOnly: false))
            DatabaseProbe.Query(probe, provider == StorageProvider.Sqlite
                ? $"CREATE TRIGGER redate AFTER UPDATE OF score ON entries WHEN NEW.canonical_key = 'url:example.com/monday/0' BEGIN {redate} END"
                : $"""
                  CREATE FUNCTION redate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {redate} RETURN NULL; END $$;
                  CREATE TRIGGER redate AFTER UPDATE OF score ON entries FOR EACH ROW WHEN (NEW.canonical_key = 'url:example.com/monday/0') EXECUTE FUNCTION redate();
                  """, _ => 0);
        var seen = new Dictionary<string, int>();

        var rescored = await _services.Get<LabelStore>().RescoreAsync(e =>
        {
            seen[e.Title] = seen.GetValueOrDefault(e.Title) + 1;
            return (0.5, []);
        }, CancellationToken.None, new LabelStore.RescoreScope(Monday.AddDays(-1)));

        Assert.Equal(599, rescored.Entries);
        Assert.Equal(599, seen.Count);
        Assert.All(seen, p => Assert.Equal(1, p.Value));
        Assert.Equal(1, seen["monday 1"]);
        Assert.Equal(1, seen["later 299"]);
        Assert.False(seen.ContainsKey("later 298"));
    }

    // The daemon rescores after a reload only what the change touches and the next draft shows: a source's entries, from the
    // day after the last issue on; the others keep the score they were stored with.
    [Fact]
    public async Task RescoreAsync_AScope_ScoresOnlyTheEntriesOfItsSourcesFromItsStartOn()
    {
        await SeedAsync(_services, "a",
            Entry("url:example.com/a-before", "a before", "news", Monday.AddDays(-1), score: 0.1),
            Entry("url:example.com/a-on", "a on", "news", Monday, score: 0.1),
            Entry("url:example.com/a-after", "a after", "news", Monday.AddDays(3), score: 0.1));
        await SeedAsync(_services, "b", Entry("url:example.com/b-after", "b after", "news", Monday.AddDays(3), score: 0.1));
        await SeedAsync(_services, "c", Entry("url:example.com/c-after", "c after", "news", Monday.AddDays(3), score: 0.1));

        var rescored = await _services.Get<LabelStore>().RescoreAsync(e => (0.7, [new EntryTag("npu", 1)]), CancellationToken.None,
            new LabelStore.RescoreScope(Monday, Sources: ["a", "c"]));
        var limited = await _services.Get<LabelStore>().RescoreAsync(e => (0.9, []), CancellationToken.None,
            new LabelStore.RescoreScope(Monday.AddDays(-1), Monday.AddDays(1)));
        // The window's end is not in it (mutation audit 16: an entry at it rescored survived).
        var upToMonday = await _services.Get<LabelStore>().RescoreAsync(e => (0.3, []), CancellationToken.None,
            new LabelStore.RescoreScope(Monday.AddDays(-1), Monday));

        Assert.Equal(new LabelStore.Rescored(3, 3, 3), rescored);
        Assert.Equal(new LabelStore.Rescored(2, 2, 1), limited);
        Assert.Equal(new LabelStore.Rescored(1, 1, 0), upToMonday);
        var entries = (await _services.Get<EntryStore>().QueryAsync(new EntryQuery(), CancellationToken.None))
            .ToDictionary(r => r.Entry.Title, r => (r.Entry.Score, string.Join(",", r.Tags.Select(t => t.Tag))));
        Assert.Equal((0.3, ""), entries["a before"]);
        Assert.Equal((0.9, ""), entries["a on"]);
        Assert.Equal((0.7, "npu"), entries["a after"]);
        Assert.Equal((0.1, ""), entries["b after"]);
        Assert.Equal((0.7, "npu"), entries["c after"]);
    }

    // A scope's batch compares each entry's new tags with its own stored ones, however many entries of other sources lie
    // between (mutation audit 16: reading the stored tags of the next ids of any source survived): 300 entries of another
    // source first, then one whose tags stay as they are.
    [Fact]
    public async Task RescoreAsync_AScopeAfterManyOtherEntries_CountsOnlyTagsThatChanged()
    {
        await SeedAsync(_services, "other", Enumerable.Range(0, 300)
            .Select(i => Entry($"url:example.com/other/{i}", $"other {i}", "news", Monday, score: 0.1)).ToArray());
        EntryTag[] npu = [new("npu", 1)];
        await SeedAsync(_services, "a", Entry("url:example.com/a", "a", "news", Monday, score: 0.1) with { Tags = npu });

        var rescored = await _services.Get<LabelStore>().RescoreAsync(e => (0.7, npu), CancellationToken.None,
            new LabelStore.RescoreScope(Sources: ["a"]));

        Assert.Equal(new LabelStore.Rescored(1, 1, 0), rescored);
    }

    // A scope of no sources scores nothing (RescoreScope: only these sources' entries): on PostgreSQL "IN ()" is a syntax
    // error, so it is never asked (mutation audit 19's M42 survived on SQLite, which reads "IN ()" as an empty list).
    [Fact]
    public async Task RescoreAsync_AScopeOfNoSources_ScoresNothing()
    {
        await SeedAsync(_services, "a", Entry("url:example.com/a", "a", "news", Monday, score: 0.1));

        var rescored = await _services.Get<LabelStore>().RescoreAsync(e => (0.7, [new EntryTag("npu", 1)]), CancellationToken.None,
            new LabelStore.RescoreScope(Monday, Sources: []));

        Assert.Equal(new LabelStore.Rescored(0, 0, 0), rescored);
        Assert.Equal(0.1, (await _services.Get<EntryStore>().QueryAsync(new EntryQuery(), CancellationToken.None)).Single().Entry.Score);
    }
}
