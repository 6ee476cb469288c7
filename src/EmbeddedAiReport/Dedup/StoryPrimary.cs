using System.Buffers;
using System.Runtime.CompilerServices;

namespace EmbeddedAiReport.Dedup;

/// <summary>
/// Which entry of a story is its primary: arXiv/GitHub original, then a first-hand account, then an aggregator; among
/// releases of one repository the newest; otherwise the earliest, the longest summary, the lowest id.
/// </summary>
public sealed class StoryPrimary
{
    private readonly DedupOptions _options;
    // Origin reads title and summary for every aggregator marker (case-insensitive, slow on CJK text), and a story pass
    // asks it of the same kept members again and again: computed once per member object. The values are three shared
    // boxes and the callback one delegate, so asking allocates nothing (a story pass asks for every entry it places).
    private static readonly object[] Origins = [0, 1, 2];
    private readonly ConditionalWeakTable<Member, object> _origins = [];
    private readonly ConditionalWeakTable<Member, object>.CreateValueCallback _computeOrigin;
    // The aggregator markers searched for all at once (vectorized, the same case-insensitive ordinal match as Contains per
    // marker); null when a marker is empty, which every text contains.
    private readonly Lazy<SearchValues<string>?> _markers;

    public StoryPrimary(DedupOptions options)
    {
        _options = options;
        _computeOrigin = member => Origins[ComputeOrigin(member)];
        _markers = new(() => options.AggregatorMarkers.Any(string.IsNullOrEmpty) ? null : SearchValues.Create([.. options.AggregatorMarkers], StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>One member of a story as the rule sees it.</summary>
    public sealed record Member(long Id, string CanonicalKey, string Title, string Summary, string? Account, DateTimeOffset Time);

    /// <summary>0 for the paper or repository itself, 1 for a first-hand post, 2 for a repost.</summary>
    public int Origin(Member member) => (int)_origins.GetValue(member, _computeOrigin);

    private int ComputeOrigin(Member member)
    {
        if (member.CanonicalKey.StartsWith("arxiv:", StringComparison.Ordinal) || member.CanonicalKey.StartsWith("gh:", StringComparison.Ordinal)) return 0;
        if (member.Account is { } account && _options.AggregatorAccounts.Contains(account, StringComparer.OrdinalIgnoreCase)) return 2;
        if (_markers.Value is not { } markers) return 2;   // an empty marker: every text contains it
        return member.Title.AsSpan().ContainsAny(markers) || member.Summary.AsSpan().ContainsAny(markers) ? 2 : 1;
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

    /// <summary>
    /// The few members of <paramref name="members"/> that decide <see cref="Choose"/> for every set containing them:
    /// Choose(Keep(S) ∪ T) is Choose(S ∪ T) for any T. Story passes keep these per story instead of reading every member
    /// again when a story grows (StoryPassTests and StoryPrimaryTests check the two stay consistent: change them together).
    /// </summary>
    /// <remarks>Per origin: the earliest (the rule's order), the newest release, and, when those are releases of one repository
    /// but the group is not, one member that is not.</remarks>
    public IReadOnlyList<Member> Keep(IEnumerable<Member> members)
    {
        var kept = new List<Member>();
        foreach (var group in members.GroupBy(Origin))
        {
            var list = group.ToList();
            var chosen = new List<Member> { list.OrderBy(m => m.Time).ThenByDescending(m => m.Summary.Length).ThenBy(m => m.Id).First() };
            if (list.Where(m => ReleaseRepository(m) is not null).OrderByDescending(m => m.Time).ThenByDescending(m => m.Id).FirstOrDefault() is { } newest)
                chosen.Add(newest);
            // When the group is not all releases of one repository, what is kept must not look as if it were.
            if (OneRepository(chosen) is { } repository && list.FirstOrDefault(m => ReleaseRepository(m) != repository) is { } witness) chosen.Add(witness);
            kept.AddRange(chosen);
        }
        return kept.Distinct().ToList();
    }

    // The repository all of `members` are releases of, or null.
    private static string? OneRepository(List<Member> members)
    {
        var repository = ReleaseRepository(members[0]);
        return repository is not null && members.All(m => ReleaseRepository(m) == repository) ? repository : null;
    }

    // gh:owner/repo@tag → gh:owner/repo; null for anything that is not a release.
    private static string? ReleaseRepository(Member member)
    {
        if (!member.CanonicalKey.StartsWith("gh:", StringComparison.Ordinal)) return null;
        var at = member.CanonicalKey.IndexOf('@');
        return at > 0 ? member.CanonicalKey[..at] : null;
    }
}
