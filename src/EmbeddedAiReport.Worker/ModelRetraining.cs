using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Worker;

/// <summary>
/// Trains router.json and ranker.json from the shipped examples (config/training) and the database's labels, writes them,
/// and rescores the stored entries: the <c>train</c> command, and after each publish when <see cref="ReportOptions.RetrainOnPublish"/>.
/// </summary>
internal sealed partial class ModelRetraining(LoadedConfig config, ModelTraining training, StoredRescoring rescoring,
    IOptions<ReportOptions> options, ILogger<ModelRetraining> logger)
{
    /// <summary>What to learn from and where to write; null means the shipped defaults.</summary>
    public sealed record Request(string? Corpus = null, IReadOnlyList<string>? Negatives = null, string? OffTopic = null, bool UseDatabase = true, string? Out = null);

    /// <summary>The models written and how many stored entries changed score and tags (null when the database was not used).</summary>
    public sealed record Result(ModelTraining.Result Models, string RouterPath, string RankerPath, int? Rescored, int? Retagged = null);

    /// <summary>Thrown for a request that cannot be trained from (a missing folder, an unreadable file, no positives).</summary>
    public sealed class TrainingProblem(string message) : Exception(message);

    public async Task<Result> RunAsync(Request request, CancellationToken cancellationToken)
    {
        var folder = TrainingFolder.Of(config);
        var corpus = request.Corpus ?? folder.Corpus;
        if (!Directory.Exists(corpus)) throw new TrainingProblem($"--corpus: folder not found: {corpus}");
        var (inputs, problem) = folder.Read(corpus, request.Negatives, request.OffTopic, config.Draft.IssueSectionSlugs());
        if (problem is not null) throw new TrainingProblem(problem);
        ModelTraining.Result models;
        try
        {
            models = await training.TrainAsync(inputs, config.Tagging.Taxonomy, config.Draft.EffectiveSections.Select(s => s.Slug).ToList(),
                config.Draft.Zone(), config.Tagging.Router?.MinConfidence ?? 0.4, request.UseDatabase, cancellationToken);
        }
        catch (RelevanceTrainer.NoExamplesException ex)
        {
            throw new TrainingProblem($"train: {ex.Message}");
        }
        // The fits' store of features (tens of MB for a big installation's labels) is garbage now, but long-lived: it
        // would wait for the next full collection beside the models' JSON and the rescoring's own memory. One collection
        // here, once per train, that also gives the freed memory back (Aggressive): round 39 collected after writing the
        // models, whose JSON then made the peak (50,000 entries: 174 MB); round 40 collects before.
        ManagedMemory.GiveBack();
        var output = request.Out ?? config.Directory;
        Directory.CreateDirectory(output);
        var routerPath = Path.Combine(output, LoadedConfig.RouterFile);
        var rankerPath = Path.Combine(output, LoadedConfig.RankerFile);
        await DraftFiles.WriteAtomicallyAsync(routerPath, models.Router.ToJson(), cancellationToken);
        var ranker = models.Ranker.ToJson();
        await DraftFiles.WriteAtomicallyAsync(rankerPath, ranker, cancellationToken);
        if (!request.UseDatabase) return new Result(models, routerPath, rankerPath, null);

        // Stored scores are the old model's and stored tags those of the tags.json the entry met: score and tag every entry
        // again so drafts, listings and `entries --tag` agree with the new model and taxonomy. With the model as written, whose
        // weights the file rounds: the daemon and every command read that one, and score as train stored (a daemon's reload
        // of it then changes no score, and `entries --explain` notes no stale one).
        var written = RelevanceModel.Parse(ranker, LoadedConfig.RankerFile).Model ?? models.Ranker;
        var rescored = await rescoring.RescoreAsync(LabelStore.RescoreScope.All, cancellationToken, config.Tagging with { Router = models.Router, Ranker = written });
        return new Result(models, routerPath, rankerPath, rescored.Scores, rescored.Tags);
    }

    /// <summary>
    /// After a publish: the issue's items and the window's unpicked candidates are new labels, so the models learn them now
    /// (when <see cref="ReportOptions.RetrainOnPublish"/>). A failure (a read-only config folder) is logged; the publish stands.
    /// </summary>
    /// <returns>A line for the editor, or null when retraining is off.</returns>
    public async Task<string?> AfterPublishAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.RetrainOnPublish) return null;
        try
        {
            var result = await RunAsync(new Request(), cancellationToken);
            var line = $"retrained on {result.Models.Ranker.TrainedOn}; {Counted.Of(result.Rescored ?? 0, "entry", "entries")} rescored";
            Retrained(logger, result.Models.Ranker.TrainedOn, result.Rescored ?? 0);
            return line;
        }
        catch (Exception ex) when (ex is TrainingProblem or IOException or UnauthorizedAccessException)
        {
            RetrainFailed(logger, ex.Message);
            return $"not retrained: {ex.Message} (run train)";
        }
    }

    [LoggerMessage(EventId = 4801, Level = LogLevel.Information, Message = "Retrained the models after a publish on {TrainedOn}; {Rescored} entries rescored")]
    private static partial void Retrained(ILogger logger, string trainedOn, int rescored);

    [LoggerMessage(EventId = 4802, Level = LogLevel.Warning, Message = "Could not retrain the models after a publish: {Reason}")]
    private static partial void RetrainFailed(ILogger logger, string reason);
}
