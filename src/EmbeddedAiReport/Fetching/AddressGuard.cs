using System.Net;
using System.Net.Sockets;

namespace EmbeddedAiReport.Fetching;

/// <summary>Refuses connections to loopback, private and link-local addresses (SSRF guard) unless a source allows them.</summary>
/// <remarks>
/// The check runs in the handler's ConnectCallback on the resolved addresses that are then connected to (one lookup), so
/// DNS rebinding and redirects to internal hosts are covered too. A name is refused when any of its addresses is private:
/// an answer of a public and a private address (rebinding) must not reach the private one through a proxy either.
/// </remarks>
internal static class AddressGuard
{
    /// <summary>Request option that lets one request reach private addresses.</summary>
    public static readonly HttpRequestOptionsKey<bool> AllowPrivateNetwork = new("EmbeddedAiReport.AllowPrivateNetwork");

    /// <summary>True for addresses a configured feed URL must not reach by default.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal
                || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None);
        }
        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] is >= 64 and <= 127,   // carrier-grade NAT 100.64/10
            169 => b[1] == 254,                // link-local, cloud metadata
            172 => b[1] is >= 16 and <= 31,
            192 => b[1] == 168,
            _ => b[0] >= 224,                  // multicast and reserved
        };
    }

    /// <summary>
    /// True when <paramref name="uri"/> names a loopback or private address itself (<c>localhost</c> or a name under it, an IP
    /// literal), which polls refuse without <c>allowPrivateNetwork</c>; no name is resolved (a check of the config folder stays
    /// offline). A <c>*.localhost</c> name is loopback to the fetches too (<see cref="HostResolver.IsLocalhostName"/>).
    /// </summary>
    public static bool NamesPrivateAddress(Uri uri) =>
        uri.IsLoopback || HostResolver.IsLocalhostName(uri.IdnHost) || IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IsPrivate(address);

    /// <summary>
    /// Resolves, checks and connects, for <see cref="SocketsHttpHandler.ConnectCallback"/>. A connection to the proxy
    /// (<paramref name="proxy"/> applies to the request) is not checked: the operator set it, and the request's own address
    /// was checked before it was sent (<see cref="CheckTargetAsync"/>).
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect(FetchProxy proxy, HostResolver resolver) =>
        (context, cancellationToken) => ConnectAsync(context, proxy, resolver, cancellationToken);

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, FetchProxy proxy, HostResolver resolver,
        CancellationToken cancellationToken)
    {
        context.InitialRequestMessage.Options.TryGetValue(AllowPrivateNetwork, out var allowPrivate);
        var toProxy = context.InitialRequestMessage.RequestUri is { } target && proxy.Applies(target);
        var host = context.DnsEndPoint.Host;
        var addresses = await resolver.AddressesAsync(host, cancellationToken);
        if (addresses.Length == 0 || !(allowPrivate || toProxy) && addresses.Any(IsPrivate)) throw Refused(host);

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Refuses a request to <paramref name="uri"/> through the proxy when its host is (or resolves here to) a private or
    /// loopback address, any of them: the proxy resolves the name again and may pick that one. A name that does not
    /// resolve here is left to the proxy, which resolves it (a network whose only way out is the proxy).
    /// </summary>
    public static async Task CheckTargetAsync(Uri uri, HostResolver resolver, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await resolver.AddressesAsync(uri.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return;
        }
        if (addresses.Any(IsPrivate)) throw Refused(uri.IdnHost);
    }

    private static PrivateAddressException Refused(string host) =>
        new($"{host} resolves to a private or loopback address; set \"allowPrivateNetwork\": true on the source to allow it (a self-hosted mirror, an intranet feed)");
}

/// <summary>Thrown inside the handler when the SSRF guard refuses an address.</summary>
internal sealed class PrivateAddressException(string message) : IOException(message);
