using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Sources;

/// <summary>The first steps of a poll: fetch a source's pages (paging, request budgets, stored validators) and parse each with its kind.</summary>
/// <remarks>
/// Faults of the source (HTTP errors, bad documents, a budget that ran out) become lines of <see cref="SourceRead.Errors"/>;
/// nothing here throws for them. Knows fetching and the source kinds, nothing of what is done with the entries.
/// </remarks>
public sealed class SourceReader(SourceCatalog catalog, Fetcher fetcher, SourceStore store, ILogger<SourceReader> logger, IOptions<DraftOptions> draft)
{
    /// <summary>Most pages one request may follow (<see cref="ParseOutcome.Parsed.Next"/>), against paging loops.</summary>
    private const int MaxPages = 50;

    /// <summary>
    /// Most pages of a newest-first list (<see cref="NewestFirst"/>, a repo's REST releases) one request reads, the first
    /// included, to reach back to what the source stored before (or, at its first poll, to read some history).
    /// </summary>
    internal const int MaxCatchUpPages = 3;

    /// <param name="respectPauses">A scheduled poll: skip requests paused after failures of their own.</param>
    /// <param name="started">When the poll started.</param>
    /// <param name="due">A scheduled poll: when its firing was due, at which request pauses are judged and from which a failing request's pause counts (else <paramref name="started"/>).</param>
    public async Task<SourceRead> ReadAsync(SourceDefinition source, PollBudget budget, bool respectPauses, DateTimeOffset started,
        CancellationToken cancellationToken, DateTimeOffset? due = null)
    {
        var kind = catalog.Kinds[source.Kind];
        // Asking without the source's credentials would only earn a 401 (or a login page parsed as a feed): fail, naming the variable.
        if (SourceHeaders.EnvironmentProblems(source).ToList() is { Count: > 0 } unusable)
            return new SourceRead([], unusable, null, 0, false, null, new Dictionary<string, HttpValidators>());
        var validators = await store.GetValidatorsAsync(source.Id, cancellationToken);
        var requests = SourceHeaders.Apply(kind.Requests(source), SourceHeaders.Resolve(source));
        var tracker = await RequestTracker.LoadAsync(store, source, requests, respectPauses, due ?? started, draft.Value.Zone(), cancellationToken);
        var read = new Reading(kind, source, budget, tracker, validators, started);
        foreach (var request in requests)
        {
            if (tracker.Skip(request)) continue;
            var errorsBefore = read.Errors.Count;
            // A remembered permanent redirect (a renamed repo) is asked directly, not through the old address each time.
            Uri? next = validators.GetValueOrDefault(request.Uri.AbsoluteUri)?.MovedTo ?? request.Uri;
            for (var page = 0; next is not null && page < MaxPages && !Held(read, request, next, page); page++)
                next = await ReadPageAsync(read, request, next, page);
            tracker.Done(request, read.Errors.Skip(errorsBefore));
        }
        return new SourceRead(read.Entries, read.Errors, read.LastStatus, read.Bytes, read.AllNotModified, read.RetryAfter, read.NewValidators)
        {
            Tracker = tracker,
            LeftOut = read.LeftOut,
        };
    }

    // A request budget (an API's rate limit) holds the request: true when it does, said as an error of the request (its
    // first page) or as a warning (a further page of a list already read: what was read stands, the rest waits for a later poll).
    private static bool Held(Reading read, SourceRequest request, Uri address, int page)
    {
        if (read.Kind is not IRequestBudget budget || budget.Hold(read.Source, request) is not { } held) return false;
        if (page > 0)
        {
            read.Tracker.Warn($"{address}: not read: {held}; what it lists may be missing");
            return true;
        }
        read.AllNotModified = false;
        if (!read.Errors.Contains(held)) read.Errors.Add(held);
        read.WaitUntil(budget.HeldUntil(read.Source, request));
        read.Tracker.SourceWide();
        return true;
    }

