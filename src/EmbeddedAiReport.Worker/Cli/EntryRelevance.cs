using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>How an entry's stored relevance was made, as <c>entries --explain</c> prints it and the review page's "why" line shows it.</summary>
internal static class EntryRelevance
{
    /// <summary>
    /// The loaded relevance model's reasons (its strongest features for and against, the section's threshold), or the keyword
    /// score's parts without a model; with a note when the stored score is not what the loaded model, tags.json and the
    /// source's weight give now.
    /// </summary>
    public static string Explain(EntryClassifier classifier, LoadedConfig config, StoredEntry entry)
    {
        var weight = config.Sources.FirstOrDefault(s => s.Id == entry.SourceId)?.Weight ?? 0;
        var relevance = classifier.ExplainStored(entry, weight);
        // Stored scores are made at ingest (or at the last train, rescore or daemon's reload) by the model, tags.json and the
        // source's weight of then; say so when those of now disagree (which of them changed is not known here).
        var stale = Relevance.Format(relevance.Score) != Relevance.Format(entry.Score)
            ? $" [stored {Relevance.Format(entry.Score)}: scored before the relevance model, tags.json or the source's weight changed; run rescore]"
            : "";
        return $"{relevance}{stale}";
    }
}
