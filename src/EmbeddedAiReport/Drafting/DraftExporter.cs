using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Summaries;

namespace EmbeddedAiReport.Drafting;

/// <summary>Builds the draft of a window from the database: read a consistent snapshot, select, order.</summary>
/// <remarks>
/// The editor's overrides (title, summary, section, place) are applied by the read; places order the selected items. Stored
/// model 摘要 replace source summaries the editor did not edit (only while summaries are on). The recorded issues' dates
/// come with the draft for its 往期回顾 (<see cref="Draft.RecordedIssues"/>).
/// </remarks>
public sealed class DraftExporter(EntryStore entries, DraftSelector selector, DraftSummaries? summaries = null, IssueStore? issues = null)
{
    private int _built;

    /// <summary>How many drafts this exporter built (for tests).</summary>
    internal int Built => Volatile.Read(ref _built);

    public async Task<Draft> BuildAsync(DraftWindow window, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _built);
        var candidates = await entries.ListWindowAsync(window.FromUtc, window.ToUtc, cancellationToken);
        var draft = Arrange(selector.Select(candidates, window), candidates);
        if (issues is not null)
            draft = draft with { RecordedIssues = [.. (await issues.DatesAsync(cancellationToken)).Select(i => i.Date)] };
        return summaries is null ? draft : await summaries.ApplyAsync(draft, cancellationToken);
    }

    /// <summary>
    /// Orders each section's items as the editor placed them: entries with a place first, by place, then the others in the
    /// selector's order. Places only order what the selector chose; they never bring an entry in or push one out.
    /// </summary>
    public static Draft Arrange(Draft draft, IReadOnlyList<StoredEntry> candidates)
    {
        var positions = candidates.Where(c => c.Position is not null).ToDictionary(c => c.Id, c => c.Position!.Value);
        if (positions.Count == 0) return draft;
        return draft with
        {
            Sections = draft.Sections
                .Select(s => s with { Items = s.Items.OrderBy(i => positions.TryGetValue(i.EntryId, out var p) ? p : int.MaxValue).ToList() })
                .ToList(),
        };
    }
}
