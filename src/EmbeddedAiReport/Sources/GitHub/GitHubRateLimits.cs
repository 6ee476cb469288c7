using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Sources.GitHub;

/// <summary>What the GitHub REST API said about its rate limit, per API host and credential, shared by every source.</summary>
/// <remarks>
/// GitHub counts requests per IP (anonymous, 60/hour) or per token (5,000/hour), not per source, so one budget
/// serves every source that uses the same credential. Rules from github/docs rate-limits-for-the-rest-api.md:
/// remaining 0 → wait until <c>x-ratelimit-reset</c>; a 403/429 with <c>retry-after</c> → wait that long;
/// a 429 without either → wait at least a minute. A 304 does not count against the limit, so it leaves the
/// budget as it was. State lives in memory: a restarted process learns it again from the first answer.
/// <threadsafety>Thread-safe; registered as a singleton.</threadsafety>
/// </remarks>
public sealed class GitHubRateLimits(TimeProvider timeProvider, IOptions<DraftOptions> draft)
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, Budget> _budgets = new(StringComparer.Ordinal);

    /// <summary>Null when a request on <paramref name="bucket"/> may go now; otherwise why not.</summary>
    public string? Hold(string bucket)
    {
        lock (_budgets)
        {
            return HeldUntilLocked(bucket) is { } until ? Describe(until, _budgets[bucket]) : null;
        }
    }

    /// <summary>Until when requests on <paramref name="bucket"/> are held (a refusal's wait, or the reset of a spent budget), or null.</summary>
    public DateTimeOffset? HeldUntil(string bucket)
    {
        lock (_budgets) return HeldUntilLocked(bucket);
    }

    private DateTimeOffset? HeldUntilLocked(string bucket)
    {
        var now = timeProvider.GetUtcNow();
        if (!_budgets.TryGetValue(bucket, out var budget)) return null;
        if (budget.HeldUntil is { } until && until > now) return until;
        if (budget.Remaining <= 0 && budget.Reset is { } reset && reset > now) return reset;
        return null;
    }

    /// <summary>Records one answer on <paramref name="bucket"/>; returns "rate limited until …" when it was a rate-limit refusal.</summary>
    public string? Observe(string bucket, FetchOutcome outcome)
    {
        if (outcome is FetchOutcome.NotModified) return null;   // a 304 does not spend the budget
        var headers = outcome.ResponseHeaders;
        var remaining = headers?.GetInt64("x-ratelimit-remaining");
        var limit = headers?.GetInt64("x-ratelimit-limit");
        var reset = headers?.GetInt64("x-ratelimit-reset") is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        var now = timeProvider.GetUtcNow();
        lock (_budgets)
        {
            if (!_budgets.TryGetValue(bucket, out var budget)) _budgets[bucket] = budget = new Budget();
            if (remaining is not null)
            {
                budget.Remaining = remaining;
                budget.Limit = limit ?? budget.Limit;
                budget.Reset = reset ?? budget.Reset;
            }
            else if (outcome is FetchOutcome.Fetched or FetchOutcome.HttpFailure && budget.Remaining is { } known)
            {
                budget.Remaining = Math.Max(0, known - 1);   // no headers (a proxy stripped them): count it ourselves
            }

            if (outcome is not FetchOutcome.HttpFailure { Status: 403 or 429 } failure) return null;
            DateTimeOffset until;
            if (failure.RetryAfter is { } wait) until = now + wait;
            else if (remaining == 0 && reset is { } at) until = at;
            else if (failure.Status == 429) until = now + MinimumWait;
            else return null;   // a plain 403 (private repo, blocked) is not a rate limit
            if (until < now + TimeSpan.FromSeconds(1)) until = now + MinimumWait;   // a reset in the past: the clocks disagree
            budget.HeldUntil = until;
            budget.Remaining = 0;
            return Describe(until, budget);
        }
    }

    private string Describe(DateTimeOffset until, Budget budget) =>
        $"GitHub API rate limited until {SourceStatus.Time(until, draft.Value.Zone())} ({budget.Remaining ?? 0} of {budget.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} requests left); REST requests held until then";

    private sealed class Budget
    {
        public long? Limit { get; set; }
        public long? Remaining { get; set; }
        public DateTimeOffset? Reset { get; set; }
        public DateTimeOffset? HeldUntil { get; set; }
    }
}
