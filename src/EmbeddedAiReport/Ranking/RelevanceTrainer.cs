using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Ranking;

/// <summary>Trains a <see cref="RelevanceModel"/>: L2-regularized logistic regression by averaged SGD, calibrated on held-out folds.</summary>
/// <remarks>
/// In the spirit of arxiv-sanity's per-user linear SVM over tf-idf: the editor's items are the positives, what was
/// available and not picked the negatives; both classes weigh the same in total, whatever their counts. Features seen in
/// fewer than <see cref="RelevanceTrainerOptions.MinDocuments"/> examples are dropped, so one item's own words cannot be
/// memorized. The linear score is calibrated (Platt) on scores of examples held out of their model, grouped so an issue's
/// items are held out together, and the draft threshold is the relevance that keeps
/// <see cref="RelevanceTrainerOptions.ThresholdRecall"/> of the held-out editor's items. Same examples in the same order
/// → the same model, byte for byte (fixed seeds).
/// </remarks>
public static class RelevanceTrainer
{
    private const int Seed = 20190331;   // the corpus' first issue

    // A section needs this many held-out editor's items for a threshold of its own; fewer fall back to the overall one.
    private const int MinSectionExamples = 20;

    /// <summary>Thrown when the examples cannot make a model (no positives or no negatives).</summary>
    public sealed class NoExamplesException(string message) : Exception(message);

    /// <summary>A calibrated model for <paramref name="examples"/>, tagged by <paramref name="tagger"/>.</summary>
    /// <exception cref="NoExamplesException">No relevant or no irrelevant example.</exception>
    public static RelevanceModel Train(IReadOnlyList<RankingExample> examples, TagMatcher tagger, string trainedOn, RelevanceTrainerOptions? options = null)
    {
        var documents = new Documents(tagger);
        foreach (var example in examples) documents.Add(example);
        return Train(documents.List, trainedOn, options);
    }

    /// <summary>A calibrated model for examples already featurized (<see cref="Documents"/>), in their order.</summary>
    /// <remarks>Drops from <paramref name="documents"/> the features no fit can learn (in place).</remarks>
    /// <exception cref="NoExamplesException">No relevant or no irrelevant example.</exception>
    internal static RelevanceModel Train(List<Document> documents, string trainedOn, RelevanceTrainerOptions? options = null)
    {
        options ??= new RelevanceTrainerOptions();
        if (!documents.Any(d => d.Label)) throw new NoExamplesException("no relevant examples (published, imported or shortlisted items) to learn from");
        if (documents.All(d => d.Label)) throw new NoExamplesException("no irrelevant examples (unpicked entries, flood, off-topic posts) to learn from");
        Prune(documents, options.MinDocuments);

        // Held-out scores for calibration: the editor's items dealt into folds by issue (an issue's items together, as
        // an unseen issue arrives), unpicked items one by one; each fold is scored by a model trained without it.
        var groups = documents.Where(d => d.Label).Select(d => d.Group).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select((g, i) => (g, i)).ToDictionary(p => p.g, p => p.i % options.CalibrationFolds, StringComparer.Ordinal);
        var folds = documents.Select((d, i) => d.Label ? groups[d.Group] : i % options.CalibrationFolds).ToArray();
        var heldOut = new List<(double Margin, bool Label, string? Section)>();
        // One buffer for the rows of every fit (each fold's and the final one): 50,000 examples make ~60 MB of them.
        var rows = new Rows(documents);
        for (var fold = 0; fold < options.CalibrationFolds; fold++)
        {
            var training = documents.Where((_, i) => folds[i] != fold).ToList();
            var testing = documents.Where((_, i) => folds[i] == fold).ToList();
            if (testing.Count == 0 || !training.Any(d => d.Label) || training.All(d => d.Label)) continue;
            var weights = Fit(training, options, rows);
            heldOut.AddRange(testing.Select(d => (Margin(weights, d.Features), d.Label, d.Section)));
        }
        var (scale, offset) = heldOut.Any(h => h.Label) && heldOut.Any(h => !h.Label) ? Platt(heldOut.Select(h => (h.Margin, h.Label)).ToList()) : (1.0, 0.0);
        var relevant = heldOut.Where(h => h.Label).ToList();
        var threshold = Threshold(relevant.Select(h => Sigmoid(scale * h.Margin + offset)).ToList(), options.ThresholdRecall);
        // Each section keeps its share of the editor's items: papers compete with hundreds of unpicked arXiv listings a
        // week, so their relevance runs lower than a chip-launch post's, and one threshold would empty that section first.
        var thresholds = relevant.Where(h => h.Section is not null).GroupBy(h => h.Section!, StringComparer.Ordinal)
            .Where(g => g.Count() >= MinSectionExamples)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Threshold(g.Select(h => Sigmoid(scale * h.Margin + offset)).ToList(), options.ThresholdRecall), StringComparer.Ordinal);

