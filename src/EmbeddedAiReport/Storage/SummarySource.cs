namespace EmbeddedAiReport.Storage;

/// <summary>What a source gave for one entry, the input of its 摘要 (the editor's overrides never are).</summary>
/// <param name="ContentHash">The entry's stored content hash: with the model and the prompt's version, the cache key.</param>
public sealed record SummarySource(long EntryId, string CanonicalKey, string Title, string Text, string? Account, string? Prefix, string ContentHash);
