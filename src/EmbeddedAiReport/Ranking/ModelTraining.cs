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
    public Task<Result> TrainAsync(Inputs inputs, Taxonomy taxonomy, IReadOnlyList<string> classes, TimeZoneInfo zone, double routerMinConfidence,
        bool useDatabase, CancellationToken cancellationToken) =>
        // Not async itself: an async method holds its parameters to its end, and the files' texts are needed only while reading.
        TrainAsync(ReadAsync(inputs, taxonomy, classes, zone, useDatabase, cancellationToken), inputs.Issues.Count, taxonomy, classes, routerMinConfidence);

    private static async Task<Result> TrainAsync(Task<(RelevanceTrainer.Documents, Learned, Learned)> reading, int issues, Taxonomy taxonomy,
        IReadOnlyList<string> classes, double routerMinConfidence)
    {
        var (documents, fromFiles, fromDatabase) = await reading;
        // What reading left behind (the labels' text, the keys a label replaced files' examples by) is garbage now, much of
        // it long-lived, and so is the count of every feature once the store is compacted: each collected and given back
        // (Aggressive) before the fits, which hold the store for a minute or more (round 40: a big installation's peak).
        ManagedMemory.GiveBack();
        var positives = fromFiles.Positives + fromDatabase.Positives;
        var examples = fromFiles.Examples + fromDatabase.Examples;
        var description = $"{issues} issues, {positives} editor's items, {examples - positives} unpicked"
            + (fromDatabase.Examples > 0 ? $" ({fromDatabase.Examples} labels from the database)" : "");
        var router = RouterTrainer.Train([.. fromFiles.Sections, .. fromDatabase.Sections], taxonomy.Matcher, classes, routerMinConfidence, description);
        var ranker = RelevanceTrainer.Train(documents, description, compacted: ManagedMemory.GiveBack);
        return new Result(router, ranker, positives, examples - positives, fromDatabase.Examples);
    }

    // One store of the ranker's documents (features, not text), in the order the models learn them: the files' examples
    // first, featurized now, those a database label replaces left out once the labels are read; then the database's
    // labels, featurized as they are read and their text dropped: a big installation's every unpicked candidate is a label
    // (48,463 of 50,000 entries), and the fits need only each one's features. What only reading needs (the files' examples,
    // the labels' keys) is this method's own, unreachable once it returns.
    private async Task<(RelevanceTrainer.Documents Documents, Learned FromFiles, Learned FromDatabase)> ReadAsync(Inputs inputs, Taxonomy taxonomy,
        IReadOnlyList<string> classes, TimeZoneInfo zone, bool useDatabase, CancellationToken cancellationToken)
    {
        var documents = new RelevanceTrainer.Documents(taxonomy.Matcher);
        var files = TrainingFiles.Positives(inputs.Issues)
            .Concat(inputs.Negatives.SelectMany(n => n.Entries.Select(e => new RankingExample(e, false, n.Source, null, n.Source))))
            .Select(example => (Example: example, Rows: documents.Add(example.WithoutAccount()))).ToList();
        var fromDatabase = new Learned(classes);
        var databaseKeys = new HashSet<string>(StringComparer.Ordinal);
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        if (useDatabase)
            await labels.ReadAsync(zone, label =>
            {
                if (!groups.TryGetValue(label.Group, out var group)) groups.Add(label.Group, group = $"db:{label.Group}");
                var example = new RankingExample(label.Entry.ToCandidate(), label.Relevant, group, label.Section, "database");
                databaseKeys.Add(example.Entry.CanonicalKey);
                documents.Add(example);
                fromDatabase.Add(example);
            }, cancellationToken);
        var fromFiles = new Learned(classes);
        var row = 0;
        foreach (var (example, rows) in files)
        {
            if (databaseKeys.Contains(example.Entry.CanonicalKey)) documents.Remove(row, rows);
            else fromFiles.Add(example);
            row += rows;
        }
        return (documents, fromFiles, fromDatabase);
    }

    // What the router keeps of examples, in their order: the editor's items of a known section (few: what the editor
    // picked), and counts. A file's items keep their account here (安兔兔 writes news, not papers); the ranker learns
    // them without it.
    private sealed class Learned(IReadOnlyList<string> classes)
    {
        public List<(CandidateEntry Entry, string Section)> Sections { get; } = [];
        public int Examples { get; private set; }
        public int Positives { get; private set; }

        public void Add(RankingExample example)
        {
            Examples++;
            if (!example.Relevant) return;
            Positives++;
            if (example.Section is not null && classes.Contains(example.Section)) Sections.Add((example.Entry, example.Section));
        }
    }
}
