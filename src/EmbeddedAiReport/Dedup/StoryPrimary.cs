namespace EmbeddedAiReport.Dedup;

/// <summary>
/// Which entry of a story is its primary: arXiv/GitHub original, then a first-hand account, then an aggregator; among
/// releases of one repository the newest; otherwise the earliest, the longest summary, the lowest id.
/// </summary>
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
    public Member Choose(IEnumerable<Member> members)
    {
        var list = members.ToList();
        var origin = list.Min(Origin);
        var best = list.Where(m => Origin(m) == origin).ToList();
        // Six ncnn releases in a week are one story about ncnn's latest release: the newest is what the editor writes up.
        if (best.Count > 1 && best.All(m => ReleaseRepository(m) is not null)
            && best.Select(ReleaseRepository).Distinct(StringComparer.Ordinal).Count() == 1)
            return best.OrderByDescending(m => m.Time).ThenByDescending(m => m.Id).First();
        return best
            .OrderBy(m => m.Time)
            .ThenByDescending(m => m.Summary.Length)
            .ThenBy(m => m.Id)
            .First();
    }

    // gh:owner/repo@tag → gh:owner/repo; null for anything that is not a release.
    private static string? ReleaseRepository(Member member)
    {
        if (!member.CanonicalKey.StartsWith("gh:", StringComparison.Ordinal)) return null;
        var at = member.CanonicalKey.IndexOf('@');
        return at > 0 ? member.CanonicalKey[..at] : null;
    }
}
