using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Summaries;

/// <summary>What one summarizer run did: per entry, in draft order, and the totals.</summary>
/// <param name="Error">Why calls stopped (the run's one warning), or null when no call failed or only entries' own ones (a prompt beyond the server's context).</param>
public sealed record SummaryRun(bool Enabled, IReadOnlyList<SummaryRun.Item> Items, int Calls, string? Error, DateTimeOffset? RetryAt)
{
    /// <summary>A run that did nothing because summaries are off.</summary>
    public static SummaryRun Off { get; } = new(false, [], 0, null, null);

    /// <summary>How many entries ended with <paramref name="outcome"/>.</summary>
    public int Count(SummaryOutcome outcome) => Items.Count(i => i.Outcome == outcome);

    /// <summary>One entry of the run.</summary>
    /// <param name="Detail">The accepted text, the refusal's reason or the failure, when there is one.</param>
    public sealed record Item(SummarySource Source, SummaryOutcome Outcome, string? Detail);
}
