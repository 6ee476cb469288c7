using System.Globalization;
using System.Text;

namespace EmbeddedAiReport.Tagging;

/// <summary>The figures of a <see cref="TaggingEvaluation"/>.</summary>
public sealed record EvaluationReport(
    int Issues,
    int Folds,
    IReadOnlyList<SectionAccuracy> Sections,
    int Items,
    int TaggedItems,
    double Threshold,
    int ItemsAboveThreshold,
    int OffTopicPosts,
    int OffTopicBelowThreshold,
    IReadOnlyList<string> Confusions,
    IReadOnlyList<string> LeakedOffTopic,
    IReadOnlyList<string> MissedCorpusItems,
    IReadOnlyList<double> CorpusScores,
    IReadOnlyList<double> OffTopicScores)
{
    public double SectionAccuracy => Items == 0 ? 0 : (double)Sections.Sum(s => s.Correct) / Items;
    public double TagCoverage => Items == 0 ? 0 : (double)TaggedItems / Items;
    public double CorpusRelevant => Items == 0 ? 0 : (double)ItemsAboveThreshold / Items;
    public double OffTopicRejected => OffTopicPosts == 0 ? 1 : (double)OffTopicBelowThreshold / OffTopicPosts;

    /// <summary>The figures as printed by the <c>evaluate</c> command.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"leave-issues-out cross-validation: {Issues} issues, {Folds} folds, {Items} items");
        foreach (var s in Sections)
            text.AppendLine(inv, $"  section {s.Section,-11} {s.Accuracy,7:P1}  ({s.Correct}/{s.Total})");
        text.AppendLine(inv, $"  section overall     {SectionAccuracy,7:P1}  ({Sections.Sum(s => s.Correct)}/{Items})");
        text.AppendLine(inv, $"tag coverage          {TagCoverage,7:P1}  ({TaggedItems}/{Items} items with at least one tag)");
        text.AppendLine(inv, $"relevance threshold   {Threshold.ToString("0.##", inv)} (Draft:MinScore)");
        text.AppendLine(inv, $"  corpus items above  {CorpusRelevant,7:P1}  ({ItemsAboveThreshold}/{Items})");
        text.AppendLine(inv, $"  off-topic below     {OffTopicRejected,7:P1}  ({OffTopicBelowThreshold}/{OffTopicPosts})");
        text.Append("threshold sweep (corpus above / off-topic below):");
        for (var t = 0.5; t <= 2.5; t += 0.25)
            text.Append(inv, $" {t:0.##}: {Share(CorpusScores, s => s >= t):P0}/{Share(OffTopicScores, s => s < t):P0};");
        text.AppendLine();
        if (Confusions.Count > 0) text.AppendLine(inv, $"most frequent misroutes (editor → router): {string.Join("; ", Confusions.Take(6))}");
        foreach (var miss in MissedCorpusItems) text.AppendLine(inv, $"  corpus item below threshold: {miss}");
        foreach (var leak in LeakedOffTopic) text.AppendLine(inv, $"  off-topic above threshold: {leak}");
        return text.ToString();
    }

    private static double Share(IReadOnlyList<double> scores, Func<double, bool> predicate) =>
        scores.Count == 0 ? 0 : (double)scores.Count(predicate) / scores.Count;
}
