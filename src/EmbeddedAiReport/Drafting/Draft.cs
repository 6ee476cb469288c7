namespace EmbeddedAiReport.Drafting;

/// <summary>A draft issue: its date, window and the selected items by section, in order.</summary>
/// <param name="Date">The issue date shown in the heading: the last day of the window.</param>
public sealed record Draft(DateOnly Date, DraftWindow Window, IReadOnlyList<DraftSectionItems> Sections)
{
    /// <summary>How many items the draft holds (the 导读 count).</summary>
    public int Count => Sections.Sum(s => s.Items.Count);
}

/// <summary>One section of a draft with its items, best first.</summary>
public sealed record DraftSectionItems(string Slug, string Name, string ShortName, string? Note, IReadOnlyList<DraftItem> Items);

/// <summary>One item of a draft, with raw (unescaped) text.</summary>
/// <param name="Prefix">A label before the link (an arXiv id with version), or null.</param>
public sealed record DraftItem(long EntryId, string CanonicalKey, string Title, string? Account, string Url, string? Prefix, string Summary,
    double Score, IReadOnlyList<EntryLink> Links);
