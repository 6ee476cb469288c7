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
        return Train(documents, trainedOn, options);
    }

    /// <summary>A calibrated model for examples already featurized (<see cref="Documents"/>), in their order.</summary>
    /// <remarks>Compacts <paramref name="documents"/> in place (<see cref="Documents.Compact"/>): add none after.</remarks>
    /// <param name="compacted">Called once the documents are compacted, before the fits (<c>train</c> collects there).</param>
    /// <exception cref="NoExamplesException">No relevant or no irrelevant example.</exception>
    internal static RelevanceModel Train(Documents documents, string trainedOn, RelevanceTrainerOptions? options = null, Action? compacted = null)
    {
        options ??= new RelevanceTrainerOptions();
        var vocabulary = documents.Compact(options.MinDocuments);
        compacted?.Invoke();
        var all = Enumerable.Range(0, documents.Count).ToArray();
        if (!all.Any(documents.Label)) throw new NoExamplesException("no relevant examples (published, imported or shortlisted items) to learn from");
        if (all.All(documents.Label)) throw new NoExamplesException("no irrelevant examples (unpicked entries, flood, off-topic posts) to learn from");

        // Held-out scores for calibration: the editor's items dealt into folds by issue (an issue's items together, as
        // an unseen issue arrives), unpicked items one by one; each fold is scored by a model trained without it.
        var groups = all.Where(documents.Label).Select(i => documents.Info(i).Group).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select((g, i) => (g, i)).ToDictionary(p => p.g, p => p.i % options.CalibrationFolds, StringComparer.Ordinal);
        var folds = all.Select(i => documents.Label(i) ? groups[documents.Info(i).Group] : i % options.CalibrationFolds).ToArray();
        var heldOut = new List<(double Margin, bool Label, string? Section)>();
        // One set of arrays the length of the vocabulary for every fit: a fold's held-out margins are taken before the next.
        var fit = new Fitted(vocabulary.Length);
        for (var fold = 0; fold < options.CalibrationFolds; fold++)
        {
            var training = all.Where(i => folds[i] != fold).ToArray();
            var testing = all.Where(i => folds[i] == fold).ToArray();
            if (testing.Length == 0 || !training.Any(documents.Label) || training.All(documents.Label)) continue;
            Fit(documents, vocabulary, training, options, fit);
            heldOut.AddRange(testing.Select(i => (fit.Margin(documents, i), documents.Label(i), documents.Info(i).Section)));
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

        Fit(documents, vocabulary, all, options, fit);
        var compact = new Dictionary<int, float>();
        for (var j = 0; j < vocabulary.Length; j++)
            if (fit.Columns[j] >= 0 && Math.Abs(fit.Weights[fit.Columns[j]]) >= 1e-4) compact[vocabulary[j]] = (float)Math.Round(fit.Weights[fit.Columns[j]], 4);
        return new RelevanceModel(compact, scale, offset, threshold, thresholds, trainedOn);
    }

    /// <summary>What the fits know of an example besides its features.</summary>
    internal readonly record struct Example(bool Label, string Group, string? Section, string Source);

    /// <summary>
    /// Examples as the fits read them, featurized as they are added (their text need not be kept), in one compact store:
    /// each row's features and their values lie end to end in chunks of <see cref="ChunkLength"/>.
    /// </summary>
    /// <remarks>
    /// One copy of the features for every fit: a big installation's 48,000 labels make millions of them, and an array per
    /// example plus a buffer of rows per fit held them twice (round 38). Chunks, not one growing array: a doubled array
    /// leaves its old copies behind for the next full collection, as much again as the features. Until
    /// <see cref="Compact"/> a row's features are hashes; after it, indices into the vocabulary it returns, the features
    /// no fit can learn dropped in place.
    /// </remarks>
    internal sealed class Documents(TagMatcher tagger)
    {
        // Features of a chunk: 64 KB, under the large object heap's 85,000 bytes, so a chunk is allocated like any object.
        private const int ChunkLength = 16_000;

        private readonly List<(int, float)> _buffer = new(512);
        private readonly List<Example> _examples = [];
        private readonly List<(int Chunk, int Offset, int Length)> _rows = [];
        private readonly List<int[]> _features = [];
        private readonly List<ushort[]> _values = [];
        // The values are few distinct floats (1, thirds of a tag, 1/√n of a text block of n features): a row keeps each
        // one's index here, 2 bytes rather than 4, the same float back. Keyed by its bits, so that every float is its own.
        private readonly List<float> _table = [];
        private readonly Dictionary<int, ushort> _indexOf = [];
        private int _used;
        private List<int>? _removed;
        private bool _compacted;

        /// <summary>How many rows (documents) there are.</summary>
        public int Count => _examples.Count;

        public ReadOnlySpan<int> Features(int row)
        {
            var (chunk, offset, length) = _rows[row];
            return _features[chunk].AsSpan(offset, length);
        }

        /// <summary>Indices into <see cref="Table"/> of the values of <see cref="Features"/>(<paramref name="row"/>).</summary>
        public ReadOnlySpan<ushort> Values(int row)
        {
            var (chunk, offset, length) = _rows[row];
            return _values[chunk].AsSpan(offset, length);
        }

        /// <summary>The distinct values of the features, which <see cref="Values"/> index.</summary>
        public ReadOnlySpan<float> Table => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_table);

        public Example Info(int row) => _examples[row];

        public bool Label(int row) => _examples[row].Label;

        /// <summary>Featurizes <paramref name="example"/>; returns how many rows it made (an editor's item with a summary makes two).</summary>
        public int Add(RankingExample example)
        {
            if (_compacted) throw new InvalidOperationException("documents are added before they are compacted");
            var entry = example.Entry;
            _buffer.Clear();
            RankingFeatures.Extract(entry, tagger.Occurrences(entry.Title, entry.Summary), _buffer);
            Append(new Example(example.Relevant, example.Group, example.Relevant ? example.Section : null, example.Source));
            // Many unpicked examples are titles alone (archives keep no digest): the editor's items are also learned by
            // their titles alone, so that "has a summary" cannot stand in for "was picked".
            if (!example.Relevant || entry.Summary.Length == 0) return 1;
            _buffer.Clear();
            var bare = entry with { Summary = "" };
            RankingFeatures.Extract(bare, tagger.Occurrences(bare.Title, ""), _buffer);
            Append(new Example(true, example.Group, null, example.Source));
            return 2;
        }

        /// <summary>Leaves out rows added before (a file's example a database label replaces), at <see cref="Compact"/>.</summary>
        public void Remove(int first, int count)
        {
            _removed ??= [];
            _removed.AddRange(Enumerable.Range(first, count));
        }

        private void Append(Example example)
        {
            // A row lies in one chunk (a longer one than any chunk, in its own).
            if (_features.Count == 0 || _used + _buffer.Count > _features[^1].Length)
            {
                _features.Add(new int[Math.Max(ChunkLength, _buffer.Count)]);
                _values.Add(new ushort[Math.Max(ChunkLength, _buffer.Count)]);
                _used = 0;
            }
            var (features, values) = (_features[^1], _values[^1]);
            _rows.Add((_features.Count - 1, _used, _buffer.Count));
            foreach (var (feature, value) in _buffer)
            {
                features[_used] = feature;
                values[_used++] = IndexOf(value);
            }
            _examples.Add(example);
        }

        private ushort IndexOf(float value)
        {
            var bits = BitConverter.SingleToInt32Bits(value);
            if (_indexOf.TryGetValue(bits, out var index)) return index;
            // The featurizer's values are bounded (a block's features are counted), far under 65,536.
            if (_table.Count > ushort.MaxValue) throw new InvalidOperationException("more than 65,536 distinct feature values");
            _indexOf.Add(bits, index = (ushort)_table.Count);
            _table.Add(value);
            return index;
        }

        /// <summary>
        /// Drops the removed rows and, from every row, the features in fewer than <paramref name="minDocuments"/> of the
        /// rows (but the bias); the rest become indices into the returned vocabulary (the learnable hashes, in order).
        /// </summary>
        /// <remarks>
        /// A feature in fewer than minDocuments of all the documents is in fewer in every fit's (a fold learns from some of
        /// them), so in no vocabulary and no margin: dropped once here (most of the words and bigrams seen once or twice:
        /// the bulk of 50,000 labels' features). In place, each row kept in its chunk: a copy would hold both at once.
        /// </remarks>
        public int[] Compact(int minDocuments)
        {
            if (_compacted) throw new InvalidOperationException("documents are compacted once");
            _compacted = true;
            var removed = _removed is null ? [] : _removed.ToHashSet();
            var vocabulary = Vocabulary(removed, minDocuments);
            var (rows, chunk, end) = (0, -1, 0);
            for (var row = 0; row < Count; row++)
            {
                if (removed.Contains(row)) continue;
                var (at, offset, length) = _rows[row];
                if (at != chunk) (chunk, end) = (at, 0);
                var (features, values) = (_features[at], _values[at]);
                var start = end;
                for (var k = offset; k < offset + length; k++)
                {
                    var column = Array.BinarySearch(vocabulary, features[k]);
                    if (column < 0) continue;
                    features[end] = column;
                    values[end++] = values[k];
                }
                _rows[rows] = (at, start, end - start);
                _examples[rows++] = _examples[row];
            }
            _rows.RemoveRange(rows, _rows.Count - rows);
            _examples.RemoveRange(rows, _examples.Count - rows);
            return vocabulary;
        }

        // The features in at least minDocuments of the rows kept (and the bias), in order.
        private int[] Vocabulary(HashSet<int> removed, int minDocuments)
        {
            var frequency = new Dictionary<int, int>();
            for (var row = 0; row < Count; row++)
                if (!removed.Contains(row))
                    foreach (var feature in Features(row)) frequency[feature] = frequency.GetValueOrDefault(feature) + 1;
            var vocabulary = frequency.Where(p => Learnable(p.Key, p.Value, minDocuments)).Select(p => p.Key).ToArray();
            Array.Sort(vocabulary);
            return vocabulary;
        }
    }

    private static bool Learnable(int feature, int documents, int minDocuments) => documents >= minDocuments || feature == RankingFeatures.Bias;

    // One fit's model: Columns maps a vocabulary index to its index in Weights (−1: not learned by this fit, in too few
    // of its documents), so the fits share the documents' columns rather than each making its own rows.
    private sealed class Fitted(int length)
    {
        public int[] Columns { get; } = new int[length];
        public double[] Weights { get; } = new double[length];
        public double[] Current { get; } = new double[length];

        public double Margin(Documents documents, int row)
        {
            var features = documents.Features(row);
            var values = documents.Values(row);
            var table = documents.Table;
            double sum = 0;
            for (var k = 0; k < features.Length; k++)
                if (Columns[features[k]] is var j and >= 0) sum += Weights[j] * table[values[k]];
            return sum;
        }
    }

    // Fits rows into fit: its Weights become the averaged weights of its Columns.
    private static void Fit(Documents documents, int[] vocabulary, int[] rows, RelevanceTrainerOptions options, Fitted fit)
    {
        // Vocabulary: features in enough of this fit's documents, in hash order so the result does not depend on dictionary
        // order (the documents' vocabulary is in hash order: its indices are).
        var columns = fit.Columns;
        Array.Clear(columns);
        foreach (var row in rows)
            foreach (var column in documents.Features(row)) columns[column]++;
        var learned = 0;
        for (var j = 0; j < vocabulary.Length; j++) columns[j] = Learnable(vocabulary[j], columns[j], options.MinDocuments) ? learned++ : -1;
        // Both classes weigh half; within the unpicked half every source (a file, the database) weighs the same, so a big
        // archive of one kind of item does not decide alone what "unpicked" looks like.
        var positives = rows.Count(documents.Label);
        var sources = rows.Where(i => !documents.Label(i)).GroupBy(i => documents.Info(i).Source, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var weightOf = rows.Select(i => documents.Label(i)
            ? rows.Length / (2.0 * positives)
            : rows.Length / (2.0 * sources.Count * sources[documents.Info(i).Source])).ToArray();

        var (weights, average) = (fit.Current, fit.Weights);
        Array.Clear(weights);
        Array.Clear(average);
        var order = Enumerable.Range(0, rows.Length).ToArray();
        var random = new Random(Seed);
        var steps = 0L;
        var table = documents.Table;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            random.Shuffle(order);
            var rate = options.LearningRate / (1 + 0.2 * epoch);
            foreach (var i in order)
            {
                var features = documents.Features(rows[i]);
                var values = documents.Values(rows[i]);
                var label = documents.Label(rows[i]);
                double margin = 0;
                for (var k = 0; k < features.Length; k++)
                    if (columns[features[k]] is var j and >= 0) margin += weights[j] * table[values[k]];
                var gradient = weightOf[i] * (Sigmoid(margin) - (label ? 1 : 0));
                for (var k = 0; k < features.Length; k++)
                    if (columns[features[k]] is var j and >= 0) weights[j] -= rate * (gradient * table[values[k]] + options.L2 * weights[j]);
                // Averaging the second half of the run smooths SGD's last steps into a stable solution.
                if (epoch >= options.Epochs / 2)
                {
                    steps++;
                    for (var k = 0; k < features.Length; k++)
                        if (columns[features[k]] is var j and >= 0) average[j] += (weights[j] - average[j]) / steps;
                }
            }
        }
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