    // Fetches and parses one page; returns the next page to read, if any. forgotMove: the request's kept permanent redirect was
    // just forgotten, so its own address is asked without the validators stored with the redirect.
    private async Task<Uri?> ReadPageAsync(Reading read, SourceRequest request, Uri address, int page, bool forgotMove = false)
    {
        var (kind, source) = (read.Kind, read.Source);
        // Validators are kept by the request's own address, also when a remembered redirect sends it elsewhere.
        var stored = page == 0 && !forgotMove && read.StoredValidators.TryGetValue(request.Uri.AbsoluteUri, out var v) ? v : HttpValidators.None;
        // A next page or a discovered feed is an address the document named, as a redirect's is: the request's headers
        // (a source's credentials) go there only on the request's own origin.
        var headers = request.Headers is { } own && !FetchRequest.SameOrigin(request.Uri, address) ? FetchRequest.CrossOriginOnly(own) : request.Headers;
        FetchOutcome outcome;
        try
        {
            outcome = await fetcher.FetchAsync(
                new FetchRequest(address, stored, source.Timeout, source.MaxBytes, source.AllowPrivateNetwork, source.PolitenessDelay, headers, PooledBody: true),
                read.Budget.Token);
        }
        catch (OperationCanceledException) when (read.Budget.RanOut)
        {
            outcome = new FetchOutcome.Unreachable($"the poll's budget of {read.Budget.Allowed.TotalSeconds:0.#}s ran out before this request finished (raise the source's 'budget' if it is only slow)");
        }
        var note = (kind as IRequestBudget)?.Observe(source, request, outcome);
        switch (outcome)
        {
            case FetchOutcome.NotModified:
                read.LastStatus = 304;
                if (stored.MovedNote is { } movedNote) read.Tracker.Warn(movedNote);
                return null;
            case FetchOutcome.Fetched fetched:
                read.AllNotModified = false;
                read.LastStatus = fetched.Status;
                read.Bytes += fetched.Document.Body.Length;
                Uri? next;
                using (fetched.Lease) next = Parse(read, request, address, page, fetched, stored);   // the parsed entries keep none of the body
                return read.TakeSlice() is { } slice ? await CatchUpAsync(read, slice, next, page) : next;
            // The guard refuses a host, not a request: say it once for the source, not once per account or repo.
            case FetchOutcome.Refused { PrivateNetwork: true }:
                read.AllNotModified = false;
                read.Tracker.SourceWide();
                if (read.RefusedHosts.TryGetValue(address.Host, out var refused))
                {
                    read.RefusedHosts[address.Host] = refused = (refused.Index, refused.First, refused.More + 1);
                    read.Errors[refused.Index] = $"{refused.First} and {refused.More} more request(s) to {address.Host}: {outcome.Describe()}";
                }
                else
                {
                    read.RefusedHosts[address.Host] = (read.Errors.Count, address, 0);
                    read.Errors.Add($"{address}: {outcome.Describe()}");
                }
                return null;
            // A kept permanent redirect whose target is now gone (the repo renamed back or deleted, a wrong redirect) is forgotten,
            // and the address in sources.json asked instead, once: it may work, and the source would otherwise fail at every poll.
            case FetchOutcome.HttpFailure { Status: 404 or 410 } lost when page == 0 && stored.MovedTo == address:
                read.AllNotModified = false;
                var forgotten = $"{request.Label ?? request.Uri.AbsoluteUri}: {address}, where it had moved, answered HTTP {lost.Status} {lost.Reason}; " +
                    $"the move is forgotten and the configured {request.Uri} asked instead";
                logger.MoveForgotten(source.Id, forgotten);
                read.Tracker.Warn(forgotten);
                read.NewValidators[request.Uri.AbsoluteUri] = HttpValidators.None;   // also when the address itself fails
                return Held(read, request, request.Uri, page) ? null : await ReadPageAsync(read, request, request.Uri, page, forgotMove: true);
            default:
                read.AllNotModified = false;
                if (outcome is FetchOutcome.HttpFailure failure)
                {
                    read.LastStatus = failure.Status;
                    if (failure.RetryAfter > read.RetryAfter.GetValueOrDefault()) read.RetryAfter = failure.RetryAfter;
                }
                if (note is not null) read.WaitUntil((kind as IRequestBudget)?.HeldUntil(source, request));
                // A budget's note says what the refusal was (a rate limit), so the status's generic hint ("need a login") is left out.
                read.Errors.Add(note is null ? $"{address}: {outcome.Describe()}"
                    : outcome is FetchOutcome.HttpFailure refusal ? $"{address}: HTTP {refusal.Status} {refusal.Reason}: {note}"
                    : $"{address}: {outcome.Describe()}: {note}");
                return null;
        }
    }

    /// <summary>
    /// A newest-first list (<see cref="NewestFirst"/>): its next page is read only while the pages are newer than the newest
    /// item of the list the source stored before (every page at the list's first poll: none stored yet, also for a repo just
    /// added to a source that stores others), up to <see cref="MaxCatchUpPages"/>; a list with items stored before that was
    /// outrun (a repo releasing several builds a day) says that items between may be missing.
    /// </summary>
    private async Task<Uri?> CatchUpAsync(Reading read, NewestFirst slice, Uri? next, int page)
    {
        // Judged by the list's own items (a repo's releases), not by the newest of a source listing several repos: a busy repo
        // must not be left outrun because another released more recently.
        var list = slice.KeyPrefix ?? "";
        if (!read.NewestStored.TryGetValue(list, out var newestStored))
            read.NewestStored[list] = newestStored = await store.GetNewestEntryAsync(read.Source.Id, slice.KeyPrefix, read.Budget.Token);
        if (newestStored is { } newest && slice.Oldest <= newest) return null;   // reaches back to what is stored
        if (next is not null && page + 1 < MaxCatchUpPages) return next;
        if (newestStored is not null) read.Tracker.Warn(slice.MayMiss);
        return null;
    }

