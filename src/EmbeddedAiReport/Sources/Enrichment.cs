namespace EmbeddedAiReport.Sources;

/// <summary>What <see cref="PageEnricher.EnrichAsync"/> gives: the entries to store, and how many pages are left for later polls.</summary>
/// <param name="Entries">The feed's entries (completed, without those whose page is gone) and the stored entries whose page was read now.</param>
/// <param name="PagesLeft">Pages wanted and not read by this poll (past the limit, out of time, paused after an anti-bot page, waiting after their host failed).</param>
public sealed record Enrichment(List<CandidateEntry> Entries, int PagesLeft);
