namespace EmbeddedAiReport.Storage;

/// <summary>One item of a published issue, by the canonical key of what it links to.</summary>
public sealed record PublishedItem(string CanonicalKey, string? Section, string Title, string Url);
