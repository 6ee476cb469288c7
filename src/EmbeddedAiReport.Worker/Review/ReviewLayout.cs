using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Review;

/// <summary>Arranges a window's entries for the review page: per section, the draft's items in draft order, then the rest; story members under their primary.</summary>
internal static class ReviewLayout
{
    /// <summary>Slug of the group that holds entries whose section is not one of the draft's.</summary>
    public const string OtherSlug = "-other";

    public static IReadOnlyList<ReviewSection> Of(DraftReviewResult review, DraftOptions options)
    {
        var decisions = review.Decisions;
        var byId = review.Entries.ToDictionary(e => e.Entry.Id);
        var places = new Dictionary<long, (string Slug, int Rank)>();
        foreach (var section in review.Draft.Sections)
            for (var i = 0; i < section.Items.Count; i++) places[section.Items[i].EntryId] = (section.Slug, i + 1);

        // A story member goes under the entry that represents its story when that entry is on the page as a row of its own.
        long HeadOf(ReviewEntry e) =>
            decisions[e.Entry.Id] is { Kind: DraftDecisionKind.NotStoryPrimary, RelatedEntryId: { } head }
            && byId.ContainsKey(head) && decisions[head].Kind != DraftDecisionKind.NotStoryPrimary ? head : e.Entry.Id;
        var members = review.Entries.Where(e => HeadOf(e) != e.Entry.Id).GroupBy(HeadOf)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(e => e.Entry.Score).ThenBy(e => e.Entry.Id)
                .Select(e => new ReviewRow(e, decisions[e.Entry.Id], null, [])).ToList());
        var rows = review.Entries.Where(e => HeadOf(e) == e.Entry.Id)
            .Select(e => new ReviewRow(e, decisions[e.Entry.Id], places.TryGetValue(e.Entry.Id, out var p) ? p.Rank : null,
                members.TryGetValue(e.Entry.Id, out var m) ? m : []))
            .ToList();

        var known = options.EffectiveSections.Select(s => s.Slug).ToHashSet(StringComparer.OrdinalIgnoreCase);
        string SlugOf(ReviewRow row) => places.TryGetValue(row.Entry.Entry.Id, out var p) ? p.Slug
            : row.Entry.Entry.Section is { } s && known.Contains(s) ? known.First(k => k.Equals(s, StringComparison.OrdinalIgnoreCase)) : OtherSlug;
        var bySection = rows.GroupBy(SlugOf, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => Ordered(g), StringComparer.OrdinalIgnoreCase);

        var sections = options.EffectiveSections
            .Select(s => new ReviewSection(s.Slug, s.Name, options.QuotaFor(s.Slug), bySection.GetValueOrDefault(s.Slug) ?? []))
            .ToList();
        if (bySection.TryGetValue(OtherSlug, out var other)) sections.Add(new ReviewSection(OtherSlug, "(no draft section)", 0, other));
        return sections;
    }

    private static List<ReviewRow> Ordered(IEnumerable<ReviewRow> rows) => rows
        .OrderBy(r => r.Rank ?? int.MaxValue)
        .ThenBy(r => KindOrder(r.Decision.Kind))
        .ThenByDescending(r => r.Entry.Entry.Score)
        .ThenBy(r => r.Entry.Entry.Id)
        .ToList();

    // The draft, then what could join it (over the quota), then what needs a decision to get in, then what is settled.
    private static int KindOrder(DraftDecisionKind kind) => kind switch
    {
        DraftDecisionKind.InDraft => 0,
        DraftDecisionKind.OverQuota => 1,
        DraftDecisionKind.BelowThreshold or DraftDecisionKind.NoSection or DraftDecisionKind.NotStoryPrimary => 2,
        DraftDecisionKind.NamedByIssue or DraftDecisionKind.Published or DraftDecisionKind.Withdrawn => 3,
        _ => 4,
    };
}

/// <summary>One row of the review page: an entry, why it is in or out, its place in the draft, and the story members folded under it.</summary>
internal sealed record ReviewRow(ReviewEntry Entry, DraftDecision Decision, int? Rank, IReadOnlyList<ReviewRow> Members);

/// <summary>A section of the review page with its quota and rows in page order.</summary>
internal sealed record ReviewSection(string Slug, string Name, int Quota, IReadOnlyList<ReviewRow> Rows)
{
    /// <summary>How many of its rows are items of the draft.</summary>
    public int InDraft => Rows.Count(r => r.Rank is not null);
}
