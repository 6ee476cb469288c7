using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Sources;

/// <summary>Completes a poll's entries from their own pages for kinds that can (<see cref="IPageEnrichingKind"/>), politely.</summary>
/// <remarks>
/// Each page is fetched at most once (results are kept in <see cref="PageStore"/> and re-applied on later polls; one
/// whose text housekeeping released leaves its stored entry alone),
/// at most the kind's budget per poll, through the <see cref="Fetcher"/> and its per-host gate. A deleted or expired
/// page drops its entry (one already stored leaves the draft); an anti-bot page stops page fetches for the source for the
/// kind's backoff. Pages one poll did not read are read by the next ones, also while the feed is not modified. A page
/// whose host fails is asked again after a backoff doubling per failure in a row (<see cref="FailureBackoff"/>), after the
/// pages never asked, and given up after <see cref="MaxHostFailures"/> failures in a row.
/// </remarks>
public sealed class PageEnricher(Fetcher fetcher, PageStore pages, IOptions<FetchingOptions> fetchingOptions, TimeProvider timeProvider, ILogger<PageEnricher> logger,
    IOptions<DraftOptions> draft)
{
    /// <summary>How old (by window time) a stored entry may be for a later poll to read its page still (see <see cref="EnrichAsync"/>).</summary>
    /// <remarks>Four weeks: the windows an issue is drafted from (a week, a fortnight, three weeks) and a little more.</remarks>
    public static readonly TimeSpan BacklogAge = TimeSpan.FromDays(28);

    /// <summary>Failures in a row of a page's host (a 5xx, a 408, no answer) after which the page is given up: its entry stays as the feed gave it.</summary>
    /// <remarks>
    /// Ten: with the backoff doubling from <see cref="FetchingOptions.FailureBackoff"/> (5 minutes by default), the tenth
    /// failure comes about two days after the first (5 min × (2⁹ − 1) of waits), so a host down for a day is waited for.
    /// </remarks>
    public const int MaxHostFailures = 10;

    /// <summary>The end of each source's anti-bot pause that <see cref="EnrichAsync"/> last said: each pause is said once.</summary>
    private readonly LastSaid<DateTimeOffset> _pausesSaid = new();

    /// <summary>The count of pages left that <see cref="EnrichAsync"/> last said for each source: said again when it changes.</summary>
    private readonly LastSaid<int> _leftSaid = new();

    /// <summary>
    /// The entries to store: the feed's, completed where a page was read, without those whose page is gone; then stored
    /// entries of the source whose page was never read, completed by the pages read now.
    /// </summary>
    /// <remarks>
    /// The feed's entries come first. What is left of the kind's budget then goes to the source's backlog
    /// (<see cref="PageStore.UnreadAsync"/>): stored entries of the last <see cref="BacklogAge"/> whose page an earlier poll
    /// did not read (past the limit, out of time, paused after an anti-bot page), newest first, also when the feed was not
    /// modified. Their pages are read and applied as a feed entry's are: a read page gives the entry to store again (the
    /// writer updates it), a gone page is recorded (draft reads leave its entry out), an anti-bot page pauses fetching.
    /// Pages whose host failed (the feed's and the backlog's) are asked last, once their backoff has passed, so a page
    /// that keeps failing never takes a slot from one that was never asked.
    /// </remarks>
    /// <param name="requests">The source's requests: a page on the origin of one of them is sent the source's headers too.</param>
    /// <param name="budget">
    /// The poll's budget, which page fetches share: when it runs out, the pages read so far still complete (or drop) their
    /// entries, and the others are returned as the feed gave them, for a later poll to read.
    /// </param>
    public async Task<Enrichment> EnrichAsync(IPageEnrichingKind kind, SourceDefinition source, IReadOnlyList<SourceRequest> requests,
        IReadOnlyList<CandidateEntry> entries, PollBudget budget, CancellationToken cancellationToken)
    {
        var pagesLeft = kind.PageBudget(source);
        if (pagesLeft <= 0) return new Enrichment(entries.ToList(), 0);
        // Sent with a page on the origin of one of the source's requests (values from the environment read once per poll).
        var sourceHeaders = SourceHeaders.Resolve(source);

        var known = await pages.GetAsync(entries.Select(e => e.CanonicalKey).ToList(), cancellationToken);
        var blockedAt = await pages.LastBlockedAsync(source.Id, cancellationToken);
        var backoff = kind.BlockedBackoff(source);
        var now = timeProvider.GetUtcNow();
        var fetching = blockedAt is not { } at || now >= at + backoff;
        if (!fetching)
        {
            // Said once per pause, as a source's own pause (event 2006): every poll of a 12-hour pause would repeat it.
            var until = blockedAt!.Value + backoff;
            if (_pausesSaid.Changed(source.Id, until)) logger.PagesPaused(source.Id, SourceStatus.Time(until, draft.Value.Zone()));
        }
        var unread = 0;   // pages wanted and not read by this poll: a later poll reads them
        // Pages whose host failed before and whose backoff has passed, asked after the others: the feed's (stored as the
        // feed gave them when not read) and the backlog's (stored already), with the failures so far.
        var retries = new List<(CandidateEntry Entry, bool FromFeed, int Failures)>();

        var result = new List<CandidateEntry>(entries.Count);
        foreach (var entry in entries)
        {
            if (known.TryGetValue(entry.CanonicalKey, out var page))
            {
                switch (page.Outcome)
                {
                    case PageOutcome.Read when page.Entry is { } read:
                        result.Add(read with { CanonicalKey = entry.CanonicalKey, Url = entry.Url, Account = entry.Account ?? read.Account });
                        continue;
                    case PageOutcome.Read:
                        // Read long ago and its text released by housekeeping: the entry is stored as the page made it
                        // (the feed's version would overwrite that), so there is nothing to write and nothing to fetch.
                        continue;
                    case PageOutcome.Gone:
                        continue;
                    case PageOutcome.Unreadable:
                        result.Add(entry);
                        continue;
                    case PageOutcome.Failing when page.RetryAt > now:
                        result.Add(entry);
                        unread++;
                        continue;
                    case PageOutcome.Failing:
                        retries.Add((entry, true, page.Failures));
                        continue;
                }
            }
            if (await CompleteAsync(entry, 0) is { } completed) result.Add(completed);
        }

        // The backlog: what is left of the page budget goes to stored entries whose page an earlier poll did not read
        // (listed also while paused or out of pages, to count them).
        var fromFeed = entries.Select(e => e.CanonicalKey).ToHashSet(StringComparer.Ordinal);
        var backlog = (await pages.UnreadAsync(source.Id, now - BacklogAge, cancellationToken))
            .Where(e => !fromFeed.Contains(e.Entry.CanonicalKey) && kind.PageFor(e.Entry) is not null);
        foreach (var (stored, page) in backlog)
        {
            if (page is { Outcome: PageOutcome.Failing } failing)
            {
                if (failing.RetryAt > now) unread++;
                else retries.Add((stored, false, failing.Failures));
            }
            else if (await CompleteStoredAsync(stored, 0) is { } completed) result.Add(completed);
        }
        foreach (var (entry, feed, failures) in retries)
            if (await (feed ? CompleteAsync(entry, failures) : CompleteStoredAsync(entry, failures)) is { } completed) result.Add(completed);

        // Said when the count changes (progress), not at every poll while nothing changed: `poll` says it each time.
        if (unread == 0) _leftSaid.Forget(source.Id);
        else if (_leftSaid.Changed(source.Id, unread)) logger.PagesLeft(source.Id, unread);
        return new Enrichment(result, unread);

        // A stored entry of the backlog as its page completes it, when read now (null otherwise: the entry as it is stored
        // needs no write).
        async Task<CandidateEntry?> CompleteStoredAsync(CandidateEntry stored, int failures)
        {
            if (!fetching || pagesLeft == 0)
            {
                unread++;
                return null;
            }
            var entry = stored with { Links = await pages.LinksAsync(stored.CanonicalKey, cancellationToken) };
            return await CompleteAsync(entry, failures) is { } completed && !ReferenceEquals(completed, entry) ? completed : null;
        }

        // The entry as its page completes it; the entry as it is when its page is not read now (no page, paused, out of
        // pages or time, its host failing, unreadable), counted in `unread` when a later poll should read it; null when the
        // page is gone. `failures`: how many times in a row the page's host failed before.
        async Task<CandidateEntry?> CompleteAsync(CandidateEntry entry, int failures)
        {
            if (kind.PageFor(entry) is not { } address) return entry;
            if (!fetching || pagesLeft == 0)
            {
                unread++;
                return entry;
            }
            pagesLeft--;
            var headers = requests.Any(r => FetchRequest.SameOrigin(r.Uri, address)) ? sourceHeaders : null;
            (CandidateEntry? Entry, PageOutcome? Outcome, string? Detail, TimeSpan? RetryAfter)? answer;
            try
            {
                answer = await ReadPageAsync(kind, source, entry, address, headers, budget.Token);
            }
            catch (OperationCanceledException) when (budget.RanOut)
            {
                // Out of time with this page: the pages read before it are stored with this poll (the next poll finds them
                // in the page store and does not fetch them again); this one and the rest stay as the feed gave them.
                fetching = false;
                unread++;
                return entry;
            }
            if (answer is not var (completed, outcome, detail, retryAfter))
            {
                // Not asked: the host's circuit is open after its failures, so there is no failure of this page to count;
                // this one and the rest (on the same host) wait for a later poll.
                fetching = false;
                unread++;
                return entry;
            }
            var checkedAt = timeProvider.GetUtcNow();
            if (outcome is not { } read)
            {
                // The host failed (a 5xx, no answer): counted, and asked again after the backoff, or given up.
                failures++;
                if (failures >= MaxHostFailures)
                {
                    await pages.SaveAsync(new StoredPage(entry.CanonicalKey, source.Id, checkedAt, PageOutcome.Unreadable,
                        $"its host failed {failures} times in a row, last: {detail}", null), cancellationToken);
                    logger.PageGivenUp(source.Id, address.AbsoluteUri, failures, detail ?? "");
                    return entry;
                }
                var retryAt = checkedAt + FailureBackoff.After(failures, retryAfter, fetchingOptions.Value);
                await pages.SaveAsync(new StoredPage(entry.CanonicalKey, source.Id, checkedAt, PageOutcome.Failing, detail, null, failures, retryAt), cancellationToken);
                logger.PageNotReadNow(source.Id, address.AbsoluteUri, detail ?? "", failures, SourceStatus.Time(retryAt, draft.Value.Zone()));
                unread++;
                return entry;
            }
            await pages.SaveAsync(new StoredPage(entry.CanonicalKey, source.Id, checkedAt, read, detail, completed), cancellationToken);
            switch (read)
            {
                case PageOutcome.Read:
                    return completed!;
                case PageOutcome.Gone:
                    logger.PageGone(source.Id, address.AbsoluteUri, detail ?? "");
                    return null;
                case PageOutcome.Blocked:
                    logger.PageBlocked(source.Id, address.AbsoluteUri, detail ?? "", backoff);
                    fetching = false;
                    unread++;
                    return entry;
                default:
                    logger.PageUnreadable(source.Id, address.AbsoluteUri, detail ?? "");
                    return entry;
            }
        }
    }

    // The outcome is null when the host failed in a way that may pass (HostResilience.IsTransient: a 5xx, a 408, no answer),
    // with the wait its answer asked for (Retry-After), if any; the whole answer is null when no request was sent (the
    // host's circuit is open).
    private async Task<(CandidateEntry? Entry, PageOutcome? Outcome, string? Detail, TimeSpan? RetryAfter)?> ReadPageAsync(
        IPageEnrichingKind kind, SourceDefinition source, CandidateEntry entry, Uri address, IReadOnlyDictionary<string, string>? headers,
        CancellationToken cancellationToken)
    {
        var fetched = await fetcher.FetchAsync(
            // Asked once: a failure is counted and the page asked again by a poll after its backoff, not also within this one.
            new FetchRequest(address, HttpValidators.None, source.Timeout, source.MaxBytes, source.AllowPrivateNetwork, source.PolitenessDelay, headers, Retry: false),
            cancellationToken);
        return fetched switch
        {
            FetchOutcome.Unreachable { CircuitOpen: true } => null,
            FetchOutcome.Fetched page => kind.ParsePage(page.Document, entry, source) switch
            {
                ParseOutcome.Parsed { Entries: [var completed] } => (completed, PageOutcome.Read, null, null),
                ParseOutcome.Gone gone => (null, PageOutcome.Gone, gone.Reason, null),
                ParseOutcome.Blocked blocked => (null, PageOutcome.Blocked, blocked.Reason, null),
                ParseOutcome.WrongFormat wrong => (null, PageOutcome.Unreadable, wrong.Reason, null),
                var other => (null, PageOutcome.Unreadable, $"unexpected page result {other.GetType().Name}", null),
            },
            // 404/410: the article is gone; 403/429: the host is refusing us, which is a block to back off from.
            FetchOutcome.HttpFailure { Status: 404 or 410 } => (null, PageOutcome.Gone, fetched.DescribeWithoutHint(), null),
            FetchOutcome.HttpFailure { Status: 403 or 429 } => (null, PageOutcome.Blocked, fetched.DescribeWithoutHint(), null),
            _ when HostResilience.IsTransient(fetched, TimeSpan.MaxValue) => (null, null, fetched.DescribeWithoutHint(), (fetched as FetchOutcome.HttpFailure)?.RetryAfter),
            _ => (null, PageOutcome.Unreadable, fetched.DescribeWithoutHint(), null),
        };
    }
}
