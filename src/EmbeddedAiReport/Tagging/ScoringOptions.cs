namespace EmbeddedAiReport.Tagging;

/// <summary>How the relevance score is put together (the <c>scoring</c> object of tags.json).</summary>
public sealed record ScoringOptions
{
    /// <value>Added once when the entry's text names an arXiv paper or a GitHub repository. Default: 1.</value>
    public double LinkWeight { get; init; } = 1;

    /// <value>Bonus for an entry published now, falling linearly to 0 at <see cref="RecencyDays"/>. Default: 0.25.</value>
    public double RecencyWeight { get; init; } = 0.25;

    /// <value>Age in days at which the recency bonus reaches 0. Default: 14.</value>
    public double RecencyDays { get; init; } = 14;

    /// <value>Most the tags together may add, so a keyword-stuffed post does not outrank everything. Default: 6.</value>
    public double MaxTagScore { get; init; } = 6;
}
