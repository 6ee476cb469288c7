using System.Diagnostics;
using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Tagging;
using EmbeddedAiReport.Worker;

namespace EmbeddedAiReport.Bench;

/// <summary>
/// The relevance model's costs (issue 13: scoring ≤ 50 µs per entry, training on the corpus and floods < 30 s on 2 cores,
/// model ≤ 5 MB): trains from config/training as <c>train --no-database</c> does, then scores every example and the
/// flood again, timing one entry at a time the way ingest scores them.
/// </summary>
internal static class RankingBenchmark
{
    public static int Run(string[] args)
    {
        var configDirectory = args.FirstOrDefault() ?? "config";
        var config = WorkerHost.LoadConfig(configDirectory, null);
        if (config.Problems.Count > 0)
        {
            foreach (var problem in config.Problems) Console.Error.WriteLine(problem);
            return 2;
        }
        var folder = TrainingFolder.Of(config);
        var (inputs, readProblem) = folder.Read(folder.Corpus, null, null, config.Draft.SectionSlugs());
        if (readProblem is not null)
        {
            Console.Error.WriteLine(readProblem);
            return 2;
        }
        var examples = TrainingFiles.Positives(inputs.Issues)
            .Concat(inputs.Negatives.SelectMany(n => n.Entries.Select(e => new RankingExample(e, false, n.Source, null, n.Source))))
            .Select(e => e.WithoutAccount())
            .ToList();
        var taxonomy = config.Tagging.Taxonomy;

        var trainings = new List<double>();
        RelevanceModel model = null!;
        for (var run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            model = RelevanceTrainer.Train(examples, taxonomy.Matcher, "bench");
            trainings.Add(clock.Elapsed.TotalSeconds);
        }
        var bytes = System.Text.Encoding.UTF8.GetByteCount(model.ToJson());

        // Scoring as EntryClassifier does on ingest: tag occurrences (one pass over the text) and the model.
        var entries = examples.Select(e => e.Entry).ToList();
        double sink = 0;
        foreach (var entry in entries) sink += model.Score(entry, taxonomy.Matcher.Occurrences(entry.Title, entry.Summary));   // warm-up
        var perEntry = new List<double>();
        for (var run = 0; run < 5; run++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var entry in entries) sink += model.Score(entry, taxonomy.Matcher.Occurrences(entry.Title, entry.Summary));
            perEntry.Add(clock.Elapsed.TotalMicroseconds / entries.Count);
        }
        var tagsOnly = new List<double>();
        for (var run = 0; run < 5; run++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var entry in entries) sink += taxonomy.Matcher.Occurrences(entry.Title, entry.Summary).Count;
            tagsOnly.Add(clock.Elapsed.TotalMicroseconds / entries.Count);
        }
        Console.WriteLine($"examples: {examples.Count} ({examples.Count(e => e.Relevant)} editor's items); features learned: {model.FeatureCount}");
        Console.WriteLine($"training (with 5-fold calibration): median {Median(trainings):0.00} s of 3 runs (target < 30 s)");
        Console.WriteLine($"model file: {bytes / 1024.0:0} KiB (target ≤ 5 MB)");
        Console.WriteLine($"scoring: median {Median(perEntry):0.0} µs per entry over {entries.Count} entries × 5 runs, tags included (target ≤ 50 µs); of which tag matching {Median(tagsOnly):0.0} µs");
        return sink > 0 ? 0 : 1;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
