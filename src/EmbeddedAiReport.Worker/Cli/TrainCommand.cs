using EmbeddedAiReport.Ranking;
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
        await using var app = WorkerHost.BuildCommand(config, configure);
        ModelRetraining.Result result;
        try
        {
            result = await app.Services.GetRequiredService<ModelRetraining>().RunAsync(new ModelRetraining.Request(arguments.Corpus,
                arguments.Negatives.Length > 0 ? arguments.Negatives : null, arguments.OffTopic, !arguments.NoDatabase, arguments.Out), cancellationToken);
        }
        catch (ModelRetraining.TrainingProblem ex)
        {
            context.Error.WriteLine(ex.Message);
            return ExitCodes.UsageOrConfig;
        }
        var (models, routerPath, rankerPath, rescored, retagged) = result;
        context.Out.WriteLine($"trained on {models.Ranker.TrainedOn}");
        context.Out.WriteLine($"  section router: {models.Router.FeatureCount} features → {routerPath}");
        context.Out.WriteLine($"  relevance model: {models.Ranker.FeatureCount} features, thresholds {Thresholds(models.Ranker)} → {rankerPath}");
        if (rescored is { } changed) context.Out.WriteLine($"  rescored the database: {Counted.Of(changed, "entry", "entries")} changed score, {retagged} changed tags (tags.json)");
        return ExitCodes.Ok;
    }

    private static string Thresholds(RelevanceModel model) =>
        string.Join(", ", model.SectionThresholds.Select(p => $"{p.Key} {Relevance.Format(p.Value)}").Append($"other {Relevance.Format(model.Threshold)}"));
}
