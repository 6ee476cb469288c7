using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>train --corpus DIR [--out FILE]</c>: learn the section router from past issues and write router.json.</summary>
internal static class TrainCommand
{
    public static int Run(CliContext context, string corpus, string? outFile)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        if (!Directory.Exists(corpus))
        {
            context.Error.WriteLine($"--corpus: folder not found: {corpus}");
            return ExitCodes.UsageOrConfig;
        }
        var issues = CorpusIssue.LoadDirectory(corpus, config.Draft.SectionSlugs());
        var examples = issues.SelectMany(i => i.Items).ToList();
        if (examples.Count == 0)
        {
            context.Error.WriteLine($"--corpus: no issue items found in {corpus} (expected YYYY-MM-DD.md issues)");
            return ExitCodes.UsageOrConfig;
        }
        var minConfidence = config.Tagging.Router?.MinConfidence ?? 0.4;
        var router = RouterTrainer.Train(examples, config.Tagging.Taxonomy.Matcher, config.Draft.EffectiveSections.Select(s => s.Slug).ToList(),
            minConfidence, $"{issues.Count} issues ({issues[0].Name} … {issues[^1].Name}), {examples.Count} items");
        var path = outFile ?? config.PathOf(LoadedConfig.RouterFile);
        File.WriteAllText(path, router.ToJson());
        context.Out.WriteLine($"trained on {router.TrainedOn}: {router.FeatureCount} features → {path}");
        return ExitCodes.Ok;
    }
}
