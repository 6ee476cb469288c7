using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Storage;

public abstract class SourceStoreTests(StorageProvider provider) : IDisposable
{
    public sealed class OnSqlite() : SourceStoreTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : SourceStoreTests(StorageProvider.Postgres);

    private readonly TestServices _services = new(provider: provider);

    public void Dispose() => _services.Dispose();

    private static EntryWrite Write(string key, string title, string source = "s", int? version = null) =>
        new(new CandidateEntry { CanonicalKey = key, Url = "https://example.com/" + key, Title = title, Version = version }, "feed", "blogs", 0, []);

    private Task<StoreCounts> CommitAsync(string source, params EntryWrite[] entries) =>
        _services.Get<SourceStore>().CommitFetchAsync(
            new FetchRecord(source, "feed", _services.Clock.GetUtcNow(), TimeSpan.Zero, 200, 0, entries.Length, null, new Dictionary<string, HttpValidators>()),
            entries, CancellationToken.None);

    private static EntryWrite WriteWithAlias(string key, string alias, string title) =>
        new(new CandidateEntry { CanonicalKey = key, Url = "https://example.com/" + key, Title = title, AliasKeys = [alias] }, "wechat", "blogs", 0, []);

    [Fact]
    public async Task CommitFetchAsync_KeyRecordedAsAliasInEarlierFetch_UpdatesTheAliasedEntry()
    {
        await CommitAsync("s", WriteWithAlias("wx:long", "wx:short", "Old"));

        var counts = await CommitAsync("s", Write("wx:short", "New"));

        Assert.Equal(new StoreCounts(0, 1), counts);
        Assert.Equal("New", Assert.Single(await Window()).Title);
    }

    [Fact]
    public async Task CommitFetchAsync_KeyRecordedAsAliasEarlierInSameFetch_KeepsOneEntry()
    {
        await CommitAsync("s", WriteWithAlias("wx:long", "wx:short", "Old"), Write("wx:short", "New"));

        Assert.Equal(1, await _services.Get<EntryStore>().CountAsync(CancellationToken.None));
        Assert.Equal("New", Assert.Single(await Window()).Title);
    }

