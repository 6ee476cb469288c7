using System.Globalization;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tagging;

/// <summary>Why an entry scored what it did: each tag's weight, the source weight, the link and recency bonuses.</summary>
/// <param name="Tags">The matched tags with their weights, as stored in <c>entries.tags</c>.</param>
/// <param name="TagScore">The tags' sum after the <see cref="ScoringOptions.MaxTagScore"/> cap.</param>
public sealed record ScoreExplanation(IReadOnlyList<EntryTag> Tags, double TagScore, double SourceWeight, double LinkBonus, double RecencyBonus)
{
    /// <summary>The relevance score: tags (capped) + source weight + link bonus + recency bonus.</summary>
    public double Total => Math.Round(TagScore + SourceWeight + LinkBonus + RecencyBonus, 3);

    /// <summary>One line such as <c>quantization +2, npu +2 | source +0.5 | links +1 | recency +0.2 = 5.7</c>.</summary>
    public override string ToString()
    {
        var tags = Tags.Count == 0 ? "no tags" : string.Join(", ", Tags.Select(t => $"{t.Tag} {Signed(t.Weight)}"));
        var capped = Tags.Sum(t => t.Weight) > TagScore ? $" (capped at {Number(TagScore)})" : "";
        return $"{tags}{capped} | source {Signed(SourceWeight)} | links {Signed(LinkBonus)} | recency {Signed(RecencyBonus)} = {Number(Total)}";
    }

    private static string Signed(double value) => (value >= 0 ? "+" : "") + Number(value);

    private static string Number(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