        var final = Fit(documents, options, rows);
        var compact = final.Where(p => Math.Abs(p.Value) >= 1e-4).ToDictionary(p => p.Key, p => (float)Math.Round(p.Value, 4));
        return new RelevanceModel(compact, scale, offset, threshold, thresholds, trainedOn);
    }

    internal sealed record Document((int Feature, float Value)[] Features, bool Label, string Group, string? Section, string Source);

    /// <summary>Examples as the fits read them, featurized as they are added: their text need not be kept, only their features.</summary>
    internal sealed class Documents(TagMatcher tagger)
    {
        private readonly List<(int, float)> _buffer = new(512);

        /// <summary>The documents so far, in the order of their examples (an editor's item with a summary makes two).</summary>
        public List<Document> List { get; } = [];

        public void Add(RankingExample example)
        {
            _buffer.Clear();
            var entry = example.Entry;
            RankingFeatures.Extract(entry, tagger.Occurrences(entry.Title, entry.Summary), _buffer);
            List.Add(new Document([.. _buffer], example.Relevant, example.Group, example.Relevant ? example.Section : null, example.Source));
            // Many unpicked examples are titles alone (archives keep no digest): the editor's items are also learned by
            // their titles alone, so that "has a summary" cannot stand in for "was picked".
            if (example.Relevant && entry.Summary.Length > 0)
            {
                _buffer.Clear();
                var bare = entry with { Summary = "" };
                RankingFeatures.Extract(bare, tagger.Occurrences(bare.Title, ""), _buffer);
                List.Add(new Document([.. _buffer], true, example.Group, null, example.Source));
            }
        }
    }

    // The documents of one fit as rows of (vocabulary index, value), laid end to end: row i is Columns and Values from
    // Starts[i] to Starts[i + 1]. Sized for all the examples once, so the folds' fits reuse it rather than each allocating
    // an array per example.
    private sealed class Rows
    {
        public readonly int[] Starts;
        public readonly int[] Columns;
        public readonly float[] Values;

        public Rows(List<Document> all)
        {
            var length = all.Sum(d => d.Features.Length);
            (Starts, Columns, Values) = (new int[all.Count + 1], new int[length], new float[length]);
        }
    }

    // In how many documents each feature occurs.
    private static Dictionary<int, int> Frequency(List<Document> documents)
    {
        var frequency = new Dictionary<int, int>();
        foreach (var document in documents)
            foreach (var (feature, _) in document.Features) frequency[feature] = frequency.GetValueOrDefault(feature) + 1;
        return frequency;
    }

    private static bool Learnable(KeyValuePair<int, int> frequency, int minDocuments) => frequency.Value >= minDocuments || frequency.Key == RankingFeatures.Bias;

    // A feature in fewer than minDocuments of all the documents is in fewer in every fit's (a fold learns from some of
    // them), so in no vocabulary and no margin: dropped once here, the documents and the rows keep only what some fit
    // learns (most of the words and bigrams seen once or twice: the bulk of 50,000 labels' features).
    private static void Prune(List<Document> documents, int minDocuments)
    {
        var learnable = Frequency(documents).Where(p => Learnable(p, minDocuments)).Select(p => p.Key).ToHashSet();
        for (var i = 0; i < documents.Count; i++)
        {
            var features = documents[i].Features;
            var kept = features.Count(f => learnable.Contains(f.Feature));
            if (kept < features.Length) documents[i] = documents[i] with { Features = [.. features.Where(f => learnable.Contains(f.Feature))] };
        }
    }

    private static Dictionary<int, double> Fit(List<Document> documents, RelevanceTrainerOptions options, Rows rows)
    {
        // Vocabulary: features in enough documents, indexed in hash order so the result does not depend on dictionary order.
        var vocabulary = Frequency(documents).Where(p => Learnable(p, options.MinDocuments)).Select(p => p.Key).Order().ToArray();
        var index = vocabulary.Select((f, i) => (f, i)).ToDictionary(p => p.f, p => p.i);
        var (starts, columns, values) = (rows.Starts, rows.Columns, rows.Values);
        var end = 0;
        for (var i = 0; i < documents.Count; i++)
        {
            starts[i] = end;
            foreach (var (feature, value) in documents[i].Features)
            {
                if (!index.TryGetValue(feature, out var column)) continue;
                columns[end] = column;
                values[end++] = value;
            }
        }
        starts[documents.Count] = end;
        // Both classes weigh half; within the unpicked half every source (a file, the database) weighs the same, so a big
        // archive of one kind of item does not decide alone what "unpicked" looks like.
        var positives = documents.Count(d => d.Label);
        var sources = documents.Where(d => !d.Label).GroupBy(d => d.Source, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var weightOf = documents.Select(d => d.Label
            ? documents.Count / (2.0 * positives)
            : documents.Count / (2.0 * sources.Count * sources[d.Source])).ToArray();

        var weights = new double[vocabulary.Length];
        var average = new double[vocabulary.Length];
        var order = Enumerable.Range(0, documents.Count).ToArray();
        var random = new Random(Seed);
        var steps = 0L;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            random.Shuffle(order);
            var rate = options.LearningRate / (1 + 0.2 * epoch);
            foreach (var i in order)
            {
                var (first, last) = (starts[i], starts[i + 1]);
                var label = documents[i].Label;
                double margin = 0;
                for (var k = first; k < last; k++) margin += weights[columns[k]] * values[k];
                var gradient = weightOf[i] * (Sigmoid(margin) - (label ? 1 : 0));
                for (var k = first; k < last; k++)
                {
                    var j = columns[k];
                    weights[j] -= rate * (gradient * values[k] + options.L2 * weights[j]);
                }
                // Averaging the second half of the run smooths SGD's last steps into a stable solution.
                if (epoch >= options.Epochs / 2)
                {
                    steps++;
                    for (var k = first; k < last; k++) average[columns[k]] += (weights[columns[k]] - average[columns[k]]) / steps;
                }
            }
        }
        var result = new Dictionary<int, double>(vocabulary.Length);
        for (var j = 0; j < vocabulary.Length; j++) result[vocabulary[j]] = average[j];
        return result;
    }

    private static double Margin(Dictionary<int, double> weights, (int Feature, float Value)[] features)
    {
        double sum = 0;
        foreach (var (feature, value) in features)
            if (weights.TryGetValue(feature, out var w)) sum += w * value;
        return sum;
    }

    // Platt scaling: σ(A·m + B) fitted by Newton's method on the balanced log loss of held-out margins, with Platt's
    // smoothed targets ((N₊+1)/(N₊+2) and 1/(N₋+2)) so that separable scores give a finite slope, not an infinite one.
    private static (double Scale, double Offset) Platt(List<(double Margin, bool Label)> scores)
    {
        var positives = scores.Count(s => s.Label);
        var negatives = scores.Count - positives;
        var weightOf = (Positive: scores.Count / (2.0 * positives), Negative: scores.Count / (2.0 * negatives));
        var target = (Positive: (positives + 1.0) / (positives + 2.0), Negative: 1.0 / (negatives + 2.0));
        double a = 1, b = 0;
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            foreach (var (m, label) in scores)
            {
                var w = label ? weightOf.Positive : weightOf.Negative;
                var p = Sigmoid(a * m + b);
                var r = w * (p - (label ? target.Positive : target.Negative));
                var h = w * p * (1 - p);
                ga += r * m; gb += r;
                haa += h * m * m; hab += h * m; hbb += h;
            }
            haa += 1e-6; hbb += 1e-6;
            var det = haa * hbb - hab * hab;
            if (Math.Abs(det) < 1e-15) break;
            var da = (hbb * ga - hab * gb) / det;
            var db = (haa * gb - hab * ga) / det;
            // Damped: a Newton step on a nearly separable set can overshoot far past the optimum.
            var step = Math.Min(1, 2 / Math.Max(Math.Abs(da), Math.Abs(db)));
            a -= step * da; b -= step * db;
            if (Math.Abs(da) + Math.Abs(db) < 1e-9) break;
        }
        return a > 0 && double.IsFinite(a) && double.IsFinite(b) ? (a, b) : (1, 0);
    }

    private static double Threshold(List<double> positives, double recall)
    {
        if (positives.Count == 0) return 0.5;
        positives.Sort();
        var index = (int)Math.Floor((1 - recall) * positives.Count);
        return Math.Round(Math.Clamp(positives[Math.Clamp(index, 0, positives.Count - 1)], 0.001, 0.25), 4);
    }

    internal static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
