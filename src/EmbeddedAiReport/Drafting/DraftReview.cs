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
    /// <returns>
    /// Where the item now is (1-based, of how many items its section has), or why it was not moved (the entry is not an item
    /// of that draft).
    /// </returns>
    public async Task<MoveResult> MoveToAsync(long entryId, int position, DraftWindow window, CancellationToken cancellationToken)
    {
        // The draft is read while the move holds the write lock: two editors moving items of one section at once each
        // placed theirs in the order read before either wrote, and the second write put the first one's item back.
        MoveResult? moved = null;
        await editor.SetPositionsAsync(async () =>
        {
            var draft = await exporter.BuildAsync(window, cancellationToken);
            var section = draft.Sections.FirstOrDefault(s => s.Items.Any(i => i.EntryId == entryId));
            if (section is null)
            {
                moved = await NotAnItemAsync(entryId, window, draft, cancellationToken);
                return null;
            }
            var ids = section.Items.Select(i => i.EntryId).Where(id => id != entryId).ToList();
            var place = Math.Clamp(position - 1, 0, ids.Count);
            ids.Insert(place, entryId);
            moved = new MoveResult(null, place + 1, ids.Count);
            return ids;
        }, cancellationToken);
        return moved!;
    }

    // Why it is out, as the page shows it: a page read before a poll folded the entry into another story offers ↑/↓ on
    // an entry that now only its story's primary stands for, which shortlisting would not change.
    private async Task<MoveResult> NotAnItemAsync(long entryId, DraftWindow window, Draft draft, CancellationToken cancellationToken)
    {
        var entries = await editor.ListWindowAsync(window.FromUtc, window.ToUtc, cancellationToken);
        var why = entries.Any(e => e.Entry.Id == entryId) ? explainer.Explain(entries, draft, window).GetValueOrDefault(entryId) : null;
        var hint = why switch
        {
            { Kind: DraftDecisionKind.NotStoryPrimary, RelatedEntryId: { } primary } => $"{why.Text}; mark {entryId} --primary to show it instead of #{primary}",
            { Kind: DraftDecisionKind.Rejected or DraftDecisionKind.Published or DraftDecisionKind.NamedByIssue or DraftDecisionKind.NoSection or DraftDecisionKind.Withdrawn } => why.Text,
            null => "shortlist it first",
            _ => $"{why.Text}; shortlist it first",
        };
        return new MoveResult($"entry {entryId} is not an item of the draft of {window.First:yyyy-MM-dd} .. {window.Last:yyyy-MM-dd} ({hint})", 0, 0);
    }

    /// <summary>What a move did.</summary>
    /// <param name="Problem">Why the entry was not moved; null when it was.</param>
    /// <param name="Place">The item's place in its section now (a place past the end is the last one).</param>
    /// <param name="Of">How many items the section has.</param>
    public sealed record MoveResult(string? Problem, int Place, int Of)
    {
        /// <summary>The line the CLI and the review page print for a move of <paramref name="entryId"/>.</summary>
        public string Describe(long entryId) => $"{entryId}: place {Place} of {Of} in its section";
    }
}
