using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Sources;

/// <summary>What fetching and parsing one source's requests gave: its entries, its errors and what to remember of the answers.</summary>
/// <param name="Entries">Every entry the documents held, in order (not filtered, not deduplicated).</param>
/// <param name="Errors">One line per failed request or document, naming its address.</param>
/// <param name="LastStatus">The HTTP status of the last answer, or null when nothing was answered.</param>
/// <param name="Bytes">Bytes of the documents read.</param>
/// <param name="AllNotModified">True when every request was answered 304.</param>
/// <param name="RetryAfter">The longest Retry-After a server asked for, or null.</param>
/// <param name="Validators">The ETag/Last-Modified of each first page read, by address.</param>
public sealed record SourceRead(
    List<CandidateEntry> Entries,
    IReadOnlyList<string> Errors,
    int? LastStatus,
    long Bytes,
    bool AllNotModified,
    TimeSpan? RetryAfter,
    IReadOnlyDictionary<string, HttpValidators> Validators)
{
    internal RequestTracker? Tracker { get; init; }

    /// <summary>What the source's own settings left out that the operator should hear of (<see cref="ParseOutcome.Parsed.LeftOut"/>), per document.</summary>
    public IReadOnlyList<string> LeftOut { get; init; } = [];

    /// <summary>The source's error (null unless it failed as a whole), its warning, and each request's new health.</summary>
    /// <remarks>
    /// Each line comes out as one line without control characters: errors quote what servers sent (a reason phrase, a
    /// Location, a charset, a parser's complaint about the body), and an ESC or BEL in them would reach the operator's
    /// terminal through <c>poll</c>, <c>sources</c> and the log.
    /// </remarks>
    /// <param name="answered">When the answers were in: a failing request's Retry-After counts from it.</param>
    public (string? Error, string? Warning, IReadOnlyList<RequestHealth> Requests) Summarize(FetchingOptions options, DateTimeOffset answered)
    {
        var (error, warning, requests) = Tracker?.Summarize(Errors, RetryAfter, answered, options) ?? (Errors.Count == 0 ? null : string.Join("; ", Errors), null, []);
        return (OneLine(error), OneLine(warning), requests.Select(r => r with { Error = OneLine(r.Error) }).ToList());
    }

    private static string? OneLine(string? text) => text is null ? null : TextCleaner.CollapseWhiteSpace(text);
}
