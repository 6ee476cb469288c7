using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>
/// <c>train [--corpus DIR] [--negatives FILE]... [--offtopic FILE] [--no-database] [--out DIR]</c>: learn the section router
/// and the relevance model from past issues, unpicked items and the editor's labels; write router.json and ranker.json;
/// rescore the stored entries.
/// </summary>
internal static class TrainCommand
{
    public sealed record Arguments(string? Corpus, string[] Negatives, string? OffTopic, bool NoDatabase, string? Out);

    public static async Task<int> RunAsync(CliContext context, Arguments arguments, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        var training = TrainingFolder.Of(config);
        var corpus = arguments.Corpus ?? training.Corpus;
        if (!Directory.Exists(corpus))
        {
            context.Error.WriteLine($"--corpus: folder not found: {corpus}");
            return ExitCodes.UsageOrConfig;
        }
        var (inputs, problem) = training.Read(corpus, arguments.Negatives.Length > 0 ? arguments.Negatives : null, arguments.OffTopic, config.Draft.SectionSlugs());
        if (problem is not null)
        {
            context.Error.WriteLine(problem);
            return ExitCodes.UsageOrConfig;
        }
        var output = arguments.Out ?? config.Directory;
        Directory.CreateDirectory(output);

        await using var app = WorkerHost.Build(config, daemon: false, configure);
        var useDatabase = !arguments.NoDatabase;
        ModelTraining.Result result;
        try
        {
            result = await app.Services.GetRequiredService<ModelTraining>().TrainAsync(inputs, config.Tagging.Taxonomy,
                config.Draft.EffectiveSections.Select(s => s.Slug).ToList(), config.Draft.Zone(), config.Tagging.Router?.MinConfidence ?? 0.4,
                useDatabase, cancellationToken);
        }
        catch (RelevanceTrainer.NoExamplesException ex)
        {
            context.Error.WriteLine($"train: {ex.Message}");
            return ExitCodes.UsageOrConfig;
        }
        var routerPath = Path.Combine(output, LoadedConfig.RouterFile);
        var rankerPath = Path.Combine(output, LoadedConfig.RankerFile);
        await DraftFiles.WriteAtomicallyAsync(routerPath, result.Router.ToJson(), cancellationToken);
        await DraftFiles.WriteAtomicallyAsync(rankerPath, result.Ranker.ToJson(), cancellationToken);
        context.Out.WriteLine($"trained on {result.Ranker.TrainedOn}");
        context.Out.WriteLine($"  section router: {result.Router.FeatureCount} features → {routerPath}");
        context.Out.WriteLine($"  relevance model: {result.Ranker.FeatureCount} features, thresholds {Thresholds(result.Ranker)} → {rankerPath}");
        if (useDatabase)
        {
            // Stored scores are the old model's: score every entry again so drafts and listings agree with the new one.
            var classifier = new EntryClassifier(config.Tagging with { Router = result.Router, Ranker = result.Ranker }, app.Services.GetRequiredService<TimeProvider>());
            var weights = config.Sources.ToDictionary(s => s.Id, s => s.Weight, StringComparer.Ordinal);
            var changed = await app.Services.GetRequiredService<LabelStore>()
                .RescoreAsync(e => classifier.ScoreStored(e, weights.GetValueOrDefault(e.SourceId)), cancellationToken);
            context.Out.WriteLine($"  rescored the database: {changed} entries changed score");
        }
        return ExitCodes.Ok;
    }

    private static string Thresholds(RelevanceModel model) =>
        string.Join(", ", model.SectionThresholds.Select(p => $"{p.Key} {Relevance.Format(p.Value)}").Append($"other {Relevance.Format(model.Threshold)}"));
}
