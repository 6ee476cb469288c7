using System.Diagnostics;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Ingest;

/// <summary>
/// A poll of one source as a pipeline of named steps: fetch pages and parse them (<see cref="SourceReader"/>) → filter and
/// enrich (<see cref="EntryFilter"/>, <see cref="PageEnricher"/>) → classify (<see cref="EntryClassifier"/>) → fingerprint
/// (<see cref="IngestWriter.Prepare"/>) → commit, placing the entries in stories in the same transaction (<see cref="IngestWriter"/>).
/// </summary>
/// <remarks>
/// Faults of the source (HTTP errors, bad documents) become a failed <see cref="PollResult"/> and a
/// <c>fetches</c> row; they never throw. <see cref="PollManyAsync"/> bounds parallelism and keeps one source's
/// crash from stopping the others. A failure of the database itself (<see cref="ReportDatabase.IsUnavailable"/>: locked,
/// damaged, full) is no source's: it throws <see cref="DatabaseFailureException"/>, and <see cref="PollManyAsync"/> stops
/// there. The steps before the commit run on the caller's thread, in parallel with other sources.
/// </remarks>
public sealed class SourcePoller(
    SourceCatalog catalog, SourceReader reader, SourceStore store, EntryClassifier classifier, PageEnricher enricher, IngestWriter writer,
    ReportDatabase database, IOptions<FetchingOptions> fetching, TimeProvider timeProvider, ILogger<SourcePoller> logger, PollMetrics metrics,
    StoringHealth storing, IOptions<DraftOptions> draft, HostPoliteness politeness)
{
    /// <summary>Time a source that holds a slot of <see cref="PollManyAsync"/> may run before it lets the next source start.</summary>
    internal static readonly TimeSpan SlotPatience = TimeSpan.FromSeconds(5);

    /// <summary>Time <see cref="PollManyAsync"/> keeps at the end of its budget for committing what the last sources read.</summary>
    internal static readonly TimeSpan CommitReserve = TimeSpan.FromSeconds(2);

    /// <summary>Read polls that may wait for the writer per reading slot of <see cref="PollManyAsync"/>, which bounds the entries held in memory.</summary>
    /// <remarks>
    /// More (16 or 64) was measured twice for a poll into a database of a million entries, whose first group waits about a
    /// quarter of a second for the story index to load while the readers stop: no steady gain (eighth round slower, 4
    /// pairs; thirteenth round 0.91×, 0.82× and 1.12× in three sets of 5–6 pairs), so 4, which holds the least in memory.
    /// Only <c>poll</c> reads many sources at once; the daemon's scheduled polls each stand alone.
    /// </remarks>
    internal const int WaitingPerSlot = 4;

    /// <summary>The end of each source's pause that <see cref="PollIfDueAsync"/> last said it skipped for: each pause is said once.</summary>
    private readonly LastSaid<DateTimeOffset> _pausesSaid = new();

    /// <param name="pollBudget">Time the whole poll may take; null: the source's <c>budget</c>, else <see cref="FetchingOptions.PollBudget"/>.</param>
    /// <param name="respectPauses">A scheduled poll: skip requests paused after failures of their own (<c>poll</c> tries them all).</param>
    /// <param name="onRead">Called once the source has been read and its entries prepared, before they wait for the writer.</param>
    /// <param name="due">A scheduled poll: the time its firing was due, from which a failure's pause counts (else the poll's start).</param>
    public async Task<PollResult> PollAsync(SourceDefinition source, CancellationToken cancellationToken, TimeSpan? pollBudget = null, bool respectPauses = false,
        Action? onRead = null, DateTimeOffset? due = null)
    {
        // Every request, retry and wait of this poll shares one budget; what was read before it ran out is still stored.
        using var budget = new PollBudget(pollBudget ?? source.PollBudget ?? fetching.Value.PollBudget, timeProvider, cancellationToken);
        var kind = catalog.Kinds[source.Kind];
        var started = timeProvider.GetUtcNow();
        var clock = Stopwatch.StartNew();

        var read = await reader.ReadAsync(source, budget, respectPauses, started, cancellationToken, due);
        var (entries, pagesLeft) = await FilterAndEnrichAsync(kind, source, read.Entries, budget, cancellationToken);
        // Classified and fingerprinted here, in parallel with other sources, rather than in the writer every poll waits for.
        var writes = entries.Select(e => classifier.Classify(e, source, kind.DefaultSection)).ToList();
        var prepared = writes.Select(writer.Prepare).ToList();

        var answered = timeProvider.GetUtcNow();
        var (error, warning, requestHealth) = read.Summarize(fetching.Value, answered);
        DateTimeOffset? pausedUntil = null;
        if (error is not null)
        {
            var failuresInARow = ((await store.GetHealthAsync(source.Id, cancellationToken))?.ConsecutiveFailures ?? 0) + 1;
            pausedUntil = FailureBackoff.Until(due ?? started, answered, failuresInARow, read.RetryAfter, fetching.Value);
        }
        var leftOut = read.LeftOut.Count == 0 ? null : string.Join("; ", read.LeftOut);
        var record = new FetchRecord(source.Id, source.Kind, started, clock.Elapsed, read.LastStatus, read.Bytes, writes.Count, error, read.Validators,
            pausedUntil, warning, requestHealth, leftOut);
        onRead?.Invoke();
        var counts = await writer.CommitAsync(record, writes, prepared, cancellationToken);
        storing.Stored();

        var result = new PollResult(source.Id, writes.Count, counts.New, counts.Updated, read.AllNotModified && read.Errors.Count == 0, error, clock.Elapsed)
        {
            Warning = warning,
            PagesLeft = pagesLeft,
            LeftOut = leftOut,
        };
        await ReportAsync(kind, source, result, cancellationToken);
        return result;
    }

    /// <summary>Polls <paramref name="sources"/> with at most <paramref name="maxParallel"/> reading at once; a crash of one is reported as its failure.</summary>
    /// <remarks>
    /// The run ends within <see cref="FetchingOptions.PollBudget"/>, storing included: a source started later gets what is
    /// left of it, less <see cref="CommitReserve"/>. A source
    /// still running after <see cref="SlotPatience"/> is waiting on a slow or dead server, so it lets the next source start;
    /// a dozen dead servers cannot hold back the healthy sources behind them. A source that has read its entries lets the
    /// next one start too while it waits for the one writer, so reading goes on while a long group is written (a big
    /// database's story index being loaded, a checkpoint); at most <see cref="WaitingPerSlot"/> × <paramref name="maxParallel"/>
    /// read polls wait in memory. With <paramref name="maxParallel"/> 1 sources are polled strictly one after another, read
    /// and stored, so a run stores them in the same order every time (entry ids included).
    /// </remarks>
    /// <param name="progress">Called as each source finishes (from the worker that polled it), e.g. to print a line.</param>
    /// <exception cref="DatabaseFailureException">
    /// The database failed: the sources not yet stored are stopped (nothing more could be stored), the first failure is
    /// thrown once every poll has ended; what was committed before stays, as <paramref name="progress"/> reported it.
    /// </exception>
    public async Task<IReadOnlyList<PollResult>> PollManyAsync(IReadOnlyList<SourceDefinition> sources, int maxParallel, CancellationToken cancellationToken,
        Action<PollResult>? progress = null)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        DatabaseFailureException? failure = null;
        try
        {
            return await PollManyAsync(sources, maxParallel, stop.Token, progress, ex =>
            {
                Interlocked.CompareExchange(ref failure, ex, null);
                stop.Cancel();
            });
        }
        catch (Exception) when (Volatile.Read(ref failure) is not null && !cancellationToken.IsCancellationRequested)
        {
            throw failure!;
        }
    }

    private async Task<IReadOnlyList<PollResult>> PollManyAsync(IReadOnlyList<SourceDefinition> sources, int maxParallel, CancellationToken cancellationToken,
        Action<PollResult>? progress, Action<DatabaseFailureException> databaseFailed)
    {
        // Fetching stops a little before the budget so that storing what was read fits in it too.
        var budget = fetching.Value.PollBudget;
        var room = budget - (budget / 10 < CommitReserve ? budget / 10 : CommitReserve);
        var deadline = timeProvider.GetUtcNow() + room;
        // A source on a politely-gated host is polled when its turn there comes before the deadline (a gap for each source
        // ahead of it); the others are not polled, said plainly and not failed. Sources start in the order of their turns:
        // the first of each host before the second of any, so no host's line holds up the sources of the other hosts.
        var gates = sources.Select(s => AdmitAtGate(s, s.PollBudget is { } own && own < room ? own : room)).ToList();
        var crowded = Crowded(gates, budget);
        using var slots = new SemaphoreSlim(maxParallel);
        using var held = new SemaphoreSlim(maxParallel * WaitingPerSlot);
        var polls = new Task<PollResult>[sources.Count];
        foreach (var i in Enumerable.Range(0, sources.Count).OrderBy(i => gates[i]?.Admission.Ahead ?? TimeSpan.Zero))
            polls[i] = crowded.TryGetValue(i, out var notPolled) ? NotPolled(sources[i], notPolled) : PollInTurnAsync(sources[i], gates[i]?.Admission.Place);
        return await Task.WhenAll(polls);

        Task<PollResult> NotPolled(SourceDefinition source, string why)
        {
            var result = new PollResult(source.Id, 0, 0, 0, false, null, TimeSpan.Zero) { NotPolled = why };
            progress?.Invoke(result);
            return Task.FromResult(result);
        }

        async Task<PollResult> PollInTurnAsync(SourceDefinition source, IDisposable? place)
        {
            using var turn = place;
            await held.WaitAsync(cancellationToken);
            try
            {
                await slots.WaitAsync(cancellationToken);
            }
            catch
            {
                held.Release();
                throw;
            }
            int reading = 1, holding = 1;
            void DoneReading()
            {
                if (Interlocked.Exchange(ref reading, 0) == 1) slots.Release();
            }
            void LetGo()
            {
                DoneReading();
                if (Interlocked.Exchange(ref holding, 0) == 1) held.Release();
            }
            // A source this slow is waiting on its server, not holding entries: it counts against neither bound.
            using var patience = timeProvider.CreateTimer(_ => LetGo(), null, SlotPatience, Timeout.InfiniteTimeSpan);
            try
            {
                var left = deadline - timeProvider.GetUtcNow();
                var own = source.PollBudget ?? fetching.Value.PollBudget;
                var result = left <= TimeSpan.Zero
                    ? new PollResult(source.Id, 0, 0, 0, false, "not polled: the run's budget was used up by slow sources before its turn", TimeSpan.Zero)
                    : await PollGuardedAsync(source, cancellationToken, left < own ? left : own, onRead: maxParallel > 1 ? DoneReading : null);
                progress?.Invoke(result);
                return result;
            }
            catch (DatabaseFailureException ex)
            {
                databaseFailed(ex);
                throw;
            }
            finally
            {
                LetGo();
            }
        }
    }

    /// <summary>
    /// A poll's place at the politeness gate of its source's host, or a later turn there when its turn would come after
    /// <paramref name="limit"/> (<see cref="HostPoliteness.Admit"/>); null when the host has no gate. The first request's
    /// host: a source of several accounts or repos on one host spends its own gaps within its budget, as README says of <c>budget</c>.
    /// </summary>
    public (GateAdmission Admission, string Gate, TimeSpan Gap)? AdmitAtGate(SourceDefinition source, TimeSpan limit)
    {
        if (catalog.Kinds[source.Kind].Requests(source).FirstOrDefault() is not { } first
            || HostPoliteness.GateFor(first.Uri.Host, fetching.Value.HostDelays, source.PolitenessDelay) is not { } gate)
            return null;
        return (politeness.Admit(gate.Key, gate.Gap, limit), gate.Key, gate.Gap);
    }

    // Why each source whose gate had no turn for it in the run is not polled, by its index: the gate's room and the daemon's way.
    private static Dictionary<int, string> Crowded(List<(GateAdmission Admission, string Gate, TimeSpan Gap)?> gates, TimeSpan budget)
    {
        var crowded = new Dictionary<int, string>();
        foreach (var gate in Enumerable.Range(0, gates.Count).Where(i => gates[i] is not null).GroupBy(i => gates[i]!.Value.Gate))
        {
            var left = gate.Where(i => gates[i]!.Value.Admission.Place is null).ToList();
            if (left.Count == 0) continue;
            var total = gate.Count();
            var why = $"{gate.Key}'s politeness gap ({gates[gate.First()]!.Value.Gap.TotalSeconds:0.#}s) leaves room for {total - left.Count} of its "
                + $"{total} sources in the run's budget ({budget.TotalSeconds:0.#}s); the daemon polls them in turn, or raise Fetching:PollBudget";
            foreach (var i in left) crowded[i] = why;
        }
        return crowded;
    }

    /// <summary>
    /// A scheduled poll: skipped (null) while the source is paused after failures (backoff or the server's Retry-After),
    /// otherwise <see cref="PollGuardedAsync"/>. Manual polls (<c>poll</c>) ignore pauses.
    /// </summary>
    /// <remarks>
    /// The pause is judged at <paramref name="due"/>, the time the firing was due, and a failure's pause counts from it too
    /// (<see cref="FailureBackoff.Until"/>): a source whose schedule fires every 5 minutes and that failed once is polled at
    /// the next firing after a 5-minute pause. Counted from the failed answer and judged when the firing ran, that pause
    /// ended a moment after the next firing, which was skipped, so the pause lasted two intervals.
    /// The skip is logged at the first firing of a pause only (a new failure's pause is a new one), not every firing of it.
    /// </remarks>
    /// <param name="due">When the schedule's firing was due; null: now.</param>
    /// <exception cref="DatabaseFailureException">The database failed (<see cref="ReportDatabase.IsUnavailable"/>).</exception>
    public async Task<PollResult?> PollIfDueAsync(SourceDefinition source, CancellationToken cancellationToken, DateTimeOffset? due = null)
    {
        SourceHealth? health;
        try
        {
            health = await store.GetHealthAsync(source.Id, cancellationToken);
        }
        catch (Exception ex) when (database.IsUnavailable(ex))
        {
            throw DatabaseFailed(ex);
        }
        if (health?.PausedAt(due ?? timeProvider.GetUtcNow()) is { } until)
        {
            if (_pausesSaid.Changed(source.Id, until)) logger.Paused(source.Id, SourceStatus.Time(until, draft.Value.Zone()), health.ConsecutiveFailures);
            return null;
        }
        var result = await PollGuardedAsync(source, cancellationToken, respectPauses: true, due: due);
        if (result.Failed) logger.PollFailed(source.Id, result.Error!);
        return result;
    }

    /// <summary>Polls one source; an unexpected exception (a bug) becomes a failed result.</summary>
    /// <exception cref="DatabaseFailureException">The database failed (<see cref="ReportDatabase.IsUnavailable"/>): nothing of this poll was stored.</exception>
    public async Task<PollResult> PollGuardedAsync(SourceDefinition source, CancellationToken cancellationToken, TimeSpan? pollBudget = null,
        bool respectPauses = false, Action? onRead = null, DateTimeOffset? due = null)
    {
        try
        {
            return await PollAsync(source, cancellationToken, pollBudget, respectPauses, onRead, due);
        }
        catch (Exception ex) when (database.IsUnavailable(ex))
        {
            throw DatabaseFailed(ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.PollCrashed(source.Id, ex);
            var crashed = new PollResult(source.Id, 0, 0, 0, false, $"internal error: {ex.Message}", TimeSpan.Zero);
            metrics.Record(crashed);
            return crashed;
        }
    }

    private DatabaseFailureException DatabaseFailed(Exception exception)
    {
        var failure = new DatabaseFailureException(database.Location, exception, database.BusyTimeout);
        storing.Failed(timeProvider.GetUtcNow(), failure.Message, ReportDatabase.IsLocked(exception));
        return failure;
    }

    // Filtered before enrichment (no page fetch for an excluded item) and again after (the page may fill the summary);
    // one entry per article (two URL forms of one article in one feed). Out of budget while reading article pages, the
    // enricher still gives what the pages read so far gave, and the rest as the feed gave them. An enriching kind reads
    // pages of stored entries too (the backlog), also when the feed was not modified: those it read come back here to be
    // written as the feed's changed entries are.
    private async Task<(List<CandidateEntry> Entries, int PagesLeft)> FilterAndEnrichAsync(ISourceKind kind, SourceDefinition source,
        List<CandidateEntry> entries, PollBudget budget, CancellationToken cancellationToken)
    {
        var slow = new HashSet<(string Field, string Pattern)>();
        var wanted = EntryFilter.Wanted(source, (field, pattern) => slow.Add((field, pattern)));
        var pagesLeft = 0;
        if (kind is IPageEnrichingKind enriching)
            (entries, pagesLeft) = await enricher.EnrichAsync(enriching, source, kind.Requests(source),
                entries.Where(wanted).DistinctBy(e => e.CanonicalKey).ToList(), budget, cancellationToken);
        entries = entries.Where(wanted).DistinctBy(e => e.CanonicalKey).ToList();
        foreach (var (field, pattern) in slow) logger.FilterTimedOut(source.Id, field, pattern, EntryFilter.MatchTimeout);
        return (entries, pagesLeft);
    }

    // A failure is logged where it is handled: by a scheduled poll (PollIfDueAsync); `poll` prints it as its result.
    private async Task ReportAsync(ISourceKind kind, SourceDefinition source, PollResult result, CancellationToken cancellationToken)
    {
        metrics.Record(result);
        if (result.NotModified && !result.Failed) logger.NotModified(source.Id);
        else if (!result.Failed) logger.Polled(source.Id, result.New, result.Updated, result.Seen, (long)result.Elapsed.TotalMilliseconds);
        if (!result.Failed && result.New == 0 && kind.StaleAfter(source) is { } staleAfter
            && await store.GetHealthAsync(source.Id, cancellationToken) is { } health && health.IsStale(staleAfter, timeProvider.GetUtcNow()))
            logger.SourceStale(source.Id, health.LastNewEntry is { } lastNew ? SourceStatus.Time(lastNew, draft.Value.Zone()) : "the first poll", staleAfter);
    }
}
