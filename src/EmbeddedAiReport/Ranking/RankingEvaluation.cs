using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Ranking;

/// <summary>Leave-issues-out evaluation of the relevance model as the draft uses it: each issue's items among a flood of unpicked items.</summary>
/// <remarks>
/// Issues are dealt round-robin into folds; issue i is scored by a ranker and a router trained without its fold, and without
/// the flood items that arrive in the fold's windows:
/// the window of issue i holds items [i·n, (i+1)·n) of every flood list (n = per window, wrapping around a list shorter
/// than all windows need, so a small list can stand for a big weekly flood); the rest of the floods, the off-topic posts
/// and the other issues are training data. The window's candidates (the editor's items and its flood) are
/// routed to sections and cut as the draft cuts them: by relevance, at most the quota per section, none below the
/// model's threshold. Figures: recall of the editor's items per section, precision of the top k (k = the editor's item
/// count), ROC AUC of editor items against flood items (pooled: scores are calibrated), and the edits the editor would
/// make (draft items to delete plus own items to add).
/// </remarks>
public static class RankingEvaluation
{
    /// <summary>Runs the evaluation; <paramref name="floods"/> are lists of unpicked items, <paramref name="negatives"/> training-only negatives.</summary>
    /// <param name="heldOut">Which flood lists are never training data (others train with the items outside the window).</param>
    public static RankingReport Run(IReadOnlyList<CorpusIssue> issues, IReadOnlyList<IReadOnlyList<CandidateEntry>> floods, IReadOnlyList<CandidateEntry> negatives,
        Taxonomy taxonomy, IReadOnlyList<string> classes, Func<string, int> quotaOf, int perWindow, RelevanceTrainerOptions? options = null,
        IReadOnlySet<int>? heldOut = null, int folds = int.MaxValue)
    {
        folds = Math.Clamp(folds, 2, Math.Max(2, issues.Count));
        var tagger = taxonomy.Matcher;
        var sections = classes.ToDictionary(c => c, c => new RankingReport.SectionFigures(c), StringComparer.Ordinal);
        var editorScores = new List<double>();
        var floodScores = floods.Select(_ => new List<double>()).ToList();
        double precisionSum = 0;
        var edits = new List<(string Issue, int Deletes, int Adds)>();
        var missed = new List<string>();
        var topFlood = new List<(double Score, string Line)>();

        for (var fold = 0; fold < folds; fold++)
        {
            var inFold = Enumerable.Range(0, issues.Count).Where(i => i % folds == fold).ToList();
            var windows = inFold.ToDictionary(i => i, i => floods
                .SelectMany((f, list) => Window(f, i, perWindow).Select(e => (Entry: e, List: list))).DistinctBy(w => w.Entry.CanonicalKey).ToList());
            var windowKeys = windows.Values.SelectMany(w => w).Select(w => w.Entry.CanonicalKey).ToHashSet(StringComparer.Ordinal);
            var training = issues.Where((_, j) => j % folds != fold).SelectMany(issue => issue.Items.Select(item => new RankingExample(item.Entry, true, issue.Name, item.Section)))
                .Concat(floods.SelectMany((f, list) => f.Where(e => heldOut?.Contains(list) != true && !windowKeys.Contains(e.CanonicalKey)).Select(e => new RankingExample(e, false, $"flood{list}", null, $"flood{list}"))))
                .Concat(negatives.Select(e => new RankingExample(e, false, "negatives", null, "negatives")))
                .Select(e => e.WithoutAccount())
                .ToList();
            var ranker = RelevanceTrainer.Train(training, tagger, $"fold {fold}", options);
            var router = RouterTrainer.Train(issues.Where((_, j) => j % folds != fold).SelectMany(issue => issue.Items).ToList(), tagger, classes, 0, $"fold {fold}");
            foreach (var i in inFold)
                Score(issues[i], windows[i], ranker, router);
        }

        void Score(CorpusIssue held, List<(CandidateEntry Entry, int List)> window, RelevanceModel ranker, SectionRouter router)
        {
            var candidates = held.Items.Select(item => (item.Entry, Editor: (string?)item.Section, List: -1))
                .Concat(window.Select(w => (w.Entry, Editor: (string?)null, w.List)))
                .Select(c =>
                {
                    var tags = tagger.Match(c.Entry.Title, c.Entry.Summary);
                    var entry = IsArxiv(c.Entry.Url) ? c.Entry with { Section = "papers" } : c.Entry;
                    var section = entry.Section ?? (SectionRouter.Rule(entry) ?? router.Predict(entry, tags)).Section;
                    return (c.Entry, c.Editor, c.List, Section: section, Score: ranker.Score(c.Entry, tagger.Occurrences(c.Entry.Title, c.Entry.Summary)));
                })
                .ToList();
            editorScores.AddRange(candidates.Where(c => c.Editor is not null).Select(c => c.Score));
            foreach (var c in candidates.Where(c => c.Editor is null)) floodScores[c.List].Add(c.Score);

            var draft = candidates
                .Where(c => c.Score >= ranker.ThresholdFor(c.Section))
                .GroupBy(c => c.Section)
                .SelectMany(g => g.OrderByDescending(c => c.Score).Take(quotaOf(g.Key)))
                .Select(c => c.Entry.CanonicalKey)
                .ToHashSet(StringComparer.Ordinal);
            var editorItems = candidates.Where(c => c.Editor is not null).ToList();
            topFlood.AddRange(candidates.Where(c => c.Editor is null && draft.Contains(c.Entry.CanonicalKey))
                .Select(c => (c.Score, $"{held.Name} {c.Section}: {c.Entry.Title} ({c.Score:0.000}; {Why(ranker, c.Entry, tagger, positive: true)})")));
            foreach (var item in editorItems)
            {
                var figures = sections.TryGetValue(item.Editor!, out var f) ? f : sections[item.Editor!] = new RankingReport.SectionFigures(item.Editor!);
                figures.Items++;
                if (draft.Contains(item.Entry.CanonicalKey)) figures.InDraft++;
                else missed.Add($"{held.Name} {item.Editor}: {item.Entry.Title} ({item.Score:0.000} in {item.Section}, threshold {ranker.ThresholdFor(item.Section):0.000}; {Why(ranker, item.Entry, tagger)})");
            }
            var top = candidates.OrderByDescending(c => c.Score).Take(editorItems.Count).Count(c => c.Editor is not null);
            precisionSum += editorItems.Count == 0 ? 0 : (double)top / editorItems.Count;
            var adds = editorItems.Count(c => !draft.Contains(c.Entry.CanonicalKey));
            var deletes = draft.Count - (editorItems.Count - adds);
            edits.Add((held.Name, deletes, adds));
        }

        return new RankingReport(issues.Count, perWindow, floodScores.Sum(f => f.Count),
            classes.Select(c => sections[c]).ToList(), issues.Count == 0 ? 0 : precisionSum / issues.Count,
            Auc(editorScores, floodScores.SelectMany(f => f).ToList()), floodScores.Select(f => Auc(editorScores, f)).ToList(), edits, missed)
        {
            TopFlood = topFlood.OrderByDescending(t => t.Score).Select(t => t.Line).Take(20).ToList(),
        };
    }

