namespace EmbeddedAiReport.Tagging;

/// <summary>Leave-issues-out evaluation of tags, relevance and section routing against the editor's past issues.</summary>
/// <remarks>
/// Issues are dealt round-robin into folds; each fold's items are routed by a model trained on the other folds only,
/// so no test item's own words are in its model. Items linking to arxiv.org arrive through an arXiv kind and keep its
/// section (the kind rule), as in the pipeline. Relevance is measured conservatively: corpus items get no recency
/// bonus (as in a replay of old issues), off-topic posts get the full bonus (as if just published).
/// </remarks>
public static class TaggingEvaluation
{
    /// <summary>Evaluates <paramref name="taxonomy"/> and a router trained as <see cref="RouterTrainer"/> does over <paramref name="issues"/>.</summary>
    /// <param name="offTopic">Off-topic posts (title, summary) that should score under <paramref name="threshold"/>.</param>
    public static EvaluationReport Run(IReadOnlyList<CorpusIssue> issues, Taxonomy taxonomy, IReadOnlyList<string> classes, int folds,
        double threshold, IReadOnlyList<(string Title, string Summary)> offTopic)
    {
        folds = Math.Clamp(folds, 2, Math.Max(2, issues.Count));
        var now = new DateTimeOffset(2020, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var correct = classes.ToDictionary(c => c, _ => 0);
        var total = classes.ToDictionary(c => c, _ => 0);
        var confusions = new Dictionary<(string Expected, string Got), int>();
        int items = 0, tagged = 0, above = 0;
        var corpusScores = new List<double>();
        var missed = new List<string>();
        var offTopicScores = new List<double>();
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
                    var got = candidate.Section ?? (SectionRouter.Rule(candidate) ?? router.Predict(candidate, tags)).Section;
                    total[expected] = total.GetValueOrDefault(expected) + 1;
                    if (got == expected) correct[expected] = correct.GetValueOrDefault(expected) + 1;
                    else confusions[(expected, got)] = confusions.GetValueOrDefault((expected, got)) + 1;

                    if (tags.Any(t => t.Weight > 0)) tagged++;
                    var explained = RelevanceScorer.Score(entry, tags, 0, taxonomy.Scoring, now);
                    corpusScores.Add(explained.Total);
                    if (explained.Total >= threshold) above++;
                    else missed.Add($"{entry.Title}: {explained}");
                }
            }
        }

        var offTopicBelow = 0;
        var leaked = new List<string>();
        for (var i = 0; i < offTopic.Count; i++)
        {
            var (title, summary) = offTopic[i];
            var post = new CandidateEntry
            {
                CanonicalKey = $"url:mp.weixin.qq.com/s/offtopic{i}", Url = $"https://mp.weixin.qq.com/s/offtopic{i}",
                Title = title, Summary = summary, Published = now,
            };
            var score = RelevanceScorer.Score(post, taxonomy.Matcher.Match(title, summary), 0, taxonomy.Scoring, now);
            offTopicScores.Add(score.Total);
            if (score.Total < threshold) offTopicBelow++;
            else leaked.Add($"{title}: {score}");
        }
        var sections = classes.Select(c => new SectionAccuracy(c, correct[c], total[c])).ToList();
        return new EvaluationReport(issues.Count, folds, sections, items, tagged, threshold, above, offTopic.Count, offTopicBelow,
            confusions.OrderByDescending(p => p.Value).Select(p => $"{p.Key.Expected} → {p.Key.Got}: {p.Value}").ToList(), leaked, missed, corpusScores, offTopicScores);
    }

    private static bool IsArxivUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Host == "arxiv.org" || uri.Host.EndsWith(".arxiv.org", StringComparison.Ordinal));
}
