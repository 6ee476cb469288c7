using System.Net;
using System.Net.Sockets;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>A loopback port nothing listens on: a connection to it is refused at once (no timeout, no network).</summary>
public static class ClosedPort
{
    /// <summary>A port the system just gave a listener that is stopped again.</summary>
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
