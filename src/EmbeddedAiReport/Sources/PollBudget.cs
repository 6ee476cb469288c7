namespace EmbeddedAiReport.Sources;

/// <summary>The time one poll may take, shared by every request, retry, wait and page fetch of it.</summary>
/// <remarks>What was read before the budget ran out is still stored; a caller's own cancellation is not a budget running out.</remarks>
public sealed class PollBudget : IDisposable
{
    private readonly CancellationTokenSource _overBudget;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _caller;

    public PollBudget(TimeSpan allowed, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        Allowed = allowed;
        _caller = cancellationToken;
        _overBudget = new CancellationTokenSource(allowed, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _overBudget.Token);
    }

    /// <summary>The time allowed.</summary>
    public TimeSpan Allowed { get; }

    /// <summary>Cancelled when the budget runs out or the caller cancels.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>True when the budget ran out (and the caller did not cancel).</summary>
    public bool RanOut => _overBudget.IsCancellationRequested && !_caller.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _overBudget.Dispose();
    }
}
