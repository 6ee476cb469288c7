using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Tests.Drafting;

public sealed class DraftSelectorTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DraftWindow Week = DraftWindow.Of(new EditorialWeek(2020, 48), Shanghai);
    private static readonly DateTimeOffset Tuesday = new(2020, 11, 24, 10, 0, 0, TimeSpan.FromHours(8));

    private static StoredEntry Entry(long id, string section, double score, long? story = null, bool primary = false, string status = "candidate") =>
        new(id, "s", "feed", $"url:example.com/{id}", $"https://example.com/{id}", $"item {id}", "", null, Tuesday.AddMinutes(id), Tuesday,
            section, null, null, score, status, story, []) { IsStoryPrimary = primary };

    // A model whose thresholds are 0.3 for papers and 0.6 elsewhere.
    private static TaggingModel Model() => TaggingModel.Empty with
    {
        Ranker = RelevanceModel.Parse("""
            {"format": "eair-relevance/1", "calibration": {"scale": 1, "offset": 0}, "threshold": 0.6, "sectionThresholds": {"papers": 0.3}, "weights": {"1": 1}}
            """, "ranker.json").Model,
    };

    private static IReadOnlyList<long> Items(Draft draft, string section) =>
        draft.Sections.Single(s => s.Slug == section).Items.Select(i => i.EntryId).ToList();

    [Fact]
    public void Select_StoryRanksByItsBestMember_ShowingItsPrimary()
    {
        // The paper (primary, 0.40) and a well-scored write-up of it (0.95) against two other papers at 0.80 and 0.70:
        // with a quota of 2 the story stays in, second, at its best member's relevance.
        var selector = new DraftSelector(new DraftOptions { Quotas = new() { ["papers"] = 2 } }, Model());
        var draft = selector.Select([
            Entry(1, "papers", 0.40, story: 7, primary: true), Entry(2, "papers", 0.95, story: 7),
            Entry(3, "papers", 0.80), Entry(4, "papers", 0.70)], Week);

        Assert.Equal([1, 3], Items(draft, "papers"));
        Assert.Equal(0.95, draft.Sections.Single(s => s.Slug == "papers").Items[0].Score);
    }

    // The editor rejects the item a story shows in the draft (README, mark: rejected never in the draft): the story is
    // what they saw and rejected, so the next member must not stand in for it; a member they keep brings it back.
    [Fact]
    public void Select_TheEditorRejectedWhatAStoryShows_TheStoryIsOut_NotShownByItsNextMember()
    {
        var selector = new DraftSelector(new DraftOptions(), Model());
        var draft = selector.Select([
            Entry(1, "papers", 0.90, story: 7, primary: true, status: "rejected"), Entry(2, "papers", 0.95, story: 7),
            Entry(3, "papers", 0.80)], Week);

        Assert.Equal([3], Items(draft, "papers"));
    }

    [Fact]
    public void Select_ARejectedWriteUpTheStoryDoesNotShow_OnlyLeavesTheStory()
    {
        var selector = new DraftSelector(new DraftOptions(), Model());
        var draft = selector.Select([
            Entry(1, "papers", 0.90, story: 7, primary: true) with { CanonicalKey = "arxiv:2011.12289" },
            Entry(2, "papers", 0.95, story: 7, status: "rejected"), Entry(3, "papers", 0.50, story: 7)], Week);

        var item = draft.Sections.Single(s => s.Slug == "papers").Items.Single();
        Assert.Equal(1, item.EntryId);
        Assert.Equal([3], item.Writeups.Select(w => w.EntryId));
        Assert.Equal(0.90, item.Score);   // ranked by the members left, not by the rejected write-up's 0.95
    }

    [Fact]
    public void Select_AMemberShortlistedInARejectedStory_BringsTheStoryBackShowingIt()
    {
        var selector = new DraftSelector(new DraftOptions(), Model());
        var draft = selector.Select([
            Entry(1, "papers", 0.90, story: 7, primary: true, status: "rejected"), Entry(2, "papers", 0.10, story: 7, status: "shortlisted")], Week);

        Assert.Equal([2], Items(draft, "papers"));
    }

    [Fact]
    public void Select_ModelThresholds_CutEachSectionAtItsOwn()
    {
        var selector = new DraftSelector(new DraftOptions(), Model());
        var draft = selector.Select([Entry(1, "papers", 0.35), Entry(2, "news", 0.35), Entry(3, "news", 0.65)], Week);

        Assert.Equal([1], Items(draft, "papers"));
        Assert.Equal([3], Items(draft, "news"));
    }

    [Fact]
    public void Select_MinScoreSet_OverridesTheModelForEverySection()
    {
        var selector = new DraftSelector(new DraftOptions { MinScore = 0.5 }, Model());
        var draft = selector.Select([Entry(1, "papers", 0.35), Entry(2, "news", 0.55)], Week);

        Assert.Empty(Items(draft, "papers"));
        Assert.Equal([2], Items(draft, "news"));
    }

    [Fact]
    public void Select_NoModel_KeepsTheKeywordThreshold()
    {
        var selector = new DraftSelector(new DraftOptions(), TaggingModel.Empty);
        var draft = selector.Select([Entry(1, "news", KeywordRelevance.Threshold - 0.01), Entry(2, "news", KeywordRelevance.Threshold)], Week);

        Assert.Equal([2], Items(draft, "news"));
    }

    [Fact]
    public void Select_ShortlistedBelowThresholdAndPastTheQuota_StillIn()
    {
        var selector = new DraftSelector(new DraftOptions { Quotas = new() { ["news"] = 1 } }, Model());
        var draft = selector.Select([Entry(1, "news", 0.9), Entry(2, "news", 0.1, status: "shortlisted"), Entry(3, "news", 0.2, status: "shortlisted")], Week);

        Assert.Equal([3, 2], Items(draft, "news"));
    }

    // Keyword scores tie often: tied items read in the order they were published, the order in which the quota gave them
    // places (with quota 2, the later of three ties is the one left out).
    [Fact]
    public void Select_TiedScores_ListTheEarlierPublishedFirst()
    {
        var selector = new DraftSelector(new DraftOptions { Quotas = new() { ["news"] = 2 } }, Model());
        var draft = selector.Select([Entry(3, "news", 0.7), Entry(1, "news", 0.7), Entry(2, "news", 0.7)], Week);

        Assert.Equal([1, 2], Items(draft, "news"));   // Entry(id) is published at Tuesday + id minutes
    }

    [Fact]
    public void Select_ShortlistedBelowTheOthers_IsInButTakesItsPlaceByScore()
    {
        // Quota 2: the shortlisted entry (0.7) takes one place and the best other (0.9) the second; 0.8 is left out.
        var selector = new DraftSelector(new DraftOptions { Quotas = new() { ["news"] = 2 } }, Model());
        var draft = selector.Select([Entry(1, "news", 0.8), Entry(2, "news", 0.9), Entry(3, "news", 0.7, status: "shortlisted")], Week);

        Assert.Equal([2, 3], Items(draft, "news"));
    }

    [Fact]
    public void Select_TwoPostsOfOneMediumAuthor_StayTwoItems()
    {
        // Only a GitHub repository's releases in the window are one item (README, Drafting); an address with an '@' in its
        // path (medium.com/@author/…, as a feed's post link is keyed) names no repository, so two posts are two items.
        var posts = new[] { "https://medium.com/@pytorch/pytorch-2-0-release-1a2b3c", "https://medium.com/@pytorch/executorch-beta-4d5e6f" }
            .Select((url, i) => Entry(i + 1, "news", 0.9) with { CanonicalKey = CanonicalUrl.Key(new Uri(url)), Url = url }).ToList();
        var selector = new DraftSelector(new DraftOptions(), Model());

        var draft = selector.Select(posts, Week);

        Assert.Equal(["url:medium.com/@pytorch/pytorch-2-0-release-1a2b3c", "url:medium.com/@pytorch/executorch-beta-4d5e6f"], posts.Select(p => p.CanonicalKey));
        Assert.Equal([1, 2], Items(draft, "news"));
    }
}
