using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Summaries;

/// <summary>The summarizer's health from its stored runs, for <c>sources</c> and the daemon's health detail.</summary>
/// <remarks>Read from the database, so a one-shot command and the daemon see the same runs. Times in notes are in the draft's time zone with its offset, as the other health views print them.</remarks>
public sealed class SummarizerHealth(SummaryStore store, IOptions<SummariesOptions> options, IOptions<DraftOptions> draft, TimeProvider timeProvider,
    SummaryPrompt? prompt = null)
{
    /// <summary>The state now: <c>off</c>, <c>never</c> (no call yet), <c>failing</c> (a failure ended the last run's calls; one entry's own, a prompt beyond the context, does not), <c>waiting</c> (the endpoint asked to wait) or <c>ok</c>.</summary>
    public async Task<SummarizerStatus> GetAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || prompt is null) return new SummarizerStatus("off", null, null, 0, null);
        var runs = await store.RecentRunsAsync(20, cancellationToken);
        if (runs.Count == 0) return new SummarizerStatus("never", $"{settings.Model} at {settings.EndpointUri?.Authority}: no call yet", null, 0, null);
        var last = runs[0];
        var failures = runs.TakeWhile(r => r.Error is not null).Count();
        var lastSuccess = runs.FirstOrDefault(r => r.Error is null && r.Calls > 0)?.Started;
        var zone = draft.Value.Zone();
        // Calls neither accepted nor refused in a run no failure ended: entries' own failures (a prompt beyond the server's
        // context, warning 7004) and a call the run's time budget cut.
        var unanswered = last.Error is null ? last.Calls - last.Accepted - last.Refused : 0;
        var totals = $"last run {SourceStatus.Time(last.Started, zone)}: {last.Calls} calls, {last.Accepted} accepted, {last.Refused} refused"
            + (unanswered > 0 ? $", {unanswered} without an answer" : "");
        if (last.RetryAt is { } until && until > timeProvider.GetUtcNow())
            return new SummarizerStatus("waiting", $"the endpoint asked to wait until {SourceStatus.Time(until, zone)}; {last.Error ?? totals}", lastSuccess, failures, last);
        return failures > 0
            ? new SummarizerStatus("failing", last.Error, lastSuccess, failures, last)
            : new SummarizerStatus("ok", totals, lastSuccess, 0, last);
    }
}
