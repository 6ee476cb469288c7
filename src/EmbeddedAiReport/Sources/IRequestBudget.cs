using EmbeddedAiReport.Fetching;

namespace EmbeddedAiReport.Sources;

/// <summary>
/// Implemented by a source kind whose requests draw on a rate-limited budget (the GitHub REST API): the poller
/// asks before each request and reports every answer, so the kind can hold requests until the budget resets.
/// </summary>
/// <remarks>A held request is not sent; its reason becomes part of the poll's error so <c>sources</c> shows it.</remarks>
public interface IRequestBudget
{
    /// <summary>Null to go ahead; otherwise why <paramref name="request"/> is not sent now (<c>rate limited until …</c>).</summary>
    string? Hold(SourceDefinition source, SourceRequest request);

    /// <summary>Records what <paramref name="request"/> got; returns a note explaining a failure (a rate limit), or null.</summary>
    string? Observe(SourceDefinition source, SourceRequest request, FetchOutcome outcome);

    /// <summary>
    /// Until when requests like <paramref name="request"/> are held (the budget's reset), or null when they may go now;
    /// a held source is paused at least that long, as a Retry-After would pause it.
    /// </summary>
    DateTimeOffset? HeldUntil(SourceDefinition source, SourceRequest request);
}