    private Uri? Parse(Reading read, SourceRequest request, Uri address, int page, FetchOutcome.Fetched fetched, HttpValidators stored)
    {
        switch (read.Kind.Parse(fetched.Document, read.Source, request))
        {
            case ParseOutcome.Parsed parsed:
                read.Entries.AddRange(parsed.Entries);
                foreach (var reason in parsed.Skipped) logger.Skipped(read.Source.Id, reason);
                if (parsed.LeftOut is { } leftOut)
                {
                    logger.Skipped(read.Source.Id, leftOut);
                    read.LeftOut.Add(leftOut);
                }
                if (parsed.Warning is { } warning)
                {
                    logger.PartlyRead(read.Source.Id, address.AbsoluteUri, warning);
                    read.Tracker.Warn($"{address}: only partly read: {warning}");
                }
                if (parsed.Stopped is { } stopped)
                {
                    logger.PagingStopped(read.Source.Id, address.AbsoluteUri, stopped);
                    read.Tracker.Warn($"{address}: paging stopped: {stopped}");
                }
                if (page == 0) read.NewValidators[request.Uri.AbsoluteUri] = Remember(read, request, fetched, parsed, stored);
                read.Slice = parsed.Slice;
                return parsed.Next;
            case ParseOutcome.WrongFormat wrong:
                read.Errors.Add($"{address}: {wrong.Reason}");
                return null;
            case ParseOutcome.Gone gone:
                read.Errors.Add($"{address}: gone: {gone.Reason}");
                return null;
            case ParseOutcome.Blocked blocked:
                read.Errors.Add($"{address}: blocked: {blocked.Reason} (backing off)");
                return null;
            // One hop, with the source's guards (the next page's fetch); its validators are not kept, so the page is asked
            // for again next time instead of answering 304 for a feed that changed.
            case ParseOutcome.Discovered discovered when page == 0:
                logger.FeedDiscovered(read.Source.Id, address.AbsoluteUri, discovered.Feed.AbsoluteUri);
                read.Tracker.Warn($"{address}: an HTML page, not a feed; read the feed it links to, {discovered.Feed}: put that URL in sources.json");
                return discovered.Feed;
            case ParseOutcome.Discovered:
                read.Errors.Add($"{address}: got an HTML page, not a feed, at the address a page linked to as its feed (check the source's URL in a browser)");
                return null;
            default:
                return null;
        }
    }

    // The validators to keep for the request. A permanent redirect its kind names (a renamed repo) is kept with them, so later
    // polls ask there directly; the operator hears of it at every poll (the source's warning) and once in the log.
    private HttpValidators Remember(Reading read, SourceRequest request, FetchOutcome.Fetched fetched, ParseOutcome.Parsed parsed, HttpValidators stored)
    {
        var validators = fetched.Validators;
        if (fetched.Moved is { } moved)
        {
            if (read.Kind.Moved(read.Source, request, moved, parsed) is { } note)
            {
                if (note != stored.MovedNote) logger.Moved(read.Source.Id, note);
                validators = validators with { MovedTo = moved.Target, MovedNote = note };
            }
        }
        else if (stored.MovedTo is not null)
        {
            validators = validators with { MovedTo = stored.MovedTo, MovedNote = stored.MovedNote };
        }
        if (validators.MovedNote is { } said) read.Tracker.Warn(said);
        return validators;
    }

    // What one read has gathered so far.
    private sealed class Reading(ISourceKind kind, SourceDefinition source, PollBudget budget, RequestTracker tracker,
        IReadOnlyDictionary<string, HttpValidators> storedValidators, DateTimeOffset started)
    {
        public ISourceKind Kind { get; } = kind;
        public SourceDefinition Source { get; } = source;
        public PollBudget Budget { get; } = budget;
        public RequestTracker Tracker { get; } = tracker;
        public IReadOnlyDictionary<string, HttpValidators> StoredValidators { get; } = storedValidators;
        public List<CandidateEntry> Entries { get; } = [];
        public List<string> Errors { get; } = [];
        public List<string> LeftOut { get; } = [];
        public Dictionary<string, HttpValidators> NewValidators { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, (int Index, Uri First, int More)> RefusedHosts { get; } = new(StringComparer.OrdinalIgnoreCase);
        public int? LastStatus { get; set; }
        public long Bytes { get; set; }
        public bool AllNotModified { get; set; } = true;
        public TimeSpan? RetryAfter { get; set; }

        /// <summary>The newest-first slice the page just parsed is, if it is one (<see cref="ParseOutcome.Parsed.Slice"/>).</summary>
        public NewestFirst? Slice { get; set; }

        /// <summary>The newest item stored before this poll, by the slices' key prefixes ("" for the source's), read once each when a slice needs it.</summary>
        public Dictionary<string, DateTimeOffset?> NewestStored { get; } = new(StringComparer.Ordinal);

        public NewestFirst? TakeSlice()
        {
            var slice = Slice;
            Slice = null;
            return slice;
        }

        /// <summary>A request budget holds requests until <paramref name="until"/>: pause the source at least that long, as a Retry-After would.</summary>
        public void WaitUntil(DateTimeOffset? until)
        {
            if (until is { } at && at - started > RetryAfter.GetValueOrDefault()) RetryAfter = at - started;
        }
    }
}
