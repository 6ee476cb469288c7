namespace EmbeddedAiReport.Tagging;

/// <summary>Trains a <see cref="SectionRouter"/> from labelled entries: multinomial logistic regression by SGD, reproducibly.</summary>
/// <remarks>
/// Same examples in the same order → the same model, byte for byte (fixed seeds and epochs; five shuffled runs averaged). Features seen in fewer
/// than <see cref="MinDocuments"/> examples are dropped, so one-off words (names, titles) cannot be memorized, and
/// the model file stays small.
/// </remarks>
public static class RouterTrainer
{
    /// <summary>Passes over the examples.</summary>
    public const int Epochs = 20;

    /// <summary>A feature must occur in at least this many examples to be learned.</summary>
    public const int MinDocuments = 2;

    private const double LearningRate = 0.5;
    private const double L2 = 1e-4;

    // Runs with different shuffles, averaged: a single SGD run depends on the order it saw the examples in.
    private const int Runs = 5;
    private const int Seed = 20190331;   // the corpus' first issue

    /// <summary>A model for <paramref name="examples"/> (entry, section slug) tagged by <paramref name="tagger"/>; <paramref name="classes"/> fixes the class order.</summary>
    public static SectionRouter Train(IReadOnlyList<(CandidateEntry Entry, string Section)> examples, TagMatcher tagger, IReadOnlyList<string> classes,
        double minConfidence, string trainedOn)
    {
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var documents = new List<((int Feature, float Value)[] Features, double Norm, int Label)>(examples.Count);
        var frequency = new Dictionary<int, int>();
        var buffer = new List<(int, float)>(256);
        foreach (var (entry, section) in examples)
        {
            if (!classIndex.TryGetValue(section, out var label)) continue;
            buffer.Clear();
            RouterFeatures.Extract(entry, tagger.Match(entry.Title, entry.Summary), buffer);
            var features = buffer.ToArray();
            double norm = Math.Sqrt(features.Sum(f => (double)f.Item2 * f.Item2));
            documents.Add((features, norm, label));
            foreach (var feature in features.Select(f => f.Item1).Distinct()) frequency[feature] = frequency.GetValueOrDefault(feature) + 1;
        }

        var weights = new Dictionary<int, double[]>();
        foreach (var (feature, count) in frequency)
            if (count >= MinDocuments || feature == RouterFeatures.Bias) weights[feature] = new double[classes.Count];

        var average = weights.ToDictionary(p => p.Key, p => new double[classes.Count]);
        for (var run = 0; run < Runs; run++)
        {
            foreach (var w in weights.Values) Array.Clear(w);
            var order = Enumerable.Range(0, documents.Count).ToArray();
            var random = new Random(Seed + run);
            var scores = new double[classes.Count];
            for (var epoch = 0; epoch < Epochs; epoch++)
            {
                random.Shuffle(order);
                var rate = LearningRate / (1 + 0.3 * epoch);
                foreach (var index in order)
                {
                    var (features, norm, label) = documents[index];
                    Array.Clear(scores);
                    foreach (var (feature, value) in features)
                        if (weights.TryGetValue(feature, out var w))
                            for (var c = 0; c < scores.Length; c++) scores[c] += w[c] * value / norm;
                    var max = scores.Max();
                    var sum = scores.Sum(s => Math.Exp(s - max));
                    for (var c = 0; c < scores.Length; c++)
                    {
                        var gradient = Math.Exp(scores[c] - max) / sum - (c == label ? 1 : 0);
                        foreach (var (feature, value) in features)
                            if (weights.TryGetValue(feature, out var w))
                                w[c] -= rate * (gradient * value / norm + L2 * w[c]);
                    }
                }
            }
            foreach (var (feature, w) in weights)
                for (var c = 0; c < w.Length; c++) average[feature][c] += w[c] / Runs;
        }
        weights = average;
        var compact = weights
            .Where(p => p.Value.Any(w => Math.Abs(w) >= 1e-3))
            .ToDictionary(p => p.Key, p => p.Value.Select(w => (float)Math.Round(w, 4)).ToArray());
        return new SectionRouter(classes, compact, minConfidence, trainedOn);
    }
}
