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
    /// A poll about to ask this gate: a place in line when its turn would come within <paramref name="limit"/>, else a later
    /// turn booked for it, after the requests in line and a gap after the turn booked before it, so that polls put off
    /// together come back one gap apart instead of queueing again all at once.
    /// </summary>
    /// <remarks>
    /// The wait ahead is the rest of the gap after the last request, or a gap for each request in line (their own durations
    /// unknown, so at least that). Polls admitted count as in line until their place is disposed, also before they ask:
    /// ten polls admitted at once would otherwise all find the line empty.
    /// </remarks>
    public GateAdmission Admit(string gateKey, TimeSpan gap, TimeSpan limit)
    {
        lock (_gates)
        {
            if (!_gates.TryGetValue(gateKey, out var gate))
                _gates[gateKey] = gate = new Gate();
            var now = timeProvider.GetUtcNow();
            var inLine = Math.Max(gate.Queued, gate.Admitted);
            var ahead = inLine > 0 ? gap * inLine
                : gate.LastEnded is { } last && last + gap - now is { Ticks: > 0 } rest ? rest : TimeSpan.Zero;
            if (ahead <= limit)
            {
                gate.Admitted++;
                return new GateAdmission(new Place(gate, _gates), null, ahead);
            }
            var afterLine = now + gap * (inLine + 1);
            var turn = gate.Booked is { } booked && booked + gap > afterLine ? booked + gap : afterLine;
            gate.Booked = turn;
            return new GateAdmission(null, turn, ahead);
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

        /// <summary>Polls admitted by <see cref="Admit"/> whose place is not disposed yet (guarded by the gates' lock).</summary>
        public int Admitted { get; set; }

        /// <summary>The latest turn booked by <see cref="Admit"/> (guarded by the gates' lock).</summary>
        public DateTimeOffset? Booked { get; set; }
    }

    private sealed class Place(Gate gate, object gates) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            lock (gates) gate.Admitted--;
        }
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
