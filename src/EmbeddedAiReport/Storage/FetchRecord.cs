using EmbeddedAiReport.Fetching;

namespace EmbeddedAiReport.Storage;

/// <summary>What one poll of one source did, written as a <c>fetches</c> row and into the source's health.</summary>
/// <param name="Error">Null when the poll succeeded (including "not modified").</param>
/// <param name="Validators">Conditional-GET validators to keep, by request address.</param>
/// <param name="PausedUntil">For a failed poll: no scheduled poll before this instant (backoff or the server's Retry-After).</param>
/// <param name="Warning">For a poll that succeeded with something wrong: a feed only partly read, some of several requests failing.</param>
/// <param name="Requests">Health of each request of a source with several, to store beside the source's.</param>
/// <param name="LeftOut">What the source's own settings left out (<see cref="Sources.SourceRead.LeftOut"/>, joined), or null.</param>
public sealed record FetchRecord(
    string SourceId,
    string Kind,
    DateTimeOffset Started,
    TimeSpan Duration,
    int? HttpStatus,
    long Bytes,
    int Seen,
    string? Error,
    IReadOnlyDictionary<string, HttpValidators> Validators,
    DateTimeOffset? PausedUntil = null,
    string? Warning = null,
    IReadOnlyList<RequestHealth>? Requests = null,
    string? LeftOut = null);

/// <summary>How many entries one committed fetch added and changed.</summary>
public readonly record struct StoreCounts(int New, int Updated);
