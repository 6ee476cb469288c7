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

    /// <summary>The addresses of <paramref name="host"/>: the address itself when it is a literal, else the resolver's answer.</summary>
    /// <exception cref="SocketException">The name does not resolve.</exception>
    public async Task<IPAddress[]> AddressesAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host, out var literal) ? [literal] : await lookUp(host, cancellationToken);
}
