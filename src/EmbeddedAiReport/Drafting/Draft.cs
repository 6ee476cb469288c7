namespace EmbeddedAiReport.Drafting;

/// <summary>A draft issue: its date, window and the selected items by section, in order.</summary>
/// <param name="Date">The issue date shown in the heading: the last day of the window.</param>
public sealed record Draft(DateOnly Date, DraftWindow Window, IReadOnlyList<DraftSectionItems> Sections)
{
    /// <summary>How many items the draft holds (the 导读 count).</summary>
    public int Count => Sections.Sum(s => s.Items.Count);

    /// <summary>
    /// The dates of the issues recorded in the database (published or imported), newest first; the template's 往期回顾 lists
    /// those before <see cref="Date"/>. Empty where the draft was not built from a database (<see cref="DraftExporter"/> fills it).
    /// </summary>
    public IReadOnlyList<DateOnly> RecordedIssues { get; init; } = [];
}
