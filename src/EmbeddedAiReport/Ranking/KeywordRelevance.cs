using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Ranking;

/// <summary>The relevance used when no model is loaded: the taxonomy's keyword score, mapped onto the model's 0–1 scale.</summary>
/// <remarks>
/// σ(keyword score − <see cref="Midpoint"/>): the old draft threshold of the keyword score (1.25) becomes 0.5, which is
/// the threshold the draft applies without a model. Cruder than the model (it saturates and ties), but never missing.
/// </remarks>
public static class KeywordRelevance
{
    /// <summary>The keyword score that maps to a relevance of 0.5.</summary>
    public const double Midpoint = 1.25;

    /// <summary>The draft threshold without a model.</summary>
    public const double Threshold = 0.5;

    /// <summary>The relevance of a keyword score (tags + source weight + link bonus, see <see cref="RelevanceScorer"/>).</summary>
    public static double FromKeywordScore(double keywordScore) => 1 / (1 + Math.Exp(-(keywordScore - Midpoint)));

    /// <summary>The keyword score a relevance was mapped from (the inverse of <see cref="FromKeywordScore"/>, to explain a stored score).</summary>
    public static double ToKeywordScore(double relevance)
    {
        var p = Math.Clamp(relevance, 1e-12, 1 - 1e-12);
        return Midpoint + Math.Log(p / (1 - p));
    }
}
