namespace EmbeddedAiReport.Storage;

/// <summary>An entry a commit inserted or changed (unchanged ones are not reported).</summary>
/// <param name="Index">Its position in the writes handed to the commit.</param>
/// <param name="Key">Its canonical key (the one it already had when an alias key matched).</param>
/// <param name="WindowTime">Its published time, else its first-seen time, as stored.</param>
/// <param name="StoryId">Its story before the commit (null for a new entry).</param>
public readonly record struct UpsertedEntry(int Index, long Id, string Key, bool IsNew, DateTimeOffset WindowTime, long? StoryId);
