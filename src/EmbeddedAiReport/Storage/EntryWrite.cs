namespace EmbeddedAiReport.Storage;

/// <summary>An entry as the poller hands it to storage: the candidate plus what the pipeline decided about it.</summary>
/// <param name="Section">Section slug (<c>news</c>, <c>papers</c>, <c>opensource</c>, <c>blogs</c>).</param>
public sealed record EntryWrite(CandidateEntry Candidate, string Kind, string Section, double Score, IReadOnlyList<EntryTag> Tags);
