using System.Buffers;
using System.Runtime.CompilerServices;
using EmbeddedAiReport.Normalizing;

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
    /// <remarks>One pass (a story pass asks this of every story it touches, crowds of hundreds included): among the lowest
    /// origin, the earliest in the rule's order, unless they are several releases of one repository.</remarks>
    public Member Choose(IEnumerable<Member> members)
    {
        Member? earliest = null, newest = null;
        string? repository = null;
        var (origin, oneRepository) = (int.MaxValue, true);
        foreach (var member in members)
        {
            var memberOrigin = Origin(member);
            if (memberOrigin > origin) continue;
            if (memberOrigin < origin) (origin, earliest, newest, repository, oneRepository) = (memberOrigin, null, null, null, true);
            if (oneRepository)
            {
                var release = ReleaseRepository(member);
                oneRepository = release is not null && (repository is null || release == repository);
                repository ??= release;
            }
            if (earliest is null || Earlier(member, earliest)) earliest = member;
            if (newest is null || Newer(member, newest)) newest = member;
        }
        if (earliest is null) throw new InvalidOperationException("A story has at least one member.");
        // Six ncnn releases in a week are one story about ncnn's latest release: the newest is what the editor writes up (of
        // one release, newest and earliest are the same).
        return oneRepository ? newest! : earliest;
    }

    /// <summary>
    /// The few members of <paramref name="members"/> that decide <see cref="Choose"/> for every set containing them:
    /// Choose(Keep(S) ∪ T) is Choose(S ∪ T) for any T. Story passes keep these per story instead of reading every member
    /// again when a story grows (StoryPassTests and StoryPrimaryTests check the two stay consistent: change them together).
    /// </summary>
    /// <remarks>Per origin, in the order the origins first appear: the earliest (the rule's order), the newest release,
    /// and, when those are releases of one repository but the group is not, one member that is not (the first).</remarks>
    public IReadOnlyList<Member> Keep(IEnumerable<Member> members)
    {
        var list = members as IReadOnlyList<Member> ?? members.ToList();
        // By origin (0, 1, 2): where it first appears, its earliest member and its newest release.
        var first = new[] { -1, -1, -1 };
        var earliest = new Member?[3];
        var newest = new Member?[3];
        for (var i = 0; i < list.Count; i++)
        {
            var member = list[i];
            var origin = Origin(member);
            if (first[origin] < 0) first[origin] = i;
            if (earliest[origin] is not { } e || Earlier(member, e)) earliest[origin] = member;
            if (ReleaseRepository(member) is not null && (newest[origin] is not { } n || Newer(member, n))) newest[origin] = member;
        }
        var kept = new List<Member>();
        foreach (var origin in new[] { 0, 1, 2 }.Where(o => first[o] >= 0).OrderBy(o => first[o]))
        {
            var chosen = new List<Member> { earliest[origin]! };
            if (newest[origin] is { } release) chosen.Add(release);
            // When the group is not all releases of one repository, what is kept must not look as if it were.
            if (OneRepository(chosen) is { } repository
                && list.Skip(first[origin]).FirstOrDefault(m => Origin(m) == origin && ReleaseRepository(m) != repository) is { } witness)
                chosen.Add(witness);
            kept.AddRange(chosen);
        }
        return kept.Distinct().ToList();
    }

    // The rule's order: the earlier, then the longer summary, then the lower id.
    private static bool Earlier(Member a, Member b) =>
        a.Time != b.Time ? a.Time < b.Time : a.Summary.Length != b.Summary.Length ? a.Summary.Length > b.Summary.Length : a.Id < b.Id;

    // Among releases: the newer, then the higher id.
    private static bool Newer(Member a, Member b) => a.Time != b.Time ? a.Time > b.Time : a.Id > b.Id;

    // The repository all of `members` are releases of, or null.
    private static string? OneRepository(List<Member> members)
    {
        var repository = ReleaseRepository(members[0]);
        return repository is not null && members.All(m => ReleaseRepository(m) == repository) ? repository : null;
    }

    // gh:owner/repo@tag → gh:owner/repo; null for anything that is not a release.
    private static string? ReleaseRepository(Member member) => GitHubRepo.RepositoryKeyOf(member.CanonicalKey);
}