    private static IEnumerable<CandidateEntry> Window(IReadOnlyList<CandidateEntry> flood, int window, int perWindow)
    {
        if (flood.Count == 0) yield break;
        for (var k = 0; k < Math.Min(perWindow, flood.Count); k++) yield return flood[(window * perWindow + k) % flood.Count];
    }

    private static string Why(RelevanceModel ranker, CandidateEntry entry, TagMatcher tagger, bool positive = false)
    {
        var contributions = ranker.Contributions(entry, tagger.Occurrences(entry.Title, entry.Summary));
        return string.Join(", ", contributions.Where(c => positive ? c.Contribution > 0 : c.Contribution < 0).Take(6).Select(c => $"{c.Feature} {c.Contribution:+0.00;-0.00}"));
    }

    /// <summary>ROC AUC: the probability that a random positive scores above a random negative (ties count half).</summary>
    public static double Auc(IReadOnlyList<double> positives, IReadOnlyList<double> negatives)
    {
        if (positives.Count == 0 || negatives.Count == 0) return double.NaN;
        var sorted = negatives.Order().ToArray();
        double wins = 0;
        foreach (var p in positives)
        {
            var below = LowerBound(sorted, p);
            var upTo = UpperBound(sorted, p);
            wins += below + 0.5 * (upTo - below);
        }
        return wins / ((double)positives.Count * negatives.Count);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi) { var mid = (lo + hi) / 2; if (sorted[mid] < value) lo = mid + 1; else hi = mid; }
        return lo;
    }

    private static int UpperBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi) { var mid = (lo + hi) / 2; if (sorted[mid] <= value) lo = mid + 1; else hi = mid; }
        return lo;
    }

    private static bool IsArxiv(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Host == "arxiv.org" || uri.Host.EndsWith(".arxiv.org", StringComparison.Ordinal));
}
