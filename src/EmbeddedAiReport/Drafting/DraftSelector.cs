using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Drafting;

/// <summary>Chooses and orders a window's entries into sections.</summary>
/// <remarks>
/// Shortlisted entries are always in (even past the section's quota); other candidates need at least
/// <see cref="DraftOptions.MinScore"/> and a place within <see cref="DraftOptions.Quotas"/>.
/// Entries of one story appear once (the best-scored). Order within a section: score descending, then
/// time, then id, so the same data always gives the same draft.
/// </remarks>
public sealed class DraftSelector(DraftOptions options)
{
    public Draft Select(IReadOnlyList<StoredEntry> entries, DraftWindow window)
    {
        var eligible = entries
            .Where(e => e.Status == "shortlisted" || (e.Status == "candidate" && e.Score >= options.MinScore))
            .OrderByDescending(e => e.Status == "shortlisted")
            .ThenByDescending(e => e.Score)
            .ThenBy(e => e.Published ?? e.FirstSeen)
            .ThenBy(e => e.Id)
            .DistinctBy(e => e.StoryId is { } story ? $"story:{story}" : $"entry:{e.Id}")
            .ToList();

        var sections = new List<DraftSectionItems>();
        foreach (var section in options.EffectiveSections)
        {
            var inSection = eligible.Where(e => string.Equals(e.Section, section.Slug, StringComparison.OrdinalIgnoreCase)).ToList();
            var quota = options.QuotaFor(section.Slug);
            var shortlisted = inSection.Count(e => e.Status == "shortlisted");
            var items = inSection.Take(Math.Max(quota, shortlisted)).Select(ToItem).ToList();
            if (items.Count > 0 || options.KeepEmptySections)
                sections.Add(new DraftSectionItems(section.Slug, section.Name, section.EffectiveShortName, section.Note, items));
        }
        return new Draft(window.Last, window, sections);
    }

    private static DraftItem ToItem(StoredEntry e) =>
        new(e.Id, e.CanonicalKey, e.Title, e.Account, e.Url, e.Prefix, e.Summary, e.Score, e.Links);
}
