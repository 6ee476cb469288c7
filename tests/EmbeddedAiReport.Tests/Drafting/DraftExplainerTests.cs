using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using static EmbeddedAiReport.Tests.Support.EntrySeeder;

namespace EmbeddedAiReport.Tests.Drafting;

/// <summary>Every entry of a window says "in draft" or why it is out (issue 18 item 3, and the review page).</summary>
public sealed class DraftExplainerTests : IDisposable
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateTimeOffset Tuesday = new(2020, 11, 24, 10, 0, 0, TimeSpan.FromHours(8));   // 2020-W48
    private static readonly DraftWindow Week48 = DraftWindow.Of(new EditorialWeek(2020, 48), Shanghai);
    private readonly TestServices _services = new(draft: new DraftOptions { MinScore = 1.0, Quotas = new() { ["news"] = 2 } });

    public void Dispose() => _services.Dispose();

    private async Task<IReadOnlyDictionary<string, string>> DecisionsAsync()
    {
        var review = await _services.Get<DraftReview>().BuildAsync(Week48, CancellationToken.None);
        return review.Entries.ToDictionary(e => e.Entry.CanonicalKey, e => review.Decisions[e.Entry.Id].Text);
    }

    // Groups the seeded entries into stories, as a poll does; each entry's id by its key.
    private async Task<Dictionary<string, long>> AssignStoriesAsync()
    {
        await _services.Get<StoryAssigner>().AssignPendingAsync(CancellationToken.None);
        return (await _services.Get<EntryStore>().QueryAsync(new EntryQuery(), CancellationToken.None)).ToDictionary(r => r.Entry.CanonicalKey, r => r.Entry.Id);
    }

    // A paper in the news and a write-up of it below it: one story, the paper its primary.
    private static EntryWrite[] SurveyAndWriteUp() =>
    [
        Entry("arxiv:2011.12289", "A Survey of Quantization Methods", "news", Tuesday, score: 3, url: "https://arxiv.org/abs/2011.12289"),
        Entry("url:example.com/writeup", "量化综述解读", "news", Tuesday, score: 2, links: [new EntryLink("arxiv", "arxiv:2011.12289", "https://arxiv.org/abs/2011.12289")]),
    ];

    [Fact]
    public async Task Explain_EachKindOfEntry_SaysInDraftOrTheReasonItIsOut()
    {
        var paperLink = new EntryLink("arxiv", "arxiv:2011.12289", "https://arxiv.org/abs/2011.12289");
        await SeedAsync(_services, "s",
            Entry("url:example.com/a", "Best news", "news", Tuesday, score: 5),
            Entry("url:example.com/b", "Second news", "news", Tuesday, score: 4),
            Entry("url:example.com/c", "Third news", "news", Tuesday, score: 3),
            Entry("url:example.com/low", "Weak news", "news", Tuesday, score: 0.5),
            Entry("url:example.com/rejected", "Rejected news", "news", Tuesday, score: 4.5),
            Entry("url:example.com/old", "Already published news", "news", Tuesday, score: 4.8),
            Entry("url:example.com/misc", "Misc post", "misc", Tuesday, score: 4),
            Entry("arxiv:2011.12289", "A Survey of Quantization Methods", "papers", Tuesday, score: 3, url: "https://arxiv.org/abs/2011.12289"),
            Entry("url:example.com/writeup", "量化综述解读", "blogs", Tuesday, score: 6, links: [paperLink]),
            Entry("arxiv:2101.00001", "An Old Paper", "papers", Tuesday, score: 3, url: "https://arxiv.org/abs/2101.00001"),
            Entry("url:example.com/old-writeup", "旧论文解读", "blogs", Tuesday, score: 5, links: [new EntryLink("arxiv", "arxiv:2101.00001", "https://arxiv.org/abs/2101.00001")]));
        var ids = await AssignStoriesAsync();
        await _services.Get<EntryStore>().SetStatusAsync([ids["url:example.com/rejected"]], "rejected", CancellationToken.None);
        await _services.Get<IssueStore>().RecordAsync(new DateOnly(2020, 11, 20), "old issue", "imported",
            [new PublishedItem("url:example.com/old", "news", "Already published news", "https://example.com/old"),
             new PublishedItem("arxiv:2101.00001", "papers", "An Old Paper", "https://arxiv.org/abs/2101.00001")], CancellationToken.None);

        var decisions = await DecisionsAsync();

        Assert.Equal("in draft (业界新闻 #1)", decisions["url:example.com/a"]);
        Assert.Equal("in draft (业界新闻 #2)", decisions["url:example.com/b"]);
        Assert.Equal("out: over the quota (业界新闻 #3, quota 2)", decisions["url:example.com/c"]);
        Assert.Equal("out: below the threshold (relevance 0.500 < 1.000 in news)", decisions["url:example.com/low"]);
        Assert.Equal("out: rejected by the editor", decisions["url:example.com/rejected"]);
        Assert.Equal("out: published (issue of 2020-11-20)", decisions["url:example.com/old"]);
        Assert.Equal("out: named by a recorded issue (issue of 2020-11-20)", decisions["url:example.com/old-writeup"]);
        Assert.Equal("out: section 'misc' is not one of the draft's sections", decisions["url:example.com/misc"]);
        Assert.Equal("in draft (论文 #1)", decisions["arxiv:2011.12289"]);
        Assert.Equal($"out: not its story's primary (the story is #{ids["arxiv:2011.12289"]} A Survey of Quantization Methods, in the draft)",
            decisions["url:example.com/writeup"]);
    }

    [Fact]
    public async Task Explain_StoryOverTheQuota_MembersNameThePrimaryThatIsOutToo()
    {
        await SeedAsync(_services, "s",
        [
            Entry("url:example.com/a", "Best news", "news", Tuesday, score: 9),
            Entry("url:example.com/b", "Second news", "news", Tuesday, score: 8),
            .. SurveyAndWriteUp(),
        ]);
        var ids = await AssignStoriesAsync();

        var decisions = await DecisionsAsync();

        Assert.Equal("out: over the quota (业界新闻 #3, quota 2)", decisions["arxiv:2011.12289"]);
        Assert.Equal($"out: not its story's primary (the story is #{ids["arxiv:2011.12289"]} A Survey of Quantization Methods, out of the draft too)",
            decisions["url:example.com/writeup"]);
    }

    [Fact]
    public async Task Explain_StoryWhosePrimaryIsRejected_MembersNameTheRejectedPrimary()
    {
        await SeedAsync(_services, "s", SurveyAndWriteUp());
        var ids = await AssignStoriesAsync();
        await _services.Get<EntryStore>().SetStatusAsync([ids["arxiv:2011.12289"]], "rejected", CancellationToken.None);

        var review = await _services.Get<DraftReview>().BuildAsync(Week48, CancellationToken.None);
        var decisions = review.Entries.ToDictionary(e => e.Entry.CanonicalKey, e => review.Decisions[e.Entry.Id].Text);

        Assert.Empty(review.Draft.Sections.SelectMany(s => s.Items));
        Assert.Equal("out: rejected by the editor", decisions["arxiv:2011.12289"]);
        Assert.Equal($"out: not its story's primary (the story is #{ids["arxiv:2011.12289"]} A Survey of Quantization Methods, rejected by the editor)",
            decisions["url:example.com/writeup"]);
    }

    [Fact]
    public async Task Explain_ShortlistedBelowTheThreshold_IsInTheDraft()
    {
        await SeedAsync(_services, "s", Entry("url:example.com/low", "Weak but wanted", "news", Tuesday, score: 0.1));
        var id = (await _services.Get<EntryStore>().QueryAsync(new EntryQuery(), CancellationToken.None)).Single().Entry.Id;
        await _services.Get<EntryStore>().SetStatusAsync([id], "shortlisted", CancellationToken.None);

        Assert.Equal("in draft (业界新闻 #1)", (await DecisionsAsync())["url:example.com/low"]);
    }

    [Fact]
    public async Task Explain_ShortlistedTakesAPlace_TheOtherOverTheQuotaCountsItFirst()
    {
        await SeedAsync(_services, "s",
            Entry("url:example.com/a", "Best news", "news", Tuesday, score: 5),
            Entry("url:example.com/b", "Second news", "news", Tuesday, score: 4),
            Entry("url:example.com/s", "Wanted news", "news", Tuesday, score: 3));
        var ids = (await _services.Get<EntryStore>().QueryAsync(new EntryQuery(), CancellationToken.None)).ToDictionary(r => r.Entry.CanonicalKey, r => r.Entry.Id);
        await _services.Get<EntryStore>().SetStatusAsync([ids["url:example.com/s"]], "shortlisted", CancellationToken.None);

        var decisions = await DecisionsAsync();

        Assert.Equal("in draft (业界新闻 #1)", decisions["url:example.com/a"]);
        Assert.Equal("in draft (业界新闻 #2)", decisions["url:example.com/s"]);
        Assert.Equal("out: over the quota (业界新闻 #3, quota 2)", decisions["url:example.com/b"]);
    }
}
