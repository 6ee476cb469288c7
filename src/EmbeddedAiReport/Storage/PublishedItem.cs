namespace EmbeddedAiReport.Storage;

/// <summary>One item of a published issue, by the canonical key of what it links to.</summary>
/// <param name="Summary">The item's 摘要 as published (training text for the relevance model).</param>
/// <param name="Account">The account after <c>|</c> in its title, if any.</param>
public sealed record PublishedItem(string CanonicalKey, string? Section, string Title, string Url, string Summary = "", string? Account = null);
