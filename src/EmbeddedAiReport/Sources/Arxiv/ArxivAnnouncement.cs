namespace EmbeddedAiReport.Sources.Arxiv;

/// <summary>How a paper appeared in a category's daily announcement.</summary>
/// <remarks>The names in sources.json (<c>keep</c>) and in arXiv's RSS (<c>arxiv:announce_type</c>) are <c>new</c>, <c>cross</c>, <c>replace</c>, <c>replace-cross</c>.</remarks>
public enum ArxivAnnouncement
{
    /// <summary>A new submission whose primary category is this one.</summary>
    New,

    /// <summary>A new submission cross-listed from another primary category.</summary>
    Cross,

    /// <summary>A new version of an earlier paper of this category.</summary>
    Replace,

    /// <summary>A new version of an earlier paper cross-listed to this category.</summary>
    ReplaceCross,
}
