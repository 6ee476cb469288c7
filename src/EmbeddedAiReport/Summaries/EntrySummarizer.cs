using System.Globalization;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Summaries;

/// <summary>Asks the model for the Chinese 摘要 of a window's draft items and shortlisted entries that have none stored yet.</summary>
/// <remarks>
/// Only entries that make the draft (after ranking, within the quotas, in draft order) and shortlisted ones are asked, at most
/// <see cref="SummariesOptions.MaxPerWeek"/> answers per window across runs; an entry whose content, the model and the prompt
/// are unchanged is never asked twice. The editor's summary is never asked for nor overwritten. A failed call (unreachable,
/// timeout, HTTP error, malformed answer) ends the run's calls with one warning: the draft keeps the source text. A prompt the
/// server says exceeds its context fails only that entry (a warning of its own); the others are still asked.
/// </remarks>
public sealed class EntrySummarizer(DraftExporter exporter, EntryStore entries, SummaryStore store, SummaryClient client, DraftSummaries drafts,
    IOptions<SummariesOptions> options, TimeProvider timeProvider, ILogger<EntrySummarizer> logger, IOptions<DraftOptions> draft, SummaryPrompt? prompt = null)
{
    /// <summary>True when summaries are configured.</summary>
    public bool Enabled => drafts.Enabled && prompt is not null;

    /// <summary>Summarizes what <paramref name="window"/>'s draft needs; stops calling when <paramref name="budget"/> (if any) runs out.</summary>
    public async Task<SummaryRun> SummarizeAsync(DraftWindow window, TimeSpan? budget, CancellationToken cancellationToken)
    {
        if (!Enabled || prompt is null) return SummaryRun.Off;
        var settings = options.Value;
        var (model, version) = drafts.Key;
        var started = timeProvider.GetUtcNow();
        var targets = await TargetsAsync(window, cancellationToken);
        var sources = await store.SourcesAsync(targets, cancellationToken);
        var cached = await store.FindAsync(targets, model, version, cancellationToken);
        var spent = await store.CountInWindowAsync(window.FromUtc, window.ToUtc, model, cancellationToken);
        var waitUntil = (await store.RecentRunsAsync(1, cancellationToken)).FirstOrDefault()?.RetryAt is { } retry && retry > started ? retry : (DateTimeOffset?)null;
        using var budgetTimer = budget is { } b ? new CancellationTokenSource(b, timeProvider) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budgetTimer.Token);

        var items = new List<SummaryRun.Item>(sources.Count);
        string? error = waitUntil is { } until ? $"the endpoint asked to wait until {SourceStatus.Time(until, draft.Value.Zone())}" : null;
        DateTimeOffset? retryAt = null;
        var calls = 0;
        IChatClient? chat = null;
        try
        {
            foreach (var (source, editorSummary) in sources)
            {
                if (DraftSummaries.Skip(source, editorSummary, settings) is { } skip) items.Add(new(source, skip, null));
                else if (cached.TryGetValue(source.EntryId, out var stored))
                {
                    // A stored refusal is checked again, without a call: the checks' settings, or a newer build's checks (a
                    // reasoning model's <think> block), may pass the stored answer now.
                    var passes = stored.Text is null ? await RecheckAsync(source, stored, model, version, settings, cancellationToken) : null;
                    items.Add(passes is null ? new(source, SummaryOutcome.Cached, stored.Text ?? stored.Problem) : new(source, SummaryOutcome.Accepted, passes));
                }
                else if (error is not null) items.Add(new(source, SummaryOutcome.NotCalled, error));
                else if (spent >= settings.MaxPerWeek) items.Add(new(source, SummaryOutcome.OverWeeklyLimit, $"{settings.MaxPerWeek} answers this week"));
                else if (budgetTimer.IsCancellationRequested) items.Add(new(source, SummaryOutcome.OverTimeBudget, null));
                else
                {
                    chat ??= client.Create();
                    var item = await AskAsync(chat, source, model, version, settings, linked.Token, budgetTimer.Token, cancellationToken);
                    items.Add(item.Item);
                    calls += item.Called ? 1 : 0;
                    if (item.Item.Outcome is SummaryOutcome.Accepted or SummaryOutcome.Refused) spent++;
                    // A prompt too long for the server's context fails only its own entry; any other failure ends the run's calls.
                    if (item.Item.Outcome == SummaryOutcome.Failed && item.EntryOnly) logger.EntryFailed(source.EntryId, item.Item.Detail!);
                    else if (item.Item.Outcome == SummaryOutcome.Failed) (error, retryAt) = (item.Item.Detail, item.RetryAt);
                }
            }
        }
        finally
        {
            (chat as IDisposable)?.Dispose();
        }

        var run = new SummaryRun(true, items, calls, error, retryAt);
        // The run's health is the endpoint's: it failed when a call ended the run's calls. An entry whose prompt the server
        // refused as too long for its context is that entry's own failure (its warning); the endpoint answered. A wait the
        // endpoint asked for before the run made no call and is no new failure either.
        var failure = waitUntil is null ? error : null;
        await store.RecordRunAsync(new SummaryRunRecord(started, model, calls, run.Count(SummaryOutcome.Accepted), run.Count(SummaryOutcome.Refused),
            failure, retryAt ?? waitUntil), cancellationToken);
        if (error is not null)
            logger.Unavailable(error, items.Count(i => i.Outcome is SummaryOutcome.Failed or SummaryOutcome.NotCalled));
        logger.Summarized(window.First.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), window.Last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), calls, run.Count(SummaryOutcome.Accepted),
            run.Count(SummaryOutcome.Refused), run.Count(SummaryOutcome.Cached), items.Count);
        return run;
    }

    // Draft items in draft order, then shortlisted entries of the window that the draft does not show (members of a story).
    private async Task<IReadOnlyList<long>> TargetsAsync(DraftWindow window, CancellationToken cancellationToken)
    {
        var draft = await exporter.BuildAsync(window, cancellationToken);
        var ids = draft.Sections.SelectMany(s => s.Items).Select(i => i.EntryId).ToList();
        var shortlisted = (await entries.ListWindowAsync(window.FromUtc, window.ToUtc, cancellationToken))
            .Where(e => e.Status == "shortlisted")
            .Select(e => e.Id);
        return ids.Concat(shortlisted.Where(id => !ids.Contains(id))).ToList();
    }

    // The stored answer of a refusal when it passes the current checks (stored as accepted), else null.
    private async Task<string?> RecheckAsync(SummarySource source, StoredSummary stored, string model, string version, SummariesOptions settings,
        CancellationToken cancellationToken)
    {
        if (stored.Problem is not { } problem || SummaryCheck.IsUnfinished(problem) || SummaryCheck.WithoutReasoning(stored.Answer) is not { } reply) return null;
        var text = Read(reply, source);
        if (Problem(text, source, settings) is not null) return null;
        await store.SaveAsync(source, model, version, text, text, null, cancellationToken);
        return text;
    }

    // An answer (without the model's reasoning) as the 摘要 it would be, and what the checks say of it against the source's
    // title and text: the same for a fresh answer and for a stored refusal checked again.
    private static string Read(string reply, SummarySource source) => SummaryCheck.WithoutTitle(SummaryCheck.Normalize(reply), source.Title);

    private static string? Problem(string text, SummarySource source, SummariesOptions settings) =>
        SummaryCheck.Problem(text, source.Title + "\n" + source.Text, settings);

    private async Task<(SummaryRun.Item Item, bool Called, DateTimeOffset? RetryAt, bool EntryOnly)> AskAsync(IChatClient chat, SummarySource source, string model,
        string version, SummariesOptions settings, CancellationToken token, CancellationToken budget, CancellationToken cancellationToken)
    {
        SummaryAnswer answer;
        try
        {
            answer = await client.AskAsync(chat, prompt!.Render(source, settings.MaxInputChars), token);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (new(source, SummaryOutcome.OverTimeBudget, "the time budget ran out during the call"), true, null, false);
        }
        if (answer is SummaryAnswer.Failed failed) return (new(source, SummaryOutcome.Failed, failed.Reason), true, failed.RetryAt, failed.EntryOnly);

        // A reasoning model's thinking is not the answer; an answer the token limit cut is not a finished 摘要.
        var answered = (SummaryAnswer.Answered)answer;
        var reply = SummaryCheck.WithoutReasoning(answered.Text);
        var text = Read(reply ?? "", source);
        var problem = SummaryCheck.Unfinished(reply is null, answered.Cut, text, settings.MaxOutputTokens, answered.FinishReason)
            ?? Problem(text, source, settings);
        await store.SaveAsync(source, model, version, text, problem is null ? text : null, problem, cancellationToken);
        if (problem is not null) logger.Refused(source.EntryId, problem);
        return (new(source, problem is null ? SummaryOutcome.Accepted : SummaryOutcome.Refused, problem ?? text), true, null, false);
    }
}
