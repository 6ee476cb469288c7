using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Drafting;

/// <summary>Builds the draft of a window from the database: read a consistent snapshot, select, order.</summary>
public sealed class DraftExporter(EntryStore entries, DraftSelector selector)
{
    public async Task<Draft> BuildAsync(DraftWindow window, CancellationToken cancellationToken)
    {
        var candidates = await entries.ListWindowAsync(window.FromUtc, window.ToUtc, cancellationToken);
        return selector.Select(candidates, window);
    }
}
