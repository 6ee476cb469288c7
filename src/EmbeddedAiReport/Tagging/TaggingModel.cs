using EmbeddedAiReport.Ranking;

namespace EmbeddedAiReport.Tagging;

/// <summary>What the classifier works from: the taxonomy of tags.json, the section router of router.json and the relevance model of ranker.json.</summary>
/// <remarks>The core registers <see cref="Empty"/>; the host replaces it with what it loaded from the config folder.</remarks>
public sealed record TaggingModel(Taxonomy Taxonomy, SectionRouter? Router, RelevanceModel? Ranker = null)
{
    /// <summary>No tags, no router, no model: sections come from kinds and source hints, relevance from keywords.</summary>
    public static TaggingModel Empty { get; } = new(Taxonomy.Empty, null);

    /// <summary>
    /// A fingerprint of the texts the taxonomy and the relevance model were read from (tags.json and ranker.json), null when
    /// not read from files: two models with the same one score and tag every entry alike, whatever their routers.
    /// </summary>
    public string? ScoringFingerprint { get; init; }

    /// <summary>The relevance below which an entry of <paramref name="section"/> stays out of the draft (the model's, else the keyword fallback's).</summary>
    public double ThresholdFor(string? section) => Ranker?.ThresholdFor(section) ?? KeywordRelevance.Threshold;
}
