using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Worker.Review;

namespace EmbeddedAiReport.Tests.Worker.Review;

/// <summary>
/// Which rows a page of a flooded week's section shows (README, the review page): what the draft holds (its items,
/// shortlisted, edited or moved entries) on every page, the entries out of the draft 100 at a time (edited or moved ones
/// among them, counted), and the entry a form post lands at besides its page, still counted.
/// </summary>
public sealed class ReviewLayoutTests
{
    private const int PageSize = 100;   // README: "the entries out of the draft 100 per section"

    // A section of 250 entries out of the draft (ids 1–250) in page order, an item of the draft first, and past the first
    // page an edited entry (1001), a moved one (1002) and one whose story member is shortlisted (1003, member 1004).
    private static ReviewSection Flooded(long? withMember = null)
    {
        List<ReviewRow> others = [.. Enumerable.Range(1, 250).Select(i => Row(i, members: i == withMember ? [Row(9000 + i)] : []))];
        others.InsertRange(150, [Row(1001, sourceTitle: "as polled"), Row(1002, sourceSection: "news"), Row(1003, members: [Row(1004, status: "shortlisted")])]);
        return new ReviewSection("papers", "论文", 10, [Row(500, rank: 1), .. others]);
    }

    private static ReviewRow Row(long id, string status = "new", int? rank = null, string? sourceTitle = null, string? sourceSection = null,
        IReadOnlyList<ReviewRow>? members = null) =>
        new(new ReviewEntry(new StoredEntry(id, "s", "feed", $"url:example.com/{id}", $"https://example.com/{id}", $"post {id}", "", null, null,
                DateTimeOffset.UnixEpoch, "papers", null, null, 0.5, status, null, []), [], null, sourceTitle, null, sourceSection),
            new DraftDecision(rank is null ? DraftDecisionKind.BelowThreshold : DraftDecisionKind.InDraft, rank is null ? "out" : "in draft"), rank, members ?? []);

    private static List<long> Ids(ReviewSection section) => section.Rows.Select(r => r.Entry.Entry.Id).ToList();

    // They are entries out of the draft all the same: "of N" counts them (253 = 250 + 3) and they take their place in the
    // page they fall in (the second, between 150 and 151), while every other page shows them besides its own 100.
    [Fact]
    public void Paged_EditedMovedAndShortlistedInAStory_AreShownOnEveryPage_CountedAmongTheEntriesOutOfTheDraft()
    {
        var first = Assert.Single(ReviewLayout.Paged([Flooded()], null, new HashSet<long>()));
        var second = Assert.Single(ReviewLayout.Paged([Flooded()], new ReviewMore("papers", PageSize), new HashSet<long>()));
        var third = Assert.Single(ReviewLayout.Paged([Flooded()], new ReviewMore("papers", 2 * PageSize), new HashSet<long>()));

        Assert.Equal([500, .. Enumerable.Range(1, PageSize).Select(i => (long)i), 1001, 1002, 1003], Ids(first));
        Assert.Equal(new ReviewPaging(0, PageSize, 253), first.Paging);
        Assert.Equal([500, .. Enumerable.Range(PageSize + 1, 50).Select(i => (long)i), 1001, 1002, 1003, .. Enumerable.Range(151, 47).Select(i => (long)i)], Ids(second));
        Assert.Equal(new ReviewPaging(PageSize, PageSize, 253), second.Paging);
        Assert.Equal([500, 1001, 1002, 1003, .. Enumerable.Range(198, 53).Select(i => (long)i)], Ids(third));
        Assert.Equal(new ReviewPaging(2 * PageSize, 53, 253), third.Paging);
    }

    [Fact]
    public void Paged_AStoryWhoseMemberAPostLandsAt_IsShownBesidesItsPage_StillCountedThere()
    {
        var section = Assert.Single(ReviewLayout.Paged([Flooded(withMember: 240)], null, new HashSet<long> { 9240 }));

        Assert.Equal([500, .. Enumerable.Range(1, PageSize).Select(i => (long)i), 1001, 1002, 1003, 240], Ids(section));
        Assert.Equal(new ReviewPaging(0, PageSize, 253), section.Paging);
    }
}
