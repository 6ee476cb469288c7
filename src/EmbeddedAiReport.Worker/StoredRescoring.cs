using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Worker;

/// <summary>
/// Scores and tags stored entries again with a relevance model, tags.json and the sources' weights: the one rescoring that
/// <c>train</c> (with the models it learned), <c>rescore</c> and the daemon after a reload (with the loaded ones) run.
/// </summary>
/// <remarks>
/// A stored entry's score and tags are made when it is stored (<see cref="EntryClassifier.Classify"/>); this makes them again
/// from the same stored text, the source's title and summary (<see cref="EntryClassifier.ClassifyStored"/>), so an
/// editor's title or summary counts no more here than at ingest. Its section stays: the editor saw the entry there, and
/// <c>move</c> changes it.
/// </remarks>
internal sealed class StoredRescoring(LoadedConfig config, LabelStore labels, IssueStore issues, TimeProvider timeProvider)
{
    /// <summary>Rescoring with <paramref name="model"/> (null: the loaded tags.json, router.json and ranker.json) and the loaded sources' weights.</summary>
    public Task<LabelStore.Rescored> RescoreAsync(LabelStore.RescoreScope scope, CancellationToken cancellationToken, TaggingModel? model = null)
    {
        var classifier = new EntryClassifier(model ?? config.Tagging, timeProvider);
        // A source sources.json no longer has weighs 0, as entries --explain weighs it.
        var weights = config.Sources.ToDictionary(s => s.Id, s => s.Weight, StringComparer.Ordinal);
        return labels.RescoreAsync(e => classifier.ClassifyStored(e, weights.GetValueOrDefault(e.SourceId)), cancellationToken, scope);
    }

    /// <summary>
    /// The entries no recorded issue's window holds yet: from the day after the last published or imported issue covers
    /// (every entry when none was recorded). What the next draft is made of, bounded however many entries are history.
    /// </summary>
    public async Task<(LabelStore.RescoreScope Scope, DateOnly? First)> UnpublishedAsync(IReadOnlyCollection<string>? sources, CancellationToken cancellationToken)
    {
        if (await issues.LastCoveredAsync(cancellationToken) is not var (last, windowEnd)) return (new LabelStore.RescoreScope(Sources: sources), null);
        // Where --since-last starts (the published window's end after a Draft:TimeZone change).
        var next = DraftWindow.After(last, windowEnd, last.AddDays(1), config.Draft.Zone());
        return (new LabelStore.RescoreScope(next.FromUtc, Sources: sources), next.First);
    }
}
