using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>evaluate --corpus DIR [--offtopic FILE] [--folds N] [--flood FILE]... [--per-window N] [--negatives FILE]...</c>: leave-issues-out figures.</summary>
internal static class EvaluateCommand
{
    public sealed record Arguments(string Corpus, string? OffTopic, int Folds, string[] Floods, int PerWindow, string[] Negatives, string[] HeldOut);

    public static int Run(CliContext context, Arguments arguments)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        if (!Directory.Exists(arguments.Corpus))
        {
            context.Error.WriteLine($"--corpus: folder not found: {arguments.Corpus}");
            return ExitCodes.UsageOrConfig;
        }
        IReadOnlyList<CandidateEntry> offTopic = [];
        if (arguments.OffTopic is { } offTopicFile)
        {
            (offTopic, var problem) = TrainingFiles.ReadOffTopic(offTopicFile);
            if (problem is not null)
            {
                context.Error.WriteLine($"--offtopic: {problem}");
                return ExitCodes.UsageOrConfig;
            }
        }
        var floods = new List<IReadOnlyList<CandidateEntry>>();
        var negatives = new List<CandidateEntry>(offTopic);
        foreach (var (files, target, option) in new[] { (arguments.Floods, (List<CandidateEntry>?)null, "--flood"), (arguments.HeldOut, null, "--heldout"), (arguments.Negatives, negatives, "--negatives") })
            foreach (var file in files)
            {
                var (entries, problem) = TrainingFiles.ReadFlood(file);
                if (problem is not null)
                {
                    context.Error.WriteLine($"{option}: {problem}");
                    return ExitCodes.UsageOrConfig;
                }
                if (target is null) floods.Add(entries);
                else target.AddRange(entries);
            }
        if (arguments.PerWindow < 1)
        {
            context.Error.WriteLine("--per-window: expected a positive number");
            return ExitCodes.UsageOrConfig;
        }
        if (arguments.Folds < 2)
        {
            context.Error.WriteLine("--folds: expected 2 or more (each fold's issues are judged by a model trained on the other folds)");
            return ExitCodes.UsageOrConfig;
        }
        var issues = CorpusIssue.LoadDirectory(arguments.Corpus, config.Draft.IssueSectionSlugs());
        if (issues.Count < 2)
        {
            context.Error.WriteLine($"--corpus: need at least two issues (YYYY-MM-DD.md) in {arguments.Corpus}, found {issues.Count}");
            return ExitCodes.UsageOrConfig;
        }
        var classes = config.Draft.EffectiveSections.Select(s => s.Slug).ToList();
        var report = TaggingEvaluation.Run(issues, config.Tagging.Taxonomy, classes, arguments.Folds);
        context.Out.Write(report.Format());
        if (floods.Count > 0)
        {
            var ranking = RankingEvaluation.Run(issues, floods, negatives, config.Tagging.Taxonomy, classes, config.Draft.QuotaFor, arguments.PerWindow,
                heldOut: Enumerable.Range(arguments.Floods.Length, arguments.HeldOut.Length).ToHashSet(), folds: arguments.Folds);
            context.Out.Write(ranking.Format());
        }
        return ExitCodes.Ok;
    }
}
