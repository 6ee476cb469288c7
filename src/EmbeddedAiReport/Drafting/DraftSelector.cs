using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Drafting;

/// <summary>Chooses and orders a window's entries into sections.</summary>
/// <remarks>
/// Shortlisted entries are always in (even past the section's quota); other candidates need at least
/// <see cref="DraftOptions.MinScore"/> and a place within <see cref="DraftOptions.Quotas"/>.
/// Entries of one story appear once: a shortlisted member, else the story's primary, else the best-scored.
/// That item carries the story's paper/repository links and, when it is the paper or repository itself,
/// the other members as write-ups. Order within a section: score descending, then time, then id, so the
/// same data always gives the same draft.
/// </remarks>
public sealed class DraftSelector(DraftOptions options)
{
    public Draft Select(IReadOnlyList<StoredEntry> entries, DraftWindow window)
    {
        var eligible = entries
            .Where(e => e.Status == "shortlisted" || (e.Status == "candidate" && e.Score >= options.MinScore))
            .OrderByDescending(e => e.Status == "shortlisted")
            .ThenByDescending(e => e.IsStoryPrimary)
            .ThenByDescending(e => e.Score)
            .ThenBy(e => e.Published ?? e.FirstSeen)
            .ThenBy(e => e.Id)
            .GroupBy(e => e.StoryId is { } story ? $"story:{story}" : $"entry:{e.Id}")
            .Select(g => ToItem(g.First(), g.Skip(1).ToList()))
            .OrderByDescending(i => i.Shortlisted)
            .ThenByDescending(i => i.Item.Score)
            .ThenBy(i => i.Time)
            .ThenBy(i => i.Item.EntryId)
            .ToList();

        var sections = new List<DraftSectionItems>();
        foreach (var section in options.EffectiveSections)
        {
            var inSection = eligible.Where(i => string.Equals(i.Section, section.Slug, StringComparison.OrdinalIgnoreCase)).ToList();
            var quota = Math.Max(options.QuotaFor(section.Slug), inSection.Count(i => i.Shortlisted));
            var items = inSection.Take(quota).Select(i => i.Item).ToList();
            if (items.Count > 0 || options.KeepEmptySections)
                sections.Add(new DraftSectionItems(section.Slug, section.Name, section.EffectiveShortName, section.Note, items));
        }
        return new Draft(window.Last, window, sections);
    }

    private static (DraftItem Item, string? Section, DateTimeOffset Time, bool Shortlisted) ToItem(StoredEntry e, IReadOnlyList<StoredEntry> others)
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
            .Where(l => l.Target != e.CanonicalKey && !e.CanonicalKey.StartsWith(l.Target + "@", StringComparison.Ordinal))
            .DistinctBy(l => l.Target)
            .OrderBy(l => l.Kind == "arxiv" ? 0 : l.Kind == "github" ? 1 : 2)
            .ToList();
        var writeups = IsOriginal(e)
            ? others.Where(o => !IsOriginal(o)).Select(o => new DraftWriteup(o.Id, o.Title, o.Account, o.Url)).ToList()
            : [];
        var item = new DraftItem(e.Id, e.CanonicalKey, e.Title, e.Account, e.Url, e.Prefix, e.Summary, e.Score, distinct)
        {
            LinkTitles = titles,
            Writeups = writeups,
        };
        return (item, e.Section, e.Published ?? e.FirstSeen, e.Status == "shortlisted");
    }

    // The paper or repository itself, as opposed to a post about it.
    private static bool IsOriginal(StoredEntry e) =>
        e.CanonicalKey.StartsWith("arxiv:", StringComparison.Ordinal) || e.CanonicalKey.StartsWith("gh:", StringComparison.Ordinal);
}
