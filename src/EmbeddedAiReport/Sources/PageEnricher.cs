using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Sources;

/// <summary>Completes a poll's entries from their own pages for kinds that can (<see cref="IPageEnrichingKind"/>), politely.</summary>
/// <remarks>
/// Each page is fetched at most once (results are kept in <see cref="PageStore"/> and re-applied on later polls; one
/// whose text housekeeping released leaves its stored entry alone),
/// at most the kind's budget per poll, through the <see cref="Fetcher"/> and its per-host gate. A deleted or expired
/// page drops its entry (one already stored leaves the draft); an anti-bot page stops page fetches for the source for the
/// kind's backoff. Pages one poll did not read are read by the next ones, also while the feed is not modified.
/// </remarks>
public sealed class PageEnricher(Fetcher fetcher, PageStore pages, TimeProvider timeProvider, ILogger<PageEnricher> logger)
{
    /// <summary>How old (by window time) a stored entry may be for a later poll to read its page still (see <see cref="EnrichAsync"/>).</summary>
    /// <remarks>Four weeks: the windows an issue is drafted from (a week, a fortnight, three weeks) and a little more.</remarks>
    public static readonly TimeSpan BacklogAge = TimeSpan.FromDays(28);

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
        var fetching = blockedAt is not { } at || timeProvider.GetUtcNow() >= at + backoff;
        var paused = !fetching;
        if (paused) logger.PagesPaused(source.Id, blockedAt!.Value + backoff);
        var unread = 0;   // pages wanted and not read by this poll: a later poll reads them

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
                }
            }
            if (await CompleteAsync(entry) is { } completed) result.Add(completed);
        }

        // The backlog: what is left of the page budget goes to stored entries whose page an earlier poll did not read
        // (listed also while paused or out of pages, to count them).
        var fromFeed = entries.Select(e => e.CanonicalKey).ToHashSet(StringComparer.Ordinal);
        var backlog = (await pages.UnreadAsync(source.Id, timeProvider.GetUtcNow() - BacklogAge, cancellationToken))
            .Where(e => !fromFeed.Contains(e.CanonicalKey) && kind.PageFor(e) is not null);
        foreach (var stored in backlog)
        {
            if (!fetching || pagesLeft == 0)
            {
                unread++;
                continue;
            }
            var entry = stored with { Links = await pages.LinksAsync(stored.CanonicalKey, cancellationToken) };
            // Only a page read now gives something to write: the entry as it is stored needs no write.
            if (await CompleteAsync(entry) is { } completed && !ReferenceEquals(completed, entry)) result.Add(completed);
        }
        // Not at every poll through an anti-bot pause (12 h by default): the anti-bot page's warning said for how long, and
        // `poll` still says what is left.
        if (unread > 0 && !paused) logger.PagesLeft(source.Id, unread);
        return new Enrichment(result, unread);

        // The entry as its page completes it; the entry as it is when its page is not read now (no page, paused, out of
        // pages or time, its host failing, unreadable), counted in `unread` when a later poll should read it; null when the page is gone.
        async Task<CandidateEntry?> CompleteAsync(CandidateEntry entry)
        {
            if (kind.PageFor(entry) is not { } address) return entry;
            if (!fetching || pagesLeft == 0)
            {
                unread++;
                return entry;
            }
            pagesLeft--;
            var headers = requests.Any(r => FetchRequest.SameOrigin(r.Uri, address)) ? sourceHeaders : null;
            CandidateEntry? completed;
            PageOutcome? outcome;
            string? detail;
            try
            {
                (completed, outcome, detail) = await ReadPageAsync(kind, source, entry, address, headers, budget.Token);
            }
            catch (OperationCanceledException) when (budget.RanOut)
            {
                // Out of time with this page: the pages read before it are stored with this poll (the next poll finds them
                // in the page store and does not fetch them again); this one and the rest stay as the feed gave them.
                fetching = false;
                unread++;
                return entry;
            }
            if (outcome is not { } read)
            {
                // The host failed (a 5xx, no answer): nothing is kept, so a later poll reads the page as any page left to read.
                logger.PageNotReadNow(source.Id, address.AbsoluteUri, detail ?? "");
                unread++;
                return entry;
            }
            await pages.SaveAsync(new StoredPage(entry.CanonicalKey, source.Id, timeProvider.GetUtcNow(), read, detail, completed), cancellationToken);
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

    // The outcome is null when the host failed in a way that may pass (HostResilience.IsTransient: a 5xx, a 408, no answer).
    private async Task<(CandidateEntry? Entry, PageOutcome? Outcome, string? Detail)> ReadPageAsync(
        IPageEnrichingKind kind, SourceDefinition source, CandidateEntry entry, Uri address, IReadOnlyDictionary<string, string>? headers,
        CancellationToken cancellationToken)
    {
        var fetched = await fetcher.FetchAsync(
            new FetchRequest(address, HttpValidators.None, source.Timeout, source.MaxBytes, source.AllowPrivateNetwork, source.PolitenessDelay, headers),
            cancellationToken);
        return fetched switch
        {
            FetchOutcome.Fetched page => kind.ParsePage(page.Document, entry, source) switch
            {
                ParseOutcome.Parsed { Entries: [var completed] } => (completed, PageOutcome.Read, null),
                ParseOutcome.Gone gone => (null, PageOutcome.Gone, gone.Reason),
                ParseOutcome.Blocked blocked => (null, PageOutcome.Blocked, blocked.Reason),
                ParseOutcome.WrongFormat wrong => (null, PageOutcome.Unreadable, wrong.Reason),
                var other => (null, PageOutcome.Unreadable, $"unexpected page result {other.GetType().Name}"),
            },
            // 404/410: the article is gone; 403/429: the host is refusing us, which is a block to back off from.
            FetchOutcome.HttpFailure { Status: 404 or 410 } failure => (null, PageOutcome.Gone, fetched.Describe()),
            FetchOutcome.HttpFailure { Status: 403 or 429 } => (null, PageOutcome.Blocked, fetched.Describe()),
            _ when HostResilience.IsTransient(fetched, TimeSpan.MaxValue) => (null, null, fetched.Describe()),
            _ => (null, PageOutcome.Unreadable, fetched.Describe()),
        };
    }
}
