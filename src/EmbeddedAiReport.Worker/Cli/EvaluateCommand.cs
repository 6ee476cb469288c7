using System.Text.Json;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>evaluate --corpus DIR [--offtopic FILE] [--folds N]</c>: leave-issues-out figures for sections, tags and relevance.</summary>
internal static class EvaluateCommand
{
    public static int Run(CliContext context, string corpus, string? offTopicFile, int folds)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        if (!Directory.Exists(corpus))
        {
            context.Error.WriteLine($"--corpus: folder not found: {corpus}");
            return ExitCodes.UsageOrConfig;
        }
        IReadOnlyList<(string, string)> offTopic = [];
        if (offTopicFile is not null)
        {
            try
            {
                offTopic = JsonSerializer.Deserialize<string[][]>(File.ReadAllText(offTopicFile))!
                    .Where(pair => pair.Length >= 2).Select(pair => (pair[0], pair[1])).ToList();
            }
            catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException or NullReferenceException)
            {
                context.Error.WriteLine($"--offtopic: expected a JSON list of [title, summary] pairs: {ex.Message}");
                return ExitCodes.UsageOrConfig;
            }
        }
        var issues = CorpusIssue.LoadDirectory(corpus, config.Draft.SectionSlugs());
        if (issues.Count < 2)
        {
            context.Error.WriteLine($"--corpus: need at least two issues (YYYY-MM-DD.md) in {corpus}, found {issues.Count}");
            return ExitCodes.UsageOrConfig;
        }
        var report = TaggingEvaluation.Run(issues, config.Tagging.Taxonomy, config.Draft.EffectiveSections.Select(s => s.Slug).ToList(),
            folds, config.Draft.MinScore, offTopic);
        context.Out.Write(report.Format());
        return ExitCodes.Ok;
    }
}
