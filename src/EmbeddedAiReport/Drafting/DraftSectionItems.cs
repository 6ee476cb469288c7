namespace EmbeddedAiReport.Drafting;

/// <summary>One section of a draft with its items, best first.</summary>
public sealed record DraftSectionItems(string Slug, string Name, string ShortName, string? Note, IReadOnlyList<DraftItem> Items);
