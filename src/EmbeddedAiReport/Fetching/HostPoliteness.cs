using System.Data.Common;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Fetching;

/// <summary>Keeps a minimum gap between requests to one host, across all sources that use it, and across the daemons sharing a PostgreSQL database.</summary>
/// <remarks>
/// One gate per configured domain: a lease is held for the whole request (arXiv asks for a single
/// connection at a time), and the next lease is granted no earlier than the gap after the previous
/// request ended. Waits go through the injected <see cref="TimeProvider"/>.
/// Daemons on one PostgreSQL database poll the same hosts, so the gate is also a lock in the database
/// (<see cref="ReportDatabase.LockAcrossDaemonsAsync"/>), held for the request and the gap after it: two daemons ask
/// mp.weixin.qq.com once per 5 s between them, not each. While the database does not answer, each daemon keeps its own gate.
/// <threadsafety>Thread-safe; registered as a singleton.</threadsafety>
/// </remarks>
public sealed class HostPoliteness(TimeProvider timeProvider, ReportDatabase database)
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
            gate.Queued++;
        }
        DbConnection? shared;
        try
        {
            await gate.Lock.WaitAsync(cancellationToken);
        }
        catch
        {
            lock (_gates) gate.Queued--;
            throw;
        }
        try
        {
            if (gate.LastEnded is { } last)
            {
                var wait = last + gap - timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, timeProvider, cancellationToken);
            }
            shared = await SharedTurnAsync(gateKey, cancellationToken);
        }
        catch
        {
            lock (_gates) gate.Queued--;
            gate.Lock.Release();
            throw;
        }
        return new Lease(gate, _gates, timeProvider, shared is null ? null : () => _ = ReleaseSharedTurnAsync(shared, gateKey, gap));
    }

    // The other daemons' turn: null on SQLite, or while the database does not answer (their polls' writes then fail anyway).
    private async Task<DbConnection?> SharedTurnAsync(string gateKey, CancellationToken cancellationToken)
    {
        try
        {
            return await database.LockAcrossDaemonsAsync(SharedName(gateKey), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && database.IsUnavailable(ex))
        {
            return null;
        }
    }

    // Held for the gap after the request ended, as this daemon's own gate waits, then released.
    private async Task ReleaseSharedTurnAsync(DbConnection shared, string gateKey, TimeSpan gap)
    {
        await using (shared)
        {
            await Task.Delay(gap, timeProvider);
            try
            {
                await database.UnlockAcrossDaemonsAsync(shared, SharedName(gateKey));
            }
            catch (Exception ex) when (database.IsUnavailable(ex))
            {
                // The connection is gone (a server restart), and its lock with it.
            }
        }
    }

    /// <summary>
    /// How long a request to this gate would wait for its turn if it asked now: the rest of the gap after the last request,
    /// or a gap for each request already waiting or under way (their own durations unknown, so at least that).
    /// </summary>
    public TimeSpan WaitAhead(string gateKey, TimeSpan gap)
    {
        lock (_gates)
        {
            if (!_gates.TryGetValue(gateKey, out var gate)) return TimeSpan.Zero;
            if (gate.Queued > 0) return gap * gate.Queued;
            return gate.LastEnded is { } last && last + gap - timeProvider.GetUtcNow() is { Ticks: > 0 } rest ? rest : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// Books a later turn at this gate for a poll that would wait too long now (<see cref="WaitAhead"/>): after the requests
    /// queued now, and a gap after the turn booked before it, so that polls put off together come back one gap apart
    /// instead of queueing again all at once.
    /// </summary>
    public DateTimeOffset BookLaterTurn(string gateKey, TimeSpan gap)
    {
        lock (_gates)
        {
            if (!_gates.TryGetValue(gateKey, out var gate))
                _gates[gateKey] = gate = new Gate();
            var afterQueue = timeProvider.GetUtcNow() + gap * (gate.Queued + 1);
            var turn = gate.Booked is { } booked && booked + gap > afterQueue ? booked + gap : afterQueue;
            gate.Booked = turn;
            return turn;
        }
    }

    private static string SharedName(string gateKey) => "host-gate:" + gateKey;

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

        /// <summary>Requests waiting for their turn or under way (guarded by the gates' lock).</summary>
        public int Queued { get; set; }

        /// <summary>The latest turn booked by <see cref="BookLaterTurn"/> (guarded by the gates' lock).</summary>
        public DateTimeOffset? Booked { get; set; }
    }

    /// <param name="ended">Run when the request has ended: hands the other daemons' turn on.</param>
    private sealed class Lease(Gate gate, object gates, TimeProvider timeProvider, Action? ended) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            lock (gates) gate.Queued--;
            gate.LastEnded = timeProvider.GetUtcNow();
            gate.Lock.Release();
            ended?.Invoke();
        }
    }
}
