namespace EmbeddedAiReport.Drafting;

/// <summary>One section of the draft.</summary>
public sealed class DraftSection
{
    /// <value>Stable identifier stored with entries: <c>news</c>, <c>papers</c>, <c>opensource</c>, <c>blogs</c>.</value>
    public string Slug { get; set; } = "";

    /// <value>Heading shown in the draft, e.g. 业界新闻.</value>
    public string Name { get; set; } = "";

    /// <value>Optional line under the heading. Default: none.</value>
    public string? Note { get; set; }

    /// <value>Name used in the 导读 line (「新闻」). Default: <see cref="Name"/>.</value>
    public string? ShortName { get; set; }

    /// <summary><see cref="ShortName"/> or <see cref="Name"/>.</summary>
    public string EffectiveShortName => string.IsNullOrWhiteSpace(ShortName) ? Name : ShortName;
}
