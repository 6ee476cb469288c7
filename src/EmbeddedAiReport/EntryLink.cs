namespace EmbeddedAiReport;

/// <summary>A reference from an entry to a paper, a repository or another URL.</summary>
/// <param name="Kind">What the link points to: <c>arxiv</c>, <c>github</c> or <c>url</c>.</param>
/// <param name="Target">The canonical key of the target (<c>arxiv:2011.12289</c>, <c>gh:owner/repo</c>).</param>
/// <param name="Url">A URL for the target, as shown in the draft.</param>
public sealed record EntryLink(string Kind, string Target, string Url);
