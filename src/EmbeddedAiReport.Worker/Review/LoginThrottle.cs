using System.Net;
using System.Net.Sockets;

namespace EmbeddedAiReport.Worker.Review;

/// <summary>
/// Counts wrong editor tokens per client address (login form, bearer, login cookie): after <see cref="MaxFailures"/> within
/// <see cref="Window"/>, the address may present no token until the oldest of them is <see cref="Window"/> old; a right token
/// clears its count.
/// </summary>
/// <remarks>
/// Grafana's numbers (5 failed logins within 5 minutes). An IPv6 client counts by its /64, the block one host is usually
/// given, so that it cannot take a fresh address per guess. Addresses whose failures have aged out are dropped, so the table
/// holds only the clients of the last window.
/// <threadsafety>Safe for concurrent use: one lock around the table.</threadsafety>
/// </remarks>
internal sealed class LoginThrottle(TimeProvider time)
{
    /// <summary>Wrong tokens one address may give within <see cref="Window"/>.</summary>
    public const int MaxFailures = 5;

    /// <summary>How long a wrong token counts.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, Queue<DateTimeOffset>> _failures = [];
    private readonly Lock _lock = new();
    private DateTimeOffset _swept = DateTimeOffset.MinValue;

    /// <summary>How long <paramref name="address"/> must wait before it may present a token again; null when it may now.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
            return _failures.TryGetValue(Key(address), out var times) ? Wait(times, now) : null;
    }

    /// <summary>Counts a wrong token from <paramref name="address"/>; returns the wait it now has, null while it is under the limit.</summary>
    public TimeSpan? Failed(IPAddress? address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Sweep(now);
            var key = Key(address);
            if (!_failures.TryGetValue(key, out var times)) _failures[key] = times = new Queue<DateTimeOffset>();
            times.Enqueue(now);
            if (times.Count > MaxFailures) times.Dequeue();
            return Wait(times, now);
        }
    }

    /// <summary>Forgets the wrong tokens of <paramref name="address"/>: it gave the right one.</summary>
    public void Succeeded(IPAddress? address)
    {
        lock (_lock) _failures.Remove(Key(address));
    }

    // Locked while the last MaxFailures failures all lie within the window: until the oldest of them leaves it.
    private static TimeSpan? Wait(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.Count > 0 && now - times.Peek() >= Window) times.Dequeue();
        return times.Count >= MaxFailures ? times.Peek() + Window - now : null;
    }

    // At most once a window: drop the addresses none of whose failures still counts.
    private void Sweep(DateTimeOffset now)
    {
        if (now - _swept < Window) return;
        _swept = now;
        foreach (var (key, times) in _failures)
        {
            Wait(times, now);   // drops the failures that left the window
            if (times.Count == 0) _failures.Remove(key);
        }
    }

    private static string Key(IPAddress? address)
    {
        if (address is null) return "";
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4().ToString();
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address)) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
