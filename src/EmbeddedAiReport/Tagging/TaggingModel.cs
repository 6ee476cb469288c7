namespace EmbeddedAiReport.Tagging;

/// <summary>What the classifier works from: the taxonomy of tags.json and, when trained, the section router of router.json.</summary>
/// <remarks>The core registers <see cref="Empty"/>; the host replaces it with what it loaded from the config folder.</remarks>
public sealed record TaggingModel(Taxonomy Taxonomy, SectionRouter? Router)
{
    /// <summary>No tags, no router: sections come from kinds and source hints, scores from source weights.</summary>
    public static TaggingModel Empty { get; } = new(Taxonomy.Empty, null);
}
