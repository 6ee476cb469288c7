using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using static EmbeddedAiReport.Tests.Support.EntrySeeder;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>The pages a later poll still reads (<see cref="PageStore.UnreadAsync"/>) and the window reads' gone flag, on both providers.</summary>
public abstract class PageStoreTests(StorageProvider provider) : IDisposable
{
    public sealed class OnSqlite() : PageStoreTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : PageStoreTests(StorageProvider.Postgres);

    private readonly TestServices _services = new(provider: provider);

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task UnreadAsync_ListsTheSourcesRecentEntriesWhosePageWasNeverReadNewestFirst()
    {
        // README (enrichLimit): the source's stored articles of the last 28 days whose page was never read (none read yet,
        // an anti-bot page met, or its host failing, listed with its failures and when to ask it again), newest first; a
        // page read under the long link an entry's page revealed counts as read, one whose host failed there does not and
        // is listed with that row, so that the page waits for its retry time as it would under the entry's own key.
        // One the editor shortlisted is open to the draft too (and stays in it): its page is read as a candidate's.
        var now = _services.Clock.GetUtcNow();
        var link = new EntryLink("github", "gh:jwfromm/riptide", "https://github.com/jwfromm/riptide");
        var aliased = Entry("wx:short", "短链", "news", now - TimeSpan.FromDays(6));
        var aliasFailing = Entry("wx:short-failing", "短链主机故障", "news", now - TimeSpan.FromDays(6.5));
        await SeedAsync(_services, "wx",
            Entry("wx:unread", "未读", "news", now - TimeSpan.FromDays(1), links: [link]),
            Entry("wx:read", "已读", "news", now - TimeSpan.FromDays(2)),
            Entry("wx:blocked", "遇到环境异常", "news", now - TimeSpan.FromDays(3)),
            Entry("wx:gone", "已删除", "news", now - TimeSpan.FromDays(4)),
            Entry("wx:unreadable", "读不懂", "news", now - TimeSpan.FromDays(5)),
            aliased with { Candidate = aliased.Candidate with { AliasKeys = ["wx:long"] } },
            aliasFailing with { Candidate = aliasFailing.Candidate with { AliasKeys = ["wx:long-failing"] } },
            Entry("wx:rejected", "编辑拒绝", "news", now - TimeSpan.FromDays(7)),
            Entry("wx:shortlisted", "编辑入选", "news", now - TimeSpan.FromDays(8)),
            Entry("wx:failing", "主机故障", "news", now - TimeSpan.FromDays(9)),
            Entry("wx:last-month", "上个月", "news", now - TimeSpan.FromDays(29)));
        await SeedAsync(_services, "other", Entry("wx:elsewhere", "别的来源", "news", now - TimeSpan.FromDays(1)));
        var stored = await _services.Get<EntryStore>().QueryAsync(new EntryQuery { Limit = 0 }, CancellationToken.None);
        await _services.Get<EntryStore>().SetStatusAsync([stored.Single(e => e.Entry.CanonicalKey == "wx:rejected").Entry.Id], "rejected", CancellationToken.None);
        await _services.Get<EntryStore>().SetStatusAsync([stored.Single(e => e.Entry.CanonicalKey == "wx:shortlisted").Entry.Id], "shortlisted", CancellationToken.None);
        var pages = _services.Get<PageStore>();
        foreach (var (key, outcome) in new[] { ("wx:read", PageOutcome.Read), ("wx:blocked", PageOutcome.Blocked), ("wx:gone", PageOutcome.Gone),
                     ("wx:unreadable", PageOutcome.Unreadable), ("wx:long", PageOutcome.Read) })
            await pages.SaveAsync(new StoredPage(key, "wx", now, outcome, null, null), CancellationToken.None);
        var failing = new StoredPage("wx:failing", "wx", now, PageOutcome.Failing, "HTTP 503 Service Unavailable", null, 3, now + TimeSpan.FromMinutes(20));
        await pages.SaveAsync(failing, CancellationToken.None);
        await pages.SaveAsync(failing with { EntryKey = "wx:long-failing" }, CancellationToken.None);

        var unread = await pages.UnreadAsync("wx", now - PageEnricher.BacklogAge, CancellationToken.None);

        Assert.Equal(["wx:unread", "wx:blocked", "wx:short-failing", "wx:shortlisted", "wx:failing"], unread.Select(e => e.Entry.CanonicalKey));
        Assert.Equal(("未读", "https://example.com/wx/unread", now - TimeSpan.FromDays(1)), (unread[0].Entry.Title, unread[0].Entry.Url, unread[0].Entry.Published!.Value));
        Assert.Equal([null, PageOutcome.Blocked, PageOutcome.Failing, null], unread.Take(4).Select(e => e.Page?.Outcome));
        Assert.Equal(failing with { EntryKey = "wx:long-failing" }, unread[2].Page);
        Assert.Equal(failing, unread[4].Page);
        Assert.Equal(failing, (await pages.GetAsync(["wx:failing"], CancellationToken.None))["wx:failing"]);
        Assert.Equal(failing with { EntryKey = "wx:long-failing" }, (await pages.GetAsync(["wx:short-failing"], CancellationToken.None))["wx:short-failing"]);
        Assert.False((await pages.GetAsync(["wx:short"], CancellationToken.None)).ContainsKey("wx:short"));   // a read page elsewhere: as before
        Assert.Equal([link], await pages.LinksAsync("wx:unread", CancellationToken.None));
        var window = await _services.Get<EntryStore>().ListWindowAsync(now - TimeSpan.FromDays(10), now, CancellationToken.None);
        Assert.Equal(["wx:gone"], window.Where(e => e.IsPageGone).Select(e => e.CanonicalKey));
        var review = await _services.Get<EditorStore>().ListWindowAsync(now - TimeSpan.FromDays(10), now, CancellationToken.None);
        Assert.Equal(["wx:gone"], review.Where(e => e.Entry.IsPageGone).Select(e => e.Entry.CanonicalKey));
    }
}
