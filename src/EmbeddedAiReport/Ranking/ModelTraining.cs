using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Ranking;

/// <summary>Trains the section router and the relevance model from the shipped examples and the editor's labels in the database.</summary>
/// <remarks>
/// Examples: the items of past issues (positives; the router learns their sections), files of unpicked items and off-topic
/// posts (negatives), and the database's labels (<see cref="LabelStore"/>): published and imported issues, shortlist and
/// reject marks, and each recorded window's unpicked candidates. A database label replaces a file example with the same key.
/// Deterministic: the same files and database give the same models, byte for byte.
/// </remarks>
public sealed class ModelTraining(LabelStore labels)
{
    /// <summary>What to learn from besides the database.</summary>
    /// <param name="Issues">Past issues (positives).</param>
    /// <param name="Negatives">Unpicked items and off-topic posts.</param>
    public sealed record Inputs(IReadOnlyList<CorpusIssue> Issues, IReadOnlyList<(string Source, IReadOnlyList<CandidateEntry> Entries)> Negatives);

    /// <summary>The trained models and what they learned from.</summary>
    public sealed record Result(SectionRouter Router, RelevanceModel Ranker, int Positives, int Negatives, int FromDatabase);

    /// <exception cref="RelevanceTrainer.NoExamplesException">No positives or no negatives at all.</exception>
    public async Task<Result> TrainAsync(Inputs inputs, Taxonomy taxonomy, IReadOnlyList<string> classes, TimeZoneInfo zone, double routerMinConfidence,
        bool useDatabase, CancellationToken cancellationToken)
    {
        var stored = useDatabase ? await labels.ReadAsync(zone, cancellationToken) : [];
        var fromDatabase = stored
            .Select(l => new RankingExample(l.Entry.ToCandidate(), l.Relevant, $"db:{l.Group}", l.Section, "database"))
            .ToList();
        var databaseKeys = fromDatabase.Select(e => e.Entry.CanonicalKey).ToHashSet(StringComparer.Ordinal);
        var fromFiles = TrainingFiles.Positives(inputs.Issues)
            .Concat(inputs.Negatives.SelectMany(n => n.Entries.Select(e => new RankingExample(e, false, n.Source, null, n.Source))))
            .Where(e => !databaseKeys.Contains(e.Entry.CanonicalKey))
            .ToList();
        var examples = fromFiles.Select(e => e.WithoutAccount()).Concat(fromDatabase).ToList();

        // The router tells sections apart among the editor's items, accounts included (安兔兔 writes news, not papers).
        var sections = fromFiles.Concat(fromDatabase)
            .Where(e => e.Relevant && e.Section is not null && classes.Contains(e.Section)).Select(e => (e.Entry, e.Section!)).ToList();
        var positives = examples.Count(e => e.Relevant);
        var description = $"{inputs.Issues.Count} issues, {positives} editor's items, {examples.Count - positives} unpicked"
            + (fromDatabase.Count > 0 ? $" ({fromDatabase.Count} labels from the database)" : "");
        var router = RouterTrainer.Train(sections, taxonomy.Matcher, classes, routerMinConfidence, description);
        var ranker = RelevanceTrainer.Train(examples, taxonomy.Matcher, description);
        return new Result(router, ranker, positives, examples.Count - positives, fromDatabase.Count);
    }
}
