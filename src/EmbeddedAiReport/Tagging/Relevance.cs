using System.Globalization;

namespace EmbeddedAiReport.Tagging;

/// <summary>An entry's relevance (0–1) and why: the model's strongest features, or the keyword score without a model.</summary>
/// <param name="Score">The relevance as stored, rounded to six places.</param>
/// <param name="Threshold">The draft threshold of the entry's section.</param>
/// <param name="Keywords">The keyword score it was mapped from, when no model was loaded.</param>
/// <param name="Contributions">The model's features with their share of the log-odds, strongest first.</param>
public sealed record Relevance(double Score, double Threshold, ScoreExplanation? Keywords, IReadOnlyList<(string Feature, double Contribution)> Contributions)
{
    /// <summary>How many features for and against <see cref="ToString"/> shows.</summary>
    public const int Shown = 5;

    /// <summary>The score as every listing prints it (<c>entries</c> and <c>--explain</c> agree to the digit).</summary>
    public static string Format(double score) => score.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>One line: <c>relevance 0.912 (threshold 0.120) for: tag quantization +1.20, … against: kind arxiv −0.80, …</c>.</summary>
    public override string ToString()
    {
        var head = $"relevance {Format(Score)} (threshold {Format(Threshold)})";
        if (Keywords is { } keywords) return $"{head} from keywords: {keywords}";
        string List(IEnumerable<(string Feature, double Contribution)> features) =>
            string.Join(", ", features.Take(Shown).Select(f => $"{f.Feature} {f.Contribution.ToString("+0.00;-0.00", CultureInfo.InvariantCulture)}"));
        var forIt = List(Contributions.Where(c => c.Contribution > 0));
        var against = List(Contributions.Where(c => c.Contribution < 0));
        return $"{head} for: {(forIt.Length > 0 ? forIt : "nothing")}; against: {(against.Length > 0 ? against : "nothing")}";
    }
}
