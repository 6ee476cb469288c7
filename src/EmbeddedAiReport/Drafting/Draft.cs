namespace EmbeddedAiReport.Drafting;

/// <summary>A draft issue: its date, window and the selected items by section, in order.</summary>
/// <param name="Date">The issue date shown in the heading: the last day of the window.</param>
public sealed record Draft(DateOnly Date, DraftWindow Window, IReadOnlyList<DraftSectionItems> Sections)
{
    /// <summary>How many items the draft holds (the 导读 count).</summary>
    public int Count => Sections.Sum(s => s.Items.Count);
}
