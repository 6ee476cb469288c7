using System.Globalization;

namespace EmbeddedAiReport.Tagging;

/// <summary>Leave-issues-out evaluation of tags, relevance and section routing against the editor's past issues.</summary>
/// <remarks>
/// Issues are dealt round-robin into folds; each fold's items are routed by a model trained on the other folds only,
/// so no test item's own words are in its model. Items linking to arxiv.org arrive through an arXiv kind and keep its
/// section (the kind rule), as in the pipeline. Relevance is measured by <see cref="Ranking.RankingEvaluation"/>.
/// </remarks>
public static class TaggingEvaluation
{
    /// <summary>Evaluates <paramref name="taxonomy"/> and a router trained as <see cref="RouterTrainer"/> does over <paramref name="issues"/>.</summary>
    public static EvaluationReport Run(IReadOnlyList<CorpusIssue> issues, Taxonomy taxonomy, IReadOnlyList<string> classes, int folds)
    {
        folds = Math.Clamp(folds, 2, Math.Max(2, issues.Count));
        var correct = classes.ToDictionary(c => c, _ => 0);
        var total = classes.ToDictionary(c => c, _ => 0);
        var confusions = new Dictionary<(string Expected, string Got), int>();
        var misrouted = new List<string>();
        int items = 0, tagged = 0;
        for (var fold = 0; fold < folds; fold++)
        {
            var training = issues.Where((_, i) => i % folds != fold).SelectMany(i => i.Items).ToList();
            var router = RouterTrainer.Train(training, taxonomy.Matcher, classes, 0, $"fold {fold}");
            foreach (var issue in issues.Where((_, i) => i % folds == fold))
            {
                foreach (var (entry, expected) in issue.Items)
                {
                    items++;
                    var candidate = IsArxivUrl(entry.Url) ? entry with { Section = "papers" } : entry;
                    var tags = taxonomy.Matcher.Match(entry.Title, entry.Summary);
                    var route = candidate.Section is { } kind ? new RouteDecision(kind, 1, "kind") : SectionRouter.Rule(candidate) ?? router.Predict(candidate, tags);
                    var got = route.Section;
                    total[expected] = total.GetValueOrDefault(expected) + 1;
                    if (got == expected) correct[expected] = correct.GetValueOrDefault(expected) + 1;
                    else
                    {
                        confusions[(expected, got)] = confusions.GetValueOrDefault((expected, got)) + 1;
                        misrouted.Add(string.Create(CultureInfo.InvariantCulture,
                            $"{issue.Name} {expected} → {got} ({route.Reason} {route.Confidence:0.00}): {entry.Title}{(entry.Account is { Length: > 0 } account ? " | " + account : "")}"));
                    }

                    if (tags.Any(t => t.Weight > 0)) tagged++;
                }
            }
        }

        var sections = classes.Select(c => new SectionAccuracy(c, correct[c], total[c])).ToList();
        return new EvaluationReport(issues.Count, folds, sections, items, tagged,
            confusions.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Expected, StringComparer.Ordinal).ThenBy(p => p.Key.Got, StringComparer.Ordinal)
                .Select(p => $"{p.Key.Expected} → {p.Key.Got}: {p.Value}").ToList(),
            misrouted);
    }

    private static bool IsArxivUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Host == "arxiv.org" || uri.Host.EndsWith(".arxiv.org", StringComparison.Ordinal));
}
