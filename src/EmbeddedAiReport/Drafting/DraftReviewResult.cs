using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Drafting;

/// <summary>A window's draft, all of its entries (overrides applied) and the decision for each entry, by id.</summary>
public sealed record DraftReviewResult(DraftWindow Window, Draft Draft, IReadOnlyList<ReviewEntry> Entries, IReadOnlyDictionary<long, DraftDecision> Decisions);
