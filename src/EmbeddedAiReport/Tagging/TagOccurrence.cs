namespace EmbeddedAiReport.Tagging;

/// <summary>A tag found in an entry, with how often its terms occur in the title and in the summary.</summary>
public readonly record struct TagOccurrence(TagDefinition Tag, int InTitle, int InSummary)
{
    /// <summary>All occurrences.</summary>
    public int Total => InTitle + InSummary;
}
