namespace EmbeddedAiReport.Dedup;

/// <summary>What one story-assignment pass did.</summary>
/// <param name="Signed">Entries fingerprinted (new, or changed since their last assignment).</param>
/// <param name="NewStories">Stories created.</param>
/// <param name="Merged">Stories folded into another because an entry joined them.</param>
public readonly record struct StoryAssignment(int Signed, int NewStories, int Merged);
