namespace EmbeddedAiReport.Drafting;

/// <summary>One item of a draft, with raw (unescaped) text.</summary>
/// <param name="Prefix">A label before the link (an arXiv id with version), or null.</param>
/// <param name="Links">The papers and repositories the item's story points to (its own links and its members').</param>
public sealed record DraftItem(long EntryId, string CanonicalKey, string Title, string? Account, string Url, string? Prefix, string Summary,
    double Score, IReadOnlyList<EntryLink> Links)
{
    /// <summary>Titles of linked papers/repositories whose own entry is in the story, by link target.</summary>
    public IReadOnlyDictionary<string, string> LinkTitles { get; init; } = new Dictionary<string, string>();

    /// <summary>True when <see cref="Summary"/> is the editor's own markdown (kept as written), false for a source's or model's text (escaped, one line).</summary>
    public bool EditorSummary { get; init; }

    /// <summary>Posts about this paper or repository (other entries of its story), shown as write-ups.</summary>
    public IReadOnlyList<DraftWriteup> Writeups { get; init; } = [];
}
