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

    /// <summary>Out-of-draft rows a section shows at once: a flooded week (4,000 candidates) is pages, not 16 MB of HTML.</summary>
    public const int PageSize = 100;

    /// <summary>
    /// The rows the page shows: every row the draft holds (items, shortlisted, edited or moved entries, and those
    /// <paramref name="keep"/> names: where a form post lands, a refused edit) in full, then a page of the rows out of the
    /// draft per section, the first one, or from <paramref name="more"/>'s offset in its section. Counts of the draft stay whole.
    /// </summary>
    public static IReadOnlyList<ReviewSection> Paged(IReadOnlyList<ReviewSection> sections, ReviewMore? more, ISet<long> keep)
    {
        bool Held(ReviewRow row) => row.Rank is not null || row.Entry.Entry.Status == "shortlisted" || row.Entry.IsEdited || row.Entry.SourceSection is not null
            || row.Members.Any(Held);
        // A kept row is shown besides its page, still counted among the entries out of the draft: the counts stay true. So is
        // a held one out of the draft (an edited or moved entry over the quota or below the threshold): "of N" is every row
        // the editor sees out of the draft, as the quota line divides them, not those that happen to be paged.
        bool Kept(ReviewRow row) => keep.Contains(row.Entry.Entry.Id) || row.Members.Any(Kept);
        return sections.Select(section =>
        {
            var offset = more is { } m && string.Equals(m.Slug, section.Slug, StringComparison.OrdinalIgnoreCase) ? m.Offset : 0;
            var others = section.Rows.Where(r => r.Rank is null).ToList();
            var shown = others.Skip(offset).Take(PageSize).Select(r => r.Entry.Entry.Id).ToHashSet();
            return section with
            {
                Rows = section.Rows.Where(r => Held(r) || Kept(r) || shown.Contains(r.Entry.Entry.Id)).ToList(),
                Paging = new ReviewPaging(offset, shown.Count, others.Count),
            };
        }).ToList();
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
/// <param name="Paging">The out-of-draft rows of <paramref name="Rows"/> as a page of them (<see cref="ReviewLayout.Paged"/>), or null: all of them.</param>
internal sealed record ReviewSection(string Slug, string Name, int Quota, IReadOnlyList<ReviewRow> Rows, ReviewPaging? Paging = null)
{
    /// <summary>How many of its rows are items of the draft.</summary>
    public int InDraft => Rows.Count(r => r.Rank is not null);
}

/// <summary>A page of a section's out-of-draft rows: <paramref name="Shown"/> of <paramref name="Total"/>, from <paramref name="Offset"/>.</summary>
internal sealed record ReviewPaging(int Offset, int Shown, int Total);

/// <summary>The review page's <c>more=SECTION:OFFSET</c>: a section's out-of-draft entries from that offset.</summary>
internal sealed record ReviewMore(string Slug, int Offset)
{
    public const string Parameter = "more";

    /// <summary>This page as a query parameter, <c>more=papers%3A100</c>.</summary>
    public string Query => $"{Parameter}={Uri.EscapeDataString($"{Slug}:{Offset}")}";

    /// <summary>The page asked for by <paramref name="text"/> (null: the first of every section), or the problem with it.</summary>
    /// <param name="slugs">The sections the page has (the draft's and <see cref="ReviewLayout.OtherSlug"/>).</param>
    public static ReviewMore? Parse(string? text, IReadOnlyList<string> slugs, out string? problem)
    {
        problem = null;
        if (text is null) return null;
        var colon = text.LastIndexOf(':');
        var slug = colon < 0 ? null : slugs.FirstOrDefault(s => string.Equals(s, text[..colon], StringComparison.OrdinalIgnoreCase));
        if (slug is not null && Http.RequestNumber.Parse<int>(text[(colon + 1)..], out _) is { } offset) return new ReviewMore(slug, offset);
        problem = $"{Parameter}: '{Http.Echoed.Of(text)}' is not SECTION:OFFSET, a section of the page ({string.Join(", ", slugs)}) and a number of its entries out of the draft to skip, at most {int.MaxValue}";
        return null;
    }
}
