namespace EmbeddedAiReport.Storage;

/// <summary>An entry of a window as the editor reviews it: the entry with overrides applied, its tags, and what the source gave.</summary>
/// <param name="Entry">The entry with the editor's title, summary, section and position applied (what drafts see).</param>
/// <param name="CoveredBy">Date (yyyy-MM-dd) of the recorded issue that names the entry or another member of its story, or null.</param>
/// <param name="SourceTitle">The title as polled when the editor changed it, else null.</param>
/// <param name="SourceSummary">The summary as polled when the editor changed it, else null.</param>
/// <param name="SourceSection">The section the pipeline chose when the editor moved the entry, else null.</param>
public sealed record ReviewEntry(StoredEntry Entry, IReadOnlyList<EntryTag> Tags, string? CoveredBy, string? SourceTitle, string? SourceSummary,
    string? SourceSection)
{
    /// <summary>True when the editor changed the title or the summary.</summary>
    public bool IsEdited => SourceTitle is not null || SourceSummary is not null;
}
