using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Drafting;

/// <summary>Chooses and orders a window's entries into sections.</summary>
/// <remarks>
/// Entries of one story appear once, and a story is as relevant as its best member: a write-up scored above the paper it
/// discusses keeps the story in the draft. The story shows a shortlisted member, else the primary the editor pinned, else a
/// member the editor edited or moved, else its primary, else its best-scored member; that item carries the story's paper/repository links and, when it is the paper or repository itself, the other
/// members as write-ups. A story whose shown member the editor rejected is out (the next member does not stand in for it).
/// Shortlisted stories are always in (even past the quota), rejected entries and withdrawn arXiv papers
/// (<see cref="StoredEntry.IsWithdrawnPaper"/>) and articles whose page was found gone after they were stored
/// (<see cref="StoredEntry.IsPageGone"/>) never unless shortlisted; other stories
/// need a member at or above its section's threshold (<see cref="DraftOptions.MinScore"/>, else the relevance model's
/// calibrated threshold) and a place within <see cref="DraftOptions.Quotas"/>, filled by relevance after the shortlisted
/// ones. Order within a section, shortlisted or not: relevance descending, then time, then id, so the same data always
/// gives the same draft (the editor's places, applied by <see cref="DraftExporter.Arrange"/>, come before it).
/// </remarks>
/// The model's thresholds are read per call from <paramref name="models"/>, so a reloaded ranker.json applies at once.
public sealed class DraftSelector(DraftOptions options, IOptionsMonitor<TaggingModel> models)
{
    /// <summary>A selector with a fixed model (tests, tools).</summary>
    public DraftSelector(DraftOptions options, TaggingModel model) : this(options, new FixedOptionsMonitor<TaggingModel>(model))
    {
    }

    public Draft Select(IReadOnlyList<StoredEntry> entries, DraftWindow window) => Select(entries, window, inPriorityOrder: false);

    /// <summary>
    /// The draft, each section's items in the order they were given places (<paramref name="inPriorityOrder"/>: shortlisted
    /// first, then by relevance) or in draft order (by relevance).
    /// </summary>
    internal Draft Select(IReadOnlyList<StoredEntry> entries, DraftWindow window, bool inPriorityOrder)
    {
        var stories = Stories(entries)
            .Select(g => Story(g.Members, g.Merged))
            .Where(s => s is not null)
            .Select(s => s!.Value)
            .OrderByDescending(i => i.Shortlisted)
            .ThenByDescending(i => i.Rank)
            .ThenBy(i => i.Time)
            .ThenBy(i => i.Item.EntryId)
            .ToList();

        var sections = new List<DraftSectionItems>();
        foreach (var section in options.EffectiveSections)
        {
            var inSection = stories.Where(i => string.Equals(i.Section, section.Slug, StringComparison.OrdinalIgnoreCase)).ToList();
            var quota = Math.Max(options.QuotaFor(section.Slug), inSection.Count(i => i.Shortlisted));
            var chosen = inSection.Take(quota);
            if (!inPriorityOrder) chosen = chosen.OrderByDescending(i => i.Rank).ThenBy(i => i.Time).ThenBy(i => i.Item.EntryId);
            var items = chosen.Select(i => i.Item).ToList();
            if (items.Count > 0 || options.KeepEmptySections)
                sections.Add(new DraftSectionItems(section.Slug, section.Name, section.EffectiveShortName, section.Note, items));
        }
        return new Draft(window.Last, window, sections);
    }

    /// <summary>The relevance below which a candidate of <paramref name="section"/> stays out of the draft.</summary>
    public double ThresholdFor(string? section) => options.MinScore ?? models.CurrentValue.ThresholdFor(section);

    /// <summary>The rejected entries that stand for their story (the member it would show): the story stays out of the draft.</summary>
    internal IEnumerable<long> RejectedStories(IReadOnlyList<StoredEntry> entries) =>
        Stories(entries).Select(g => Shown(g.Members, g.Merged)).Where(e => e.Status == "rejected").Select(e => e.Id);

    // The window's stories; rejected members are in them only to tell whether the editor rejected the story (Story).
    private static IEnumerable<(List<StoredEntry> Members, bool Merged)> Stories(IReadOnlyList<StoredEntry> entries) =>
        OneStoryPerRepository(entries
            .Where(e => e.Status is "shortlisted" or "rejected" || (e.Status == "candidate" && !e.IsWithdrawnPaper && !e.IsPageGone))
            .GroupBy(e => e.StoryId is { } story ? $"story:{story}" : $"entry:{e.Id}")
            .Select(g => g.ToList())
            .ToList());