    [Fact]
    public async Task CommitFetchAsync_SameEntriesTwice_AddsNothingTheSecondTime()
    {
        var first = await CommitAsync("s", Write("url:a", "A"), Write("url:b", "B"));
        var second = await CommitAsync("s", Write("url:a", "A"), Write("url:b", "B"));

        Assert.Equal(new StoreCounts(2, 0), first);
        Assert.Equal(new StoreCounts(0, 0), second);
        Assert.Equal(2, await _services.Get<EntryStore>().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CommitFetchAsync_ChangedTitle_UpdatesInPlaceAndKeepsFirstSeen()
    {
        await CommitAsync("s", Write("url:a", "Old"));
        var firstSeen = (await Window()).Single().FirstSeen;
        _services.Clock.Advance(TimeSpan.FromHours(1));

        var counts = await CommitAsync("s", Write("url:a", "New"));

        Assert.Equal(new StoreCounts(0, 1), counts);
        var entry = Assert.Single(await Window());
        Assert.Equal("New", entry.Title);
        Assert.Equal(firstSeen, entry.FirstSeen);
    }

    // An entry belongs to the window of its published date: a mirror that re-dates an item it changes (new title, date of
    // the change) must not move the entry's date away from the window it was placed in.
    [Fact]
    public async Task CommitFetchAsync_ChangedItemWithALaterDate_KeepsTheFirstPublishedDate()
    {
        var now = _services.Clock.GetUtcNow();
        EntryWrite Dated(string title, DateTimeOffset published) =>
            new(new CandidateEntry { CanonicalKey = "url:a", Url = "https://example.com/a", Title = title, Published = published }, "feed", "blogs", 0, []);
        await CommitAsync("s", Dated("Old", now.AddDays(-9)));

        var counts = await CommitAsync("s", Dated("New", now.AddDays(-1)));

        Assert.Equal(new StoreCounts(0, 1), counts);
        var entry = Assert.Single(await Window());
        Assert.Equal("New", entry.Title);
        Assert.Equal(now.AddDays(-9), entry.Published);
    }

    [Fact]
    public async Task CommitFetchAsync_OtherSourceSameKey_DoesNotOverwrite()
    {
        await CommitAsync("mirror-1", Write("wx:abc", "Original"));

        var counts = await CommitAsync("mirror-2", Write("wx:abc", "Retitled by another mirror"));

        Assert.Equal(new StoreCounts(0, 0), counts);
        Assert.Equal("Original", Assert.Single(await Window()).Title);
    }

    [Fact]
    public async Task CommitFetchAsync_HigherVersionFromAnySource_Updates()
    {
        await CommitAsync("arxiv-rss", Write("arxiv:2011.12289", "v1 title", version: 1));

        var counts = await CommitAsync("arxiv-api", Write("arxiv:2011.12289", "v2 title", version: 2));
        var older = await CommitAsync("arxiv-rss", Write("arxiv:2011.12289", "v1 title again", version: 1));

        Assert.Equal(new StoreCounts(0, 1), counts);
        Assert.Equal(new StoreCounts(0, 0), older);
        Assert.Equal("v2 title", Assert.Single(await Window()).Title);
    }

    [Fact]
    public async Task CommitFetchAsync_Failure_CountsConsecutiveFailuresAndSuccessResets()
    {
        var store = _services.Get<SourceStore>();
        var failed = new FetchRecord("s", "feed", _services.Clock.GetUtcNow(), TimeSpan.Zero, 500, 0, 0, "HTTP 500", new Dictionary<string, HttpValidators>());
        await store.CommitFetchAsync(failed, [], CancellationToken.None);
        await store.CommitFetchAsync(failed, [], CancellationToken.None);
        Assert.Equal(2, Assert.Single(await store.ListHealthAsync(CancellationToken.None)).ConsecutiveFailures);

        await CommitAsync("s", Write("url:a", "A"));

        var health = Assert.Single(await store.ListHealthAsync(CancellationToken.None));
        Assert.Equal(0, health.ConsecutiveFailures);
        Assert.Null(health.LastError);
        Assert.Equal(1, health.Entries);
    }

    // A source of several GitHub repositories judges each repository's list by its own releases (the first poll of a repo
    // added later, the outrun warning, REST paging): the prefix is compared exactly, whatever order the server's locale
    // gives text (the PostgreSQL test databases sort as ICU en-US, where punctuation weighs less than letters).
    [Fact]
    public async Task GetNewestEntryAsync_RepositoryPrefix_ReadsOnlyThatRepositorysReleasesOfThisSource()
    {
        var now = _services.Clock.GetUtcNow();
        EntryWrite Release(string key, int daysAgo) =>
            new(new CandidateEntry { CanonicalKey = key, Url = "https://example.com/" + key, Title = key, Published = now.AddDays(-daysAgo) }, "github", "open-source", 0, []);
        await CommitAsync("gh", Release("gh:o/r@b1", 9), Release("gh:o/r@b0", 20), Release("gh:o/rA@v9", 1), Release("gh:o/r-lite@v1", 2),
            Release("gh:o/r.x@v1", 3), Release("gh:o/q@v1", 4));
        await CommitAsync("other", Release("gh:o/r@v2", 0));
        var store = _services.Get<SourceStore>();

        Assert.Equal(now.AddDays(-9), await store.GetNewestEntryAsync("gh", "gh:o/r@", CancellationToken.None));
        Assert.Equal(now.AddDays(-1), await store.GetNewestEntryAsync("gh", "gh:o/rA@", CancellationToken.None));
        Assert.Null(await store.GetNewestEntryAsync("gh", "gh:o/s@", CancellationToken.None));
        Assert.Equal(now, await store.GetNewestEntryAsync("other", "gh:o/r@", CancellationToken.None));
    }

    // A source's first fingerprint (a database from before fingerprints) is no edit: its validators stay, and its next poll
    // may still be told "not modified". An edit drops both validators, ETag and Last-Modified, but keeps where a renamed
    // repository moved to (mutation audit 14: dropping them at the first fingerprint, or only the ETag, survived).
    [Fact]
    public async Task RecordConfigurationsAsync_FirstFingerprintKeepsTheValidators_AnEditDropsBoth_TheMoveStays()
    {
        var store = _services.Get<SourceStore>();
        const string url = "https://github.com/o/r/releases.atom";
        var stored = new HttpValidators("\"v1\"", "Tue, 12 May 2020 02:00:00 GMT") { MovedTo = new Uri("https://github.com/o/r2/releases.atom"), MovedNote = "o/r moved to o/r2" };
        await store.CommitFetchAsync(new FetchRecord("s", "github-releases", _services.Clock.GetUtcNow(), TimeSpan.Zero, 200, 0, 0, null,
            new Dictionary<string, HttpValidators> { [url] = stored }), [], CancellationToken.None);
        Task<IReadOnlyList<(string Id, bool WasPaused)>> Record(string hash) =>
            store.RecordConfigurationsAsync(new Dictionary<string, (string, string, IReadOnlyList<string>)> { ["s"] = ("github-releases", hash, []) }, CancellationToken.None);

        var first = await Record("hash-1");
        var afterFirst = (await store.GetValidatorsAsync("s", CancellationToken.None))[url];
        var edited = await Record("hash-2");
        var afterEdit = (await store.GetValidatorsAsync("s", CancellationToken.None))[url];

        Assert.Empty(first);
        Assert.Equal(stored, afterFirst);
        Assert.Equal([("s", false)], edited);
        Assert.Equal(stored with { ETag = null, LastModified = null }, afterEdit);
    }

    // Upgrading from a build whose SourceDefinition had fewer fields: the fingerprint it stored is one of the source's
    // earlier ones, so the source is not taken for edited — its pause after failures and its validators stay — and the
    // current fingerprint replaces it, so an edit after the upgrade is still one (b6d20f1's first start of HEAD lifted
    // the pauses of 8 failing sources and dropped the validators of all 38).
    [Fact]
    public async Task RecordConfigurationsAsync_FingerprintAnOlderBuildStored_IsNoEdit_PauseAndValidatorsStay()
    {
        var store = _services.Get<SourceStore>();
        const string url = "https://github.com/o/r/releases.atom";
        var now = _services.Clock.GetUtcNow();
        var validators = new HttpValidators("\"v1\"", "Tue, 12 May 2020 02:00:00 GMT");
        await store.CommitFetchAsync(new FetchRecord("s", "github-releases", now, TimeSpan.Zero, 200, 0, 0, null,
            new Dictionary<string, HttpValidators> { [url] = validators }), [], CancellationToken.None);
        await store.RecordConfigurationsAsync(new Dictionary<string, (string, string, IReadOnlyList<string>)> { ["s"] = ("github-releases", "old-build", []) },
            CancellationToken.None);
        await store.CommitFetchAsync(new FetchRecord("s", "github-releases", now, TimeSpan.Zero, 500, 0, 0, "HTTP 500",
            new Dictionary<string, HttpValidators>(), PausedUntil: now.AddHours(1)), [], CancellationToken.None);
        Task<IReadOnlyList<(string Id, bool WasPaused)>> Record(string hash, params string[] earlier) =>
            store.RecordConfigurationsAsync(new Dictionary<string, (string, string, IReadOnlyList<string>)> { ["s"] = ("github-releases", hash, earlier) },
                CancellationToken.None);

        var upgraded = await Record("new-build", "old-build");
        var health = await store.GetHealthAsync("s", CancellationToken.None);
        var kept = (await store.GetValidatorsAsync("s", CancellationToken.None))[url];
        var editedAfter = await Record("new-build-edited", "old-build-edited");

        Assert.Empty(upgraded);
        Assert.Equal(now.AddHours(1), health!.PausedUntil);
        Assert.Equal(validators, kept);
        Assert.Equal([("s", true)], editedAfter);
    }

    private Task<IReadOnlyList<StoredEntry>> Window() =>
        _services.Get<EntryStore>().ListWindowAsync(DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None);
}
