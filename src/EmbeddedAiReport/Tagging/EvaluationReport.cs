using System.Globalization;
using System.Text;

namespace EmbeddedAiReport.Tagging;

/// <summary>The figures of a <see cref="TaggingEvaluation"/>: section routing and tag coverage.</summary>
/// <param name="Misrouted">Each item routed to another section than the editor's, in issue order: issue, editor's → routed section, how it was decided, title and account.</param>
public sealed record EvaluationReport(
    int Issues,
    int Folds,
    IReadOnlyList<SectionAccuracy> Sections,
    int Items,
    int TaggedItems,
    IReadOnlyList<string> Confusions,
    IReadOnlyList<string> Misrouted)
{
    public double SectionAccuracy => Items == 0 ? 0 : (double)Sections.Sum(s => s.Correct) / Items;
    public double TagCoverage => Items == 0 ? 0 : (double)TaggedItems / Items;

    /// <summary>The figures as printed by the <c>evaluate</c> command.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"sections, leave-issues-out: {Issues} issues, {Folds} folds, {Items} items");
        foreach (var s in Sections)
            text.AppendLine(inv, $"  section {s.Section,-11} {s.Accuracy,7:P1}  ({s.Correct}/{s.Total})");
        text.AppendLine(inv, $"  section overall     {SectionAccuracy,7:P1}  ({Sections.Sum(s => s.Correct)}/{Items})");
        text.AppendLine(inv, $"tag coverage          {TagCoverage,7:P1}  ({TaggedItems}/{Items} items with at least one tag)");
        if (Confusions.Count > 0) text.AppendLine(inv, $"most frequent misroutes (editor → router): {string.Join("; ", Confusions.Take(6))}");
        foreach (var line in Misrouted) text.AppendLine(inv, $"  misrouted: {line}");
        return text.ToString();
    }
}
