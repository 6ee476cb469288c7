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
/// <param name="Links">The papers and repositories the item's story points to (its own links and its members').</param>
public sealed record DraftItem(long EntryId, string CanonicalKey, string Title, string? Account, string Url, string? Prefix, string Summary,
    double Score, IReadOnlyList<EntryLink> Links)
{
    /// <summary>Titles of linked papers/repositories whose own entry is in the story, by link target.</summary>
    public IReadOnlyDictionary<string, string> LinkTitles { get; init; } = new Dictionary<string, string>();

    /// <summary>Posts about this paper or repository (other entries of its story), shown as write-ups.</summary>
    public IReadOnlyList<DraftWriteup> Writeups { get; init; } = [];
}

/// <summary>A post in the same story as a paper or repository item, with raw text.</summary>
public sealed record DraftWriteup(long EntryId, string Title, string? Account, string Url);
