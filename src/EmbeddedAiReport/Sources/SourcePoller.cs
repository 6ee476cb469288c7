using System.Diagnostics;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Sources;

/// <summary>Fetch → parse → classify → store for one source, committed as one transaction.</summary>
/// <remarks>
/// Faults of the source (HTTP errors, bad documents) become a failed <see cref="PollResult"/> and a
/// <c>fetches</c> row; they never throw. <see cref="PollManyAsync"/> bounds parallelism and keeps one source's
/// crash from stopping the others.
/// </remarks>
public sealed class SourcePoller(
    SourceCatalog catalog, Fetcher fetcher, SourceStore store, EntryClassifier classifier, TimeProvider timeProvider, ILogger<SourcePoller> logger,
    StoryAssigner stories)
{
    /// <summary>Most pages one request may follow (<see cref="ParseOutcome.Parsed.Next"/>), against paging loops.</summary>
    private const int MaxPages = 50;

    public async Task<PollResult> PollAsync(SourceDefinition source, CancellationToken cancellationToken)
    {
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

        foreach (var request in kind.Requests(source))
        {
            Uri? next = request.Uri;
            for (var page = 0; next is not null && page < MaxPages; page++)
            {
                var address = next;
                next = null;
                var stored = page == 0 && validators.TryGetValue(address.AbsoluteUri, out var v) ? v : HttpValidators.None;
                var outcome = await fetcher.FetchAsync(
                    new FetchRequest(address, stored, source.Timeout, source.MaxBytes, source.AllowPrivateNetwork, source.PolitenessDelay),
                    cancellationToken);
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
                    default:
                        allNotModified = false;
                        lastStatus = outcome is FetchOutcome.HttpFailure failure ? failure.Status : lastStatus;
                        errors.Add($"{address}: {outcome.Describe()}");
                        break;
                }
            }
        }

        var writes = Filter(entries, source)
            .DistinctBy(e => e.CanonicalKey)
            .Select(e => classifier.Classify(e, source, kind.DefaultSection))
            .ToList();
        var error = errors.Count == 0 ? null : string.Join("; ", errors);
        var record = new FetchRecord(source.Id, source.Kind, started, clock.Elapsed, lastStatus, bytes, writes.Count, error, newValidators);
        var counts = await store.CommitFetchAsync(record, writes, cancellationToken);
        if (counts.New + counts.Updated > 0) await stories.AssignPendingAsync(cancellationToken);
        var result = new PollResult(source.Id, writes.Count, counts.New, counts.Updated, allNotModified && errors.Count == 0, error, clock.Elapsed);

        if (result.Failed) logger.PollFailed(source.Id, error!);
        else if (result.NotModified) logger.NotModified(source.Id);
        else logger.Polled(source.Id, counts.New, counts.Updated, writes.Count, (long)clock.Elapsed.TotalMilliseconds);
        return result;
    }

    /// <summary>Polls <paramref name="sources"/> with at most <paramref name="maxParallel"/> at once; a crash of one is reported as its failure.</summary>
    public async Task<IReadOnlyList<PollResult>> PollManyAsync(IReadOnlyList<SourceDefinition> sources, int maxParallel, CancellationToken cancellationToken)
    {
        var results = new PollResult[sources.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, sources.Count),
            new ParallelOptions { MaxDegreeOfParallelism = maxParallel, CancellationToken = cancellationToken },
            async (i, token) => results[i] = await PollGuardedAsync(sources[i], token));
        return results;
    }

    /// <summary>Polls one source; an unexpected exception (a bug, an unwritable database) becomes a failed result.</summary>
    public async Task<PollResult> PollGuardedAsync(SourceDefinition source, CancellationToken cancellationToken)
    {
        try
        {
            return await PollAsync(source, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.PollCrashed(source.Id, ex);
            return new PollResult(source.Id, 0, 0, 0, false, $"internal error: {ex.Message}", TimeSpan.Zero);
        }
    }

    private static IEnumerable<CandidateEntry> Filter(IEnumerable<CandidateEntry> entries, SourceDefinition source)
    {
        if (source.Include.Count == 0 && source.Exclude.Count == 0) return entries;
        var include = source.Include.Select(p => new Regex(p, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1))).ToList();
        var exclude = source.Exclude.Select(p => new Regex(p, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1))).ToList();
        return entries.Where(e =>
        {
            var text = e.Title + "\n" + e.Summary;
            return (include.Count == 0 || include.Any(r => r.IsMatch(text))) && !exclude.Any(r => r.IsMatch(text));
        });
    }
}
