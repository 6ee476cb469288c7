using System.Net;
using System.Net.Sockets;

namespace EmbeddedAiReport.Fetching;

/// <summary>
/// Looks up the addresses of the hosts fetches name, for the SSRF guard (<see cref="AddressGuard"/>): the system resolver
/// unless one is registered in its place (tests, which answer names without DNS).
/// </summary>
public sealed class HostResolver(Func<string, CancellationToken, Task<IPAddress[]>> lookUp)
{
    /// <summary>The system resolver (<see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>).</summary>
    public static HostResolver System { get; } = new(Dns.GetHostAddressesAsync);

    /// <summary>
    /// The addresses of <paramref name="host"/>: the address itself when it is a literal, loopback for a <c>*.localhost</c>
    /// name (<see cref="IsLocalhostName"/>), else the resolver's answer.
    /// </summary>
    /// <exception cref="SocketException">The name does not resolve.</exception>
    public async Task<IPAddress[]> AddressesAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host, out var literal) ? [literal]
        : UnderLocalhost(host) ? [IPAddress.Loopback, IPAddress.IPv6Loopback]
        : await lookUp(host, cancellationToken);

    /// <summary>
    /// True for <c>localhost</c> and every name under it (<c>feeds.localhost</c>), with or without the final dot: loopback by
    /// RFC 6761 §6.3, as browsers take them, while the system resolver (glibc without systemd-resolved, .NET's own) answers
    /// only <c>localhost</c> from the hosts file and sends the others to DNS, which must not answer them.
    /// </summary>
    public static bool IsLocalhostName(string host) =>
        host.TrimEnd('.').Equals("localhost", StringComparison.OrdinalIgnoreCase) || UnderLocalhost(host);

    // A name under localhost (localhost itself is left to the resolver: the hosts file answers it, and may name the loopback
    // addresses it has).
    private static bool UnderLocalhost(string host) => host.TrimEnd('.').EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
}
