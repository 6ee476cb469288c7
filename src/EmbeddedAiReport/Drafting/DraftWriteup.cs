namespace EmbeddedAiReport.Drafting;

/// <summary>A post in the same story as a paper or repository item, with raw text.</summary>
public sealed record DraftWriteup(long EntryId, string Title, string? Account, string Url);
