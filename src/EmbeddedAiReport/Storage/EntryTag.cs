namespace EmbeddedAiReport.Storage;

/// <summary>A tag on an entry with the weight it contributed to the score.</summary>
public sealed record EntryTag(string Tag, double Weight);
