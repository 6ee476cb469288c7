using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>For <c>entries --explain</c>: whether each listed entry is in its draft or why it is out (the review page says the same).</summary>
internal static class EntryDecisions
{
    /// <summary>Decisions from the draft of <paramref name="window"/>, or, with no window, from the draft of each entry's editorial week (the week of its window time: a late arrival's is the week it moved into).</summary>
    public static async Task<IReadOnlyDictionary<long, DraftDecision>> ForAsync(IServiceProvider services, LoadedConfig config, DraftWindow? window,
        IEnumerable<StoredEntry> entries, CancellationToken cancellationToken)
    {
        var zone = config.Draft.Zone();
        var windows = window is not null
            ? [window]
            : entries.Select(e => EditorialWeek.Containing(e.WindowTime ?? e.Published ?? e.FirstSeen, zone)).Distinct().OrderBy(w => w.Year).ThenBy(w => w.Week).Select(w => DraftWindow.Of(w, zone)).ToList();
        var review = services.GetRequiredService<DraftReview>();
        var decisions = new Dictionary<long, DraftDecision>();
        foreach (var each in windows)
            foreach (var (id, decision) in (await review.BuildAsync(each, cancellationToken)).Decisions) decisions.TryAdd(id, decision);
        return decisions;
    }
}
