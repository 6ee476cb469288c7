using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using static EmbeddedAiReport.Tests.Support.EntrySeeder;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>
/// What <c>train</c> learns of a published item whose entry is stored (mutation audit 19; in a file of its own while LabelStore's
/// tests change with the train memory work): the editor's section, and one example however the editor marked it since.
/// </summary>
public abstract class LabelStoreIssueItemTests(StorageProvider provider) : IDisposable
{
    public sealed class OnSqlite() : LabelStoreIssueItemTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : LabelStoreIssueItemTests(StorageProvider.Postgres);

    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateTimeOffset Monday = new(2020, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private readonly TestServices _services = new(provider: provider);

    public void Dispose() => _services.Dispose();

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
}
