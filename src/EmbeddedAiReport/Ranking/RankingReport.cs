using System.Globalization;
using System.Text;

namespace EmbeddedAiReport.Ranking;

/// <summary>The figures of a <see cref="RankingEvaluation"/>.</summary>
public sealed record RankingReport(
    int Issues,
    int PerWindow,
    int FloodItems,
    IReadOnlyList<RankingReport.SectionFigures> Sections,
    double PrecisionAtEditorCount,
    double Auc,
    IReadOnlyList<double> AucPerFlood,
    IReadOnlyList<(string Issue, int Deletes, int Adds)> Edits,
    IReadOnlyList<string> Missed)
{
    /// <summary>The editor's items of one section and how many of them made the draft.</summary>
    public sealed class SectionFigures(string section)
    {
        public string Section { get; } = section;
        public int Items { get; set; }
        public int InDraft { get; set; }
        public double Recall => Items == 0 ? 1 : (double)InDraft / Items;
    }

    /// <summary>The flood items that made drafts with the highest relevance, with why (for tuning).</summary>
    public IReadOnlyList<string> TopFlood { get; init; } = [];

    /// <summary>Editor's items in the draft, of all.</summary>
    public double Recall => Sections.Sum(s => s.Items) == 0 ? 1 : (double)Sections.Sum(s => s.InDraft) / Sections.Sum(s => s.Items);

    /// <summary>Mean edits per issue: draft items to delete plus the editor's items to add.</summary>
    public double EditsPerIssue => Edits.Count == 0 ? 0 : Edits.Average(e => e.Deletes + e.Adds);

    /// <summary>The figures as printed by the <c>evaluate</c> command.</summary>
    public string Format()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"ranking, leave-issues-out: {Issues} issues, each among {PerWindow} items per flood list ({FloodItems} flood items in windows)");
        foreach (var s in Sections)
            text.AppendLine(inv, $"  recall {s.Section,-11} {s.Recall,7:P1}  ({s.InDraft}/{s.Items} in the draft)");
        text.AppendLine(inv, $"  recall overall     {Recall,7:P1}");
        text.AppendLine(inv, $"  precision at the editor's item count {PrecisionAtEditorCount,7:P1}");
        text.AppendLine(inv, $"  ROC AUC, editor items vs flood       {Auc,7:0.0000}{(AucPerFlood.Count > 1 ? $" (per flood list: {string.Join(", ", AucPerFlood.Select(a => a.ToString("0.0000", inv)))})" : "")}");
        if (Edits.Count > 0)
            text.AppendLine(inv, $"  edits per issue {EditsPerIssue:0.0} (draft items to delete {Edits.Average(e => e.Deletes):0.0} + editor's items to add {Edits.Average(e => e.Adds):0.0})");
        foreach (var miss in Missed) text.AppendLine(inv, $"  not in the draft: {miss}");
        foreach (var top in TopFlood) text.AppendLine(inv, $"  flood item in a draft: {top}");
        return text.ToString();
    }
}
