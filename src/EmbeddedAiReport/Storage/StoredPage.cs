namespace EmbeddedAiReport.Storage;

/// <summary>What reading an entry's page gave, as remembered in <c>entry_pages</c>.</summary>
/// <param name="Entry">The completed entry when <paramref name="Outcome"/> is <see cref="PageOutcome.Read"/>, until housekeeping released it (<see cref="PageStore.ReleaseTextAsync"/>).</param>
public sealed record StoredPage(string EntryKey, string SourceId, DateTimeOffset Checked, PageOutcome Outcome, string? Detail, CandidateEntry? Entry);
