using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Sources;

/// <summary>Completes a poll's entries from their own pages for kinds that can (<see cref="IPageEnrichingKind"/>), politely.</summary>
/// <remarks>
/// Each page is fetched at most once (results are kept in <see cref="PageStore"/> and re-applied on later polls; one
/// whose text housekeeping released leaves its stored entry alone),
/// at most the kind's budget per poll, through the <see cref="Fetcher"/> and its per-host gate. A deleted or expired
/// page drops its entry; an anti-bot page stops page fetches for the source for the kind's backoff.
/// </remarks>
public sealed class PageEnricher(Fetcher fetcher, PageStore pages, TimeProvider timeProvider, ILogger<PageEnricher> logger)
{
    /// <summary>The entries to store: completed where a page was read, without those whose page is gone.</summary>
    /// <param name="requests">The source's requests: a page on the origin of one of them is sent the source's headers too.</param>
    /// <param name="budget">
    /// The poll's budget, which page fetches share: when it runs out, the pages read so far still complete (or drop) their
    /// entries, and the others are returned as the feed gave them, for a later poll to read.
    /// </param>
    public async Task<List<CandidateEntry>> EnrichAsync(IPageEnrichingKind kind, SourceDefinition source, IReadOnlyList<SourceRequest> requests,
        IReadOnlyList<CandidateEntry> entries, PollBudget budget, CancellationToken cancellationToken)
    {
        var pagesLeft = kind.PageBudget(source);
        if (pagesLeft <= 0 || entries.Count == 0) return entries.ToList();
        // Sent with a page on the origin of one of the source's requests (values from the environment read once per poll).
        var sourceHeaders = SourceHeaders.Resolve(source);

        var known = await pages.GetAsync(entries.Select(e => e.CanonicalKey).ToList(), cancellationToken);
        var blockedAt = await pages.LastBlockedAsync(source.Id, cancellationToken);
        var backoff = kind.BlockedBackoff(source);
        var fetching = blockedAt is not { } at || timeProvider.GetUtcNow() >= at + backoff;
        if (!fetching) logger.PagesPaused(source.Id, blockedAt!.Value + backoff);

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
            if (!fetching || pagesLeft == 0 || kind.PageFor(entry) is not { } address)
            {
                result.Add(entry);
                continue;
            }
            pagesLeft--;
            var headers = requests.Any(r => FetchRequest.SameOrigin(r.Uri, address)) ? sourceHeaders : null;
            CandidateEntry? completed;
            PageOutcome outcome;
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
                result.Add(entry);
                continue;
            }
            await pages.SaveAsync(new StoredPage(entry.CanonicalKey, source.Id, timeProvider.GetUtcNow(), outcome, detail, completed), cancellationToken);
            switch (outcome)
            {
                case PageOutcome.Read:
                    result.Add(completed!);
                    break;
                case PageOutcome.Gone:
                    logger.PageGone(source.Id, address.AbsoluteUri, detail ?? "");
                    break;
                case PageOutcome.Blocked:
                    logger.PageBlocked(source.Id, address.AbsoluteUri, detail ?? "", backoff);
                    fetching = false;
                    result.Add(entry);
                    break;
                default:
                    logger.PageUnreadable(source.Id, address.AbsoluteUri, detail ?? "");
                    result.Add(entry);
                    break;
            }
        }
        return result;
    }

    private async Task<(CandidateEntry? Entry, PageOutcome Outcome, string? Detail)> ReadPageAsync(
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
            _ => (null, PageOutcome.Unreadable, fetched.Describe()),
        };
    }
}
