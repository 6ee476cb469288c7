using System.Diagnostics;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Sources;

/// <summary>Fetch → parse → classify → fingerprint → store and place in stories, for one source; the write is one savepoint of the <see cref="IngestWriter"/>.</summary>
/// <remarks>
/// Faults of the source (HTTP errors, bad documents) become a failed <see cref="PollResult"/> and a
/// <c>fetches</c> row; they never throw. <see cref="PollManyAsync"/> bounds parallelism and keeps one source's
/// crash from stopping the others.
/// </remarks>
public sealed class SourcePoller(
    SourceCatalog catalog, Fetcher fetcher, SourceStore store, EntryClassifier classifier, PageEnricher enricher, IngestWriter writer,
    IOptions<FetchingOptions> fetching, TimeProvider timeProvider, ILogger<SourcePoller> logger, PollMetrics metrics)
{
    /// <summary>Most pages one request may follow (<see cref="ParseOutcome.Parsed.Next"/>), against paging loops.</summary>
    private const int MaxPages = 50;

    /// <summary>Time a source that holds a slot of <see cref="PollManyAsync"/> may run before it lets the next source start.</summary>
    internal static readonly TimeSpan SlotPatience = TimeSpan.FromSeconds(5);

    /// <summary>Time <see cref="PollManyAsync"/> keeps at the end of its budget for committing what the last sources read.</summary>
    internal static readonly TimeSpan CommitReserve = TimeSpan.FromSeconds(2);

    /// <param name="pollBudget">Time the whole poll may take; null: the source's <c>budget</c>, else <see cref="FetchingOptions.PollBudget"/>.</param>
    /// <param name="respectPauses">A scheduled poll: skip requests paused after failures of their own (<c>poll</c> tries them all).</param>
    public async Task<PollResult> PollAsync(SourceDefinition source, CancellationToken cancellationToken, TimeSpan? pollBudget = null, bool respectPauses = false)
    {
        // Every request, retry and wait of this poll shares one budget; what was read before it ran out is still stored.
        var allowed = pollBudget ?? source.PollBudget ?? fetching.Value.PollBudget;
        using var overBudget = new CancellationTokenSource(allowed, timeProvider);
        using var pollToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, overBudget.Token);
        var kind = catalog.Kinds[source.Kind];
        var started = timeProvider.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var validators = await store.GetValidatorsAsync(source.Id, cancellationToken);
        var newValidators = new Dictionary<string, HttpValidators>(StringComparer.Ordinal);
        var entries = new List<CandidateEntry>();
        var errors = new List<string>();
        int? lastStatus = null;
        long bytes = 0;
        var allNotModified = true;
        TimeSpan? retryAfter = null;
        var budget = kind as IRequestBudget;
        var requests = kind.Requests(source);
        var tracker = await RequestTracker.LoadAsync(store, source, requests, respectPauses, started, cancellationToken);
        var refusedHosts = new Dictionary<string, (int Index, Uri First, int More)>(StringComparer.OrdinalIgnoreCase);

        foreach (var request in requests)
        {
            if (tracker.Skip(request)) continue;
            var errorsBefore = errors.Count;
            Uri? next = request.Uri;
            for (var page = 0; next is not null && page < MaxPages; page++)
            {
                var address = next;
                next = null;
                if (budget?.Hold(source, request) is { } held)
                {
                    allNotModified = false;
                    if (!errors.Contains(held)) errors.Add(held);
                    tracker.SourceWide();
                    break;
                }
                var stored = page == 0 && validators.TryGetValue(address.AbsoluteUri, out var v) ? v : HttpValidators.None;
                FetchOutcome outcome;
                try
                {
                    outcome = await fetcher.FetchAsync(
                        new FetchRequest(address, stored, source.Timeout, source.MaxBytes, source.AllowPrivateNetwork, source.PolitenessDelay, request.Headers),
                        pollToken.Token);
                }
                catch (OperationCanceledException) when (overBudget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    outcome = new FetchOutcome.Unreachable($"the poll's budget of {allowed.TotalSeconds:0.#}s ran out before this request finished (raise the source's 'budget' if it is only slow)");
                }
                var note = budget?.Observe(source, request, outcome);
                switch (outcome)
                {
                    case FetchOutcome.NotModified:
                        lastStatus = 304;
                        break;
                    case FetchOutcome.Fetched fetched:
                        allNotModified = false;
                        lastStatus = fetched.Status;
                        bytes += fetched.Document.Body.Length;
                        switch (kind.Parse(fetched.Document, source, request))
                        {
                            case ParseOutcome.Parsed parsed:
                                entries.AddRange(parsed.Entries);
                                foreach (var reason in parsed.Skipped) logger.Skipped(source.Id, reason);
                                if (parsed.Warning is { } warning)
                                {
                                    logger.PartlyRead(source.Id, address.AbsoluteUri, warning);
                                    tracker.Warn($"{address}: only partly read: {warning}");
                                }
                                if (page == 0) newValidators[address.AbsoluteUri] = fetched.Validators;
                                next = parsed.Next;
                                break;
                            case ParseOutcome.WrongFormat wrong:
                                errors.Add($"{address}: {wrong.Reason}");
                                break;
                            case ParseOutcome.Gone gone:
                                errors.Add($"{address}: gone: {gone.Reason}");
                                break;
                            case ParseOutcome.Blocked blocked:
                                errors.Add($"{address}: blocked: {blocked.Reason} (backing off)");
                                break;
                        }
                        break;
                    // The guard refuses a host, not a request: say it once for the source, not once per account or repo.
                    case FetchOutcome.Refused { PrivateNetwork: true }:
                        allNotModified = false;
                        tracker.SourceWide();
                        if (refusedHosts.TryGetValue(address.Host, out var refused))
                        {
                            refusedHosts[address.Host] = refused = (refused.Index, refused.First, refused.More + 1);
                            errors[refused.Index] = $"{refused.First} and {refused.More} more request(s) to {address.Host}: {outcome.Describe()}";
                        }
                        else
                        {
                            refusedHosts[address.Host] = (errors.Count, address, 0);
                            errors.Add($"{address}: {outcome.Describe()}");
                        }
                        break;
                    default:
                        allNotModified = false;
                        if (outcome is FetchOutcome.HttpFailure failure)
                        {
                            lastStatus = failure.Status;
                            if (failure.RetryAfter > retryAfter.GetValueOrDefault()) retryAfter = failure.RetryAfter;
                        }
                        errors.Add(note is null ? $"{address}: {outcome.Describe()}" : $"{address}: {outcome.Describe()}: {note}");
                        break;
                }
            }
            tracker.Done(request, errors.Skip(errorsBefore));
        }

        // Filtered before enrichment (no page fetch for an excluded item) and again after (the page may fill the summary).
        var wanted = Wanted(source);
        if (kind is IPageEnrichingKind enriching)
        {
            try
            {
                entries = await enricher.EnrichAsync(enriching, source, entries.Where(wanted).DistinctBy(e => e.CanonicalKey).ToList(), pollToken.Token);
            }
            catch (OperationCanceledException) when (overBudget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Out of budget while reading article pages: the entries stay as the feed gave them.
            }
        }

        var writes = entries.Where(wanted)
            .DistinctBy(e => e.CanonicalKey)
            .Select(e => classifier.Classify(e, source, kind.DefaultSection))
            .ToList();
        // Here, in parallel with other sources, rather than in the writer every poll waits for.
        var prepared = writes.Select(writer.Prepare).ToList();
        var (error, pollWarning, requestHealth) = tracker.Summarize(errors, retryAfter, fetching.Value);
        DateTimeOffset? pausedUntil = null;
        if (error is not null)
        {
            var failuresInARow = ((await store.GetHealthAsync(source.Id, cancellationToken))?.ConsecutiveFailures ?? 0) + 1;
            pausedUntil = timeProvider.GetUtcNow() + PauseAfterFailure(failuresInARow, retryAfter, fetching.Value);
        }
        var record = new FetchRecord(source.Id, source.Kind, started, clock.Elapsed, lastStatus, bytes, writes.Count, error, newValidators, pausedUntil,
            pollWarning, requestHealth);
        var counts = await writer.CommitAsync(record, writes, prepared, cancellationToken);
        var result = new PollResult(source.Id, writes.Count, counts.New, counts.Updated, allNotModified && errors.Count == 0, error, clock.Elapsed)
        {
            Warning = pollWarning,
        };
        metrics.Record(result);

        // A failure is logged where it is handled: by a scheduled poll (PollIfDueAsync); `poll` prints it as its result.
        if (result.NotModified && !result.Failed) logger.NotModified(source.Id);
        else if (!result.Failed) logger.Polled(source.Id, counts.New, counts.Updated, writes.Count, (long)clock.Elapsed.TotalMilliseconds);
        if (!result.Failed && counts.New == 0 && kind.StaleAfter(source) is { } staleAfter
            && await store.GetHealthAsync(source.Id, cancellationToken) is { } health && health.IsStale(staleAfter, timeProvider.GetUtcNow()))
            logger.SourceStale(source.Id, health.LastNewEntry?.ToString("u") ?? "the first poll", staleAfter);
        return result;
    }

    /// <summary>Polls <paramref name="sources"/> with at most <paramref name="maxParallel"/> at once; a crash of one is reported as its failure.</summary>
    /// <remarks>
    /// The run ends within <see cref="FetchingOptions.PollBudget"/>, storing included: a source started later gets what is
    /// left of it, less <see cref="CommitReserve"/>. A source
    /// still running after <see cref="SlotPatience"/> is waiting on a slow or dead server, so it lets the next source start;
    /// a dozen dead servers cannot hold back the healthy sources behind them.
    /// </remarks>
    /// <param name="progress">Called as each source finishes (from the worker that polled it), e.g. to print a line.</param>
    public async Task<IReadOnlyList<PollResult>> PollManyAsync(IReadOnlyList<SourceDefinition> sources, int maxParallel, CancellationToken cancellationToken,
        Action<PollResult>? progress = null)
    {
        // Fetching stops a little before the budget so that storing what was read fits in it too.
        var budget = fetching.Value.PollBudget;
        var deadline = timeProvider.GetUtcNow() + budget - (budget / 10 < CommitReserve ? budget / 10 : CommitReserve);
        using var slots = new SemaphoreSlim(maxParallel);
        var polls = sources.Select(async source =>
        {
            await slots.WaitAsync(cancellationToken);
            var released = 0;
            void Release()
            {
                if (Interlocked.Exchange(ref released, 1) == 0) slots.Release();
            }
            using var patience = timeProvider.CreateTimer(_ => Release(), null, SlotPatience, Timeout.InfiniteTimeSpan);
            try
            {
                var left = deadline - timeProvider.GetUtcNow();
                var own = source.PollBudget ?? fetching.Value.PollBudget;
                var result = left <= TimeSpan.Zero
                    ? new PollResult(source.Id, 0, 0, 0, false, "not polled: the run's budget was used up by slow sources before its turn", TimeSpan.Zero)
                    : await PollGuardedAsync(source, cancellationToken, left < own ? left : own);
                progress?.Invoke(result);
                return result;
            }
            finally
            {
                Release();
            }
        }).ToList();
        return await Task.WhenAll(polls);
    }

    /// <summary>
    /// A scheduled poll: skipped (null) while the source is paused after failures (backoff or the server's Retry-After),
    /// otherwise <see cref="PollGuardedAsync"/>. Manual polls (<c>poll</c>) ignore pauses.
    /// </summary>
    public async Task<PollResult?> PollIfDueAsync(SourceDefinition source, CancellationToken cancellationToken)
    {
        var health = await store.GetHealthAsync(source.Id, cancellationToken);
        if (health?.PausedUntil is { } until && until > timeProvider.GetUtcNow())
        {
            logger.Paused(source.Id, until, health.ConsecutiveFailures);
            return null;
        }
        var result = await PollGuardedAsync(source, cancellationToken, respectPauses: true);
        if (result.Failed) logger.PollFailed(source.Id, result.Error!);
        return result;
    }

    /// <summary>Polls one source; an unexpected exception (a bug, an unwritable database) becomes a failed result.</summary>
    public async Task<PollResult> PollGuardedAsync(SourceDefinition source, CancellationToken cancellationToken, TimeSpan? pollBudget = null,
        bool respectPauses = false)
    {
        try
        {
            return await PollAsync(source, cancellationToken, pollBudget, respectPauses);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.PollCrashed(source.Id, ex);
            var crashed = new PollResult(source.Id, 0, 0, 0, false, $"internal error: {ex.Message}", TimeSpan.Zero);
            metrics.Record(crashed);
            return crashed;
        }
    }

    /// <summary>
    /// How long scheduled polls leave a failing source alone: <see cref="FetchingOptions.FailureBackoff"/> doubled for each
    /// failure in a row, capped at <see cref="FetchingOptions.MaxFailureBackoff"/>, and never shorter than the server's Retry-After.
    /// </summary>
    public static TimeSpan PauseAfterFailure(int failuresInARow, TimeSpan? retryAfter, FetchingOptions options)
    {
        var doubled = options.FailureBackoff.TotalSeconds * Math.Pow(2, Math.Min(failuresInARow - 1, 30));
        var backoff = TimeSpan.FromSeconds(Math.Min(doubled, options.MaxFailureBackoff.TotalSeconds));
        return retryAfter is { } wait && wait > backoff ? wait : backoff;
    }

    /// <summary>The source's include/exclude regexes (title + summary, case-insensitive) as one predicate.</summary>
    private static Func<CandidateEntry, bool> Wanted(SourceDefinition source)
    {
        if (source.Include.Count == 0 && source.Exclude.Count == 0) return static _ => true;
        var include = source.Include.Select(p => new Regex(p, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1))).ToList();
        var exclude = source.Exclude.Select(p => new Regex(p, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1))).ToList();
        return e =>
        {
            var text = e.Title + "\n" + e.Summary;
            return (include.Count == 0 || include.Any(r => r.IsMatch(text))) && !exclude.Any(r => r.IsMatch(text));
        };
    }
}
