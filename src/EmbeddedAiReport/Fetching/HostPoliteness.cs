namespace EmbeddedAiReport.Fetching;

/// <summary>Keeps a minimum gap between requests to one host, across all sources that use it.</summary>
/// <remarks>
/// One gate per configured domain: a lease is held for the whole request (arXiv asks for a single
/// connection at a time), and the next lease is granted no earlier than the gap after the previous
/// request ended. Waits go through the injected <see cref="TimeProvider"/>.
/// <threadsafety>Thread-safe; registered as a singleton.</threadsafety>
/// </remarks>
public sealed class HostPoliteness(TimeProvider timeProvider)
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Waits for this host's turn; dispose the lease when the request has finished.</summary>
    public async Task<IDisposable> AcquireAsync(string gateKey, TimeSpan gap, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(gateKey, out gate!))
                _gates[gateKey] = gate = new Gate();
        }
        await gate.Lock.WaitAsync(cancellationToken);
        try
        {
            if (gate.LastEnded is { } last)
            {
                var wait = last + gap - timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, timeProvider, cancellationToken);
            }
        }
        catch
        {
            gate.Lock.Release();
            throw;
        }
        return new Lease(gate, timeProvider);
    }

    /// <summary>The configured domain that <paramref name="host"/> falls under, and its gap; null when the host has no gap.</summary>
    public static (string Key, TimeSpan Gap)? GateFor(string host, IReadOnlyDictionary<string, TimeSpan> hostDelays, TimeSpan? sourceDelay)
    {
        foreach (var (domain, delay) in hostDelays)
        {
            if (host.Equals(domain, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase))
                return (domain, sourceDelay is { } own && own > delay ? own : delay);
        }
        return sourceDelay is { } d && d > TimeSpan.Zero ? (host, d) : null;
    }

    private sealed class Gate
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);
        public DateTimeOffset? LastEnded { get; set; }
    }

    private sealed class Lease(Gate gate, TimeProvider timeProvider) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            gate.LastEnded = timeProvider.GetUtcNow();
            gate.Lock.Release();
        }
    }
}
