using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace EmbeddedAiReport.Fetching;

/// <summary>One Polly pipeline per host: total timeout, retry of transient outcomes honouring Retry-After, and a circuit breaker.</summary>
/// <remarks>
/// The pipeline works on <see cref="FetchOutcome"/>s, not on HTTP messages, so the size cap and body read are part of
/// each attempt. Transient: 408, 429, 5xx (unless the request judged the failure permanent) and <see cref="FetchOutcome.Unreachable"/>. A Retry-After longer than
/// <see cref="FetchingOptions.MaxRetryAfter"/> is not waited for: the outcome goes back to the poller, which pauses the source.
/// The circuit is per host (shared by every source on it), so a dead mirror is not hammered by each of its accounts.
/// Pipelines live in Polly's registry, keyed by host and built on first use with the options of that moment.
/// <threadsafety>Thread-safe; a singleton.</threadsafety>
/// </remarks>
public sealed class HostResilience(IOptions<FetchingOptions> options, TimeProvider timeProvider) : IDisposable
{
    // The registry copies the factory's builder settings (the injected clock) into each host's pipeline builder.
    private readonly ResiliencePipelineRegistry<string> _pipelines = new(new ResiliencePipelineRegistryOptions<string>
    {
        BuilderFactory = () => new ResiliencePipelineBuilder { TimeProvider = timeProvider },
        BuilderComparer = StringComparer.OrdinalIgnoreCase,
        PipelineComparer = StringComparer.OrdinalIgnoreCase,
    });
    // The failure that opened each host's circuit, so "circuit open" can say why (host name not found, a 503 …).
    private readonly ConcurrentDictionary<string, string> _openedBy = new(StringComparer.OrdinalIgnoreCase);

    // Set on a run whose transient failures are not retried (FetchRequest.Retry false); the breaker still counts them.
    private static readonly ResiliencePropertyKey<bool> Once = new("eair.once");

    /// <summary>Runs <paramref name="attempt"/> with retries for <paramref name="host"/>; never throws for faults, only for cancellation.</summary>
    /// <param name="retry">False: one attempt, whose transient failure is returned as it is (the circuit breaker counts it).</param>
    public async Task<FetchOutcome> ExecuteAsync(string host, Func<CancellationToken, Task<FetchOutcome>> attempt, CancellationToken cancellationToken,
        bool retry = true)
    {
        var pipeline = _pipelines.GetOrAddPipeline<FetchOutcome>(host, builder => Configure(builder, host, options.Value));
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(Once, !retry);
        try
        {
            return await pipeline.ExecuteAsync(static async (context, attempt) => await attempt(context.CancellationToken), context, attempt);
        }
        catch (BrokenCircuitException)
        {
            var cause = _openedBy.TryGetValue(host, out var last) ? $" (last: {last})" : "";
            return new FetchOutcome.Unreachable(
                $"circuit open for {host} after repeated failures{cause}; requests to it resume within {options.Value.CircuitBreakDuration.TotalMinutes:0.#} min",
                CircuitOpen: true);
        }
        catch (TimeoutRejectedException)
        {
            return new FetchOutcome.Unreachable($"gave up after {options.Value.TotalTimeout.TotalSeconds:0}s including retries");
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>True for outcomes worth another attempt now.</summary>
    public static bool IsTransient(FetchOutcome outcome, TimeSpan maxRetryAfter) => outcome switch
    {
        FetchOutcome.HttpFailure { Permanent: true } => false,
        FetchOutcome.HttpFailure { RetryAfter: { } wait } when wait > maxRetryAfter => false,
        // An exhausted API rate limit (GitHub: 403/429 with x-ratelimit-remaining 0) lasts until its reset, not seconds.
        FetchOutcome.HttpFailure { Headers: { } headers } when headers.GetInt64("x-ratelimit-remaining") == 0 => false,
        FetchOutcome.HttpFailure failure => failure.Status is 408 or 429 or >= 500,
        FetchOutcome.Unreachable => true,
        _ => false,
    };

    /// <summary>Disposes the hosts' pipelines (their circuit breakers' state).</summary>
    public void Dispose() => _pipelines.Dispose();

    private void Configure(ResiliencePipelineBuilder<FetchOutcome> builder, string host, FetchingOptions settings)
    {
        builder.AddTimeout(settings.TotalTimeout);
        if (settings.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<FetchOutcome>
            {
                MaxRetryAttempts = settings.Retries,
                Delay = settings.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } result && IsTransient(result, settings.MaxRetryAfter)
                    && !args.Context.Properties.GetValue(Once, false)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is FetchOutcome.HttpFailure { RetryAfter: { } wait } ? wait : (TimeSpan?)null),
            });
        }
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<FetchOutcome>
        {
            FailureRatio = 1.0,
            MinimumThroughput = settings.CircuitBreakerFailures,
            SamplingDuration = TimeSpan.FromMinutes(10),
            BreakDuration = settings.CircuitBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } result && IsTransient(result, TimeSpan.MaxValue)),
            OnOpened = args =>
            {
                if (args.Outcome.Result is { } result) _openedBy[host] = result.Describe();
                return ValueTask.CompletedTask;
            },
        });
    }
}
