namespace EmbeddedAiReport.Dedup;

/// <summary>Which entry of a story is its primary: arXiv/GitHub original, then a first-hand account, then an aggregator; then the earliest, the longest summary, the lowest id.</summary>
public sealed class StoryPrimary(DedupOptions options)
{
    /// <summary>One member of a story as the rule sees it.</summary>
    public sealed record Member(long Id, string CanonicalKey, string Title, string Summary, string? Account, DateTimeOffset Time);

    /// <summary>0 for the paper or repository itself, 1 for a first-hand post, 2 for a repost.</summary>
    public int Origin(Member member)
    {
        if (member.CanonicalKey.StartsWith("arxiv:", StringComparison.Ordinal) || member.CanonicalKey.StartsWith("gh:", StringComparison.Ordinal)) return 0;
        if (member.Account is { } account && options.AggregatorAccounts.Contains(account, StringComparer.OrdinalIgnoreCase)) return 2;
        return options.AggregatorMarkers.Any(m => member.Title.Contains(m, StringComparison.OrdinalIgnoreCase) || member.Summary.Contains(m, StringComparison.OrdinalIgnoreCase))
            ? 2 : 1;
    }

    /// <summary>The primary among <paramref name="members"/> (not empty).</summary>
    public Member Choose(IEnumerable<Member> members) => members
        .OrderBy(Origin)
        .ThenBy(m => m.Time)
        .ThenByDescending(m => m.Summary.Length)
        .ThenBy(m => m.Id)
        .First();
}
