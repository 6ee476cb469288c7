namespace EmbeddedAiReport.Dedup;

/// <summary>An entry a story pass places: just stored by a poll, or pending since its text or links changed.</summary>
/// <param name="StoryId">Its story before this pass (null for a new entry).</param>
/// <param name="Links">Its link kinds and targets, ordered by target.</param>
/// <param name="Fingerprint">Over the whole text it arrived with; null to fingerprint the stored title and summary.</param>
internal sealed record StoryCandidate(
    long Id, string Key, string Title, string Summary, string? Account, DateTimeOffset Time, long? StoryId,
    IReadOnlyList<(string Kind, string Target)> Links, TextFingerprint? Fingerprint)
{
    /// <summary>The entry as the primary rule sees it.</summary>
    public StoryPrimary.Member Member => new(Id, Key, Title, Summary, Account, Time);
}
