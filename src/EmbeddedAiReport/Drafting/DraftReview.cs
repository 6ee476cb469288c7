using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Drafting;

/// <summary>The editor's view of a window: its draft as <c>export</c> builds it, every entry of the window, and why each is in or out.</summary>
public sealed class DraftReview(EditorStore editor, DraftExporter exporter, DraftExplainer explainer)
{
    /// <summary>Builds the draft and the decisions for <paramref name="window"/>.</summary>
    public async Task<DraftReviewResult> BuildAsync(DraftWindow window, CancellationToken cancellationToken)
    {
        var draft = await exporter.BuildAsync(window, cancellationToken);
        var entries = await editor.ListWindowAsync(window.FromUtc, window.ToUtc, cancellationToken);
        return new DraftReviewResult(window, draft, entries, explainer.Explain(entries, draft, window));
    }

    /// <summary>
    /// Puts an item of the window's draft at the 1-based <paramref name="position"/> within its section (clamped to the
    /// section), fixing the places of the section's other items as they are now shown.
    /// </summary>
    /// <returns>Null when moved, else why not (the entry is not an item of that draft).</returns>
    public async Task<string?> MoveToAsync(long entryId, int position, DraftWindow window, CancellationToken cancellationToken)
    {
        var draft = await exporter.BuildAsync(window, cancellationToken);
        var section = draft.Sections.FirstOrDefault(s => s.Items.Any(i => i.EntryId == entryId));
        if (section is null)
            return $"entry {entryId} is not an item of the draft of {window.First:yyyy-MM-dd} .. {window.Last:yyyy-MM-dd} (shortlist it first)";
        var ids = section.Items.Select(i => i.EntryId).Where(id => id != entryId).ToList();
        ids.Insert(Math.Clamp(position - 1, 0, ids.Count), entryId);
        await editor.SetPositionsAsync(ids, cancellationToken);
        return null;
    }
}
