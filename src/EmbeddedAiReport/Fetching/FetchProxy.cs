using System.Net;

namespace EmbeddedAiReport.Fetching;

/// <summary>
/// The outbound proxy fetches go through: the environment's (<c>HTTP_PROXY</c>, <c>HTTPS_PROXY</c>, <c>NO_PROXY</c>, as
/// .NET reads them) unless one is registered in its place (tests).
/// </summary>
/// <remarks>
/// Through a proxy the connection is to the proxy, which the operator chose, so the SSRF guard checks the address a request
/// names instead (<see cref="AddressGuard.CheckTargetAsync"/>); before, it checked the proxy's, and a proxy on a private
/// address or on loopback (Clash's 127.0.0.1:7890) refused every fetch with a hint that did not help.
/// </remarks>
public sealed class FetchProxy(IWebProxy proxy)
{
    public IWebProxy Proxy { get; } = proxy;

    /// <summary>True when a request to <paramref name="uri"/> goes through the proxy.</summary>
    public bool Applies(Uri uri) => !Proxy.IsBypassed(uri) && Proxy.GetProxy(uri) is not null;
}
