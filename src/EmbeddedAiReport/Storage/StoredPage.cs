namespace EmbeddedAiReport.Storage;

/// <summary>What reading an entry's page gave, as remembered in <c>entry_pages</c>.</summary>
/// <param name="Entry">The completed entry when <paramref name="Outcome"/> is <see cref="PageOutcome.Read"/>, until housekeeping released it (<see cref="PageStore.ReleaseTextAsync"/>).</param>
/// <param name="Failures">How many times in a row the page's host failed (<see cref="PageOutcome.Failing"/>); 0 otherwise.</param>
/// <param name="RetryAt">When a poll may ask a <see cref="PageOutcome.Failing"/> page again; null otherwise.</param>
public sealed record StoredPage(string EntryKey, string SourceId, DateTimeOffset Checked, PageOutcome Outcome, string? Detail, CandidateEntry? Entry,
    int Failures = 0, DateTimeOffset? RetryAt = null);