    /// <summary>
    /// The stories with those that hold releases of one repository joined: the story pass places a release by its text and
    /// links, so a repo's builds of one week (llama.cpp's b2699, b2700) whose notes share nothing stay apart there, and the
    /// draft would list the repo once per release. <c>Merged</c>: the group joins several stories.
    /// </summary>
    private static IEnumerable<(List<StoredEntry> Members, bool Merged)> OneStoryPerRepository(List<List<StoredEntry>> stories)
    {
        var parent = Enumerable.Range(0, stories.Count).ToArray();
        int Root(int i) => parent[i] == i ? i : parent[i] = Root(parent[i]);
        var byRepo = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < stories.Count; i++)
        {
            foreach (var repo in stories[i].Select(e => GitHubRepo.RepositoryKeyOf(e.CanonicalKey)).OfType<string>())
            {
                if (byRepo.TryGetValue(repo, out var other)) parent[Root(i)] = Root(other);
                else byRepo[repo] = i;
            }
        }
        return Enumerable.Range(0, stories.Count).GroupBy(Root)
            .Select(g => (g.SelectMany(i => stories[i]).ToList(), g.Count() > 1));
    }

    private (DraftItem Item, string? Section, DateTimeOffset Time, bool Shortlisted, double Rank)? Story(List<StoredEntry> members, bool merged)
    {
        // The editor rejected what the story shows (the item they saw in the draft): the story is out, not shown by the
        // next member. A rejected write-up the story does not show only leaves it; a shortlisted or pinned member is shown
        // before any other, so it brings the story back.
        if (Shown(members, merged).Status == "rejected") return null;
        members = members.Where(e => e.Status != "rejected").ToList();
        var shortlisted = members.Any(e => e.Status == "shortlisted");
        var passing = members.Where(e => e.Status == "shortlisted" || e.Score >= ThresholdFor(e.Section)).ToList();
        if (passing.Count == 0) return null;
        var shown = Shown(members, merged);
        var rank = passing.Max(e => e.Score);
        var item = ToItem(shown, members.Where(e => e.Id != shown.Id).ToList()) with { Score = rank };
        return (item, shown.Section, shown.Published ?? shown.FirstSeen, shortlisted, rank);
    }

    // The member a story shows. The editor's choices first: a member they shortlisted, pinned, or edited (title, 摘要,
    // section, place) is the one their work shows on; a paper joining the story later must not hide an edited write-up.
    // Stories joined by their repository show its newest release, as a story's primary is (StoryPrimary).
    private static StoredEntry Shown(List<StoredEntry> members, bool merged)
    {
        var newestRelease = merged
            ? members.Where(e => GitHubRepo.RepositoryKeyOf(e.CanonicalKey) is not null).MaxBy(e => (e.Published ?? e.FirstSeen, e.Id))
            : null;
        return members
            .OrderByDescending(e => e.Status == "shortlisted")
            .ThenByDescending(e => e.IsPinnedPrimary)
            .ThenByDescending(e => e.IsEditedByEditor)
            .ThenByDescending(e => e.Id == newestRelease?.Id)
            .ThenByDescending(e => e.IsStoryPrimary)
            .ThenByDescending(e => e.Score)
            .ThenBy(e => e.Published ?? e.FirstSeen)
            .ThenBy(e => e.Id)
            .First();
    }

    private static DraftItem ToItem(StoredEntry e, IReadOnlyList<StoredEntry> others)
    {
        var links = new List<EntryLink>(e.Links);
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var other in others)
        {
            if (IsOriginal(other) && other.CanonicalKey != e.CanonicalKey)
            {
                var kind = other.CanonicalKey.StartsWith("arxiv:", StringComparison.Ordinal) ? "arxiv" : "github";
                links.Add(new EntryLink(kind, other.CanonicalKey, other.Url));
                titles.TryAdd(other.CanonicalKey, other.Title);
            }
            links.AddRange(other.Links);
        }
        var distinct = links
            .Where(l => l.Target != e.CanonicalKey && !e.CanonicalKey.StartsWith(l.Target + "@", StringComparison.Ordinal)
                        && (GitHubRepo.RepositoryKeyOf(l.Target) is not { } repo || repo != GitHubRepo.RepositoryKeyOf(e.CanonicalKey)))   // not its own repo's other releases
            .DistinctBy(l => l.Target)
            .OrderBy(l => l.Kind == "arxiv" ? 0 : l.Kind == "github" ? 1 : 2)
            .ToList();
        var writeups = IsOriginal(e)
            ? others.Where(o => !IsOriginal(o)).Select(o => new DraftWriteup(o.Id, o.Title, o.Account, o.Url)).ToList()
            : [];
        return new DraftItem(e.Id, e.CanonicalKey, e.Title, e.Account, e.Url, e.Prefix, e.Summary, e.Score, distinct)
        {
            LinkTitles = titles,
            Writeups = writeups,
            EditorSummary = e.EditorSummary,
        };
    }

    // The paper or repository itself, as opposed to a post about it.
    private static bool IsOriginal(StoredEntry e) =>
        e.CanonicalKey.StartsWith("arxiv:", StringComparison.Ordinal) || e.CanonicalKey.StartsWith("gh:", StringComparison.Ordinal);
}
