using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Worker;

/// <summary>
/// The shipped training examples in <c>config/training/</c>: <c>corpus/</c> (past issues), <c>*.jsonl</c> (real items nobody
/// picked) and <c>offtopic-posts.json</c>; <c>train</c> reads them besides the database's labels.
/// </summary>
internal sealed record TrainingFolder(string Directory)
{
    public const string Name = "training";
    public const string OffTopicFile = "offtopic-posts.json";

    public static TrainingFolder Of(LoadedConfig config) => new(config.PathOf(Name));

    /// <summary>The folder of past issues.</summary>
    public string Corpus => Path.Combine(Directory, "corpus");

    /// <summary>Reads the examples: <paramref name="corpus"/>, the given (or shipped) negatives and off-topic posts.</summary>
    public (ModelTraining.Inputs Inputs, string? Problem) Read(string corpus, IReadOnlyList<string>? negativeFiles, string? offTopicFile,
        IReadOnlyDictionary<string, string> sectionSlugs)
    {
        var issues = CorpusIssue.LoadDirectory(corpus, sectionSlugs);
        var negatives = new List<(string, IReadOnlyList<CandidateEntry>)>();
        var files = negativeFiles ?? (System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "*.jsonl").Order(StringComparer.Ordinal).ToList()
            : []);
        foreach (var file in files)
        {
            var (entries, problem) = TrainingFiles.ReadFlood(file);
            if (problem is not null) return (new ModelTraining.Inputs(issues, negatives), $"--negatives: {problem}");
            negatives.Add((Path.GetFileName(file), entries));
        }
        var offTopic = offTopicFile ?? Path.Combine(Directory, OffTopicFile);
        if (offTopicFile is not null || File.Exists(offTopic))
        {
            var (entries, problem) = TrainingFiles.ReadOffTopic(offTopic);
            if (problem is not null) return (new ModelTraining.Inputs(issues, negatives), $"--offtopic: {problem}");
            negatives.Add((Path.GetFileName(offTopic), entries));
        }
        return (new ModelTraining.Inputs(issues, negatives), null);
    }
}
