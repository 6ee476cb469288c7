using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>Checks the addresses of <c>Report:Urls</c> before the daemon starts, so a taken port is one clear config error.</summary>
/// <remarks>
/// Without the check the host starts its schedules, then Kestrel fails to bind and the process dies with a stack trace
/// and exit code 1. A free address can still be taken between the check and the bind: <see cref="IsAddressInUse"/>
/// recognizes that failure so it gets the same message.
/// </remarks>
internal static class ListenAddresses
{
    /// <summary>The first URL of <paramref name="urls"/> (<c>;</c>-separated) whose address is already taken, or null.</summary>
    public static string? FirstInUse(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri) || uri.Port <= 0) continue;
            foreach (var address in Addresses(uri.Host))
                if (Taken(new IPEndPoint(address, uri.Port))) return url;
        }
        return null;
    }

    /// <summary>True when <paramref name="exception"/> is Kestrel's failure to bind a taken address.</summary>
    public static bool IsAddressInUse(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
            if (e is AddressInUseException || e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }) return true;
        return false;
    }

    /// <summary>
    /// The line an operator reads when an https URL of <paramref name="urls"/> has no certificate in
    /// <c>Kestrel:Certificates:Default</c> (Kestrel would look for ASP.NET Core's development certificate and stop the daemon
    /// with a stack trace), or names a certificate or key file that is not there (Kestrel's FileNotFoundException, a stack trace
    /// too); null when there is no https URL or its certificate's files are there. Relative paths are the daemon's: from the
    /// current folder, its content root.
    /// </summary>
    public static string? CertificateProblem(string urls, IConfiguration configuration)
    {
        var https = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(url => url.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        if (https is null) return null;
        var certificate = configuration.GetSection("Kestrel:Certificates:Default");
        if (string.IsNullOrEmpty(certificate["Path"]) && string.IsNullOrEmpty(certificate["Subject"]))
            return $"Report:Urls: {https} needs a certificate: set Kestrel:Certificates:Default:Path and :KeyPath (PEM files) in appsettings.json "
                + "(or EAIR_Kestrel__Certificates__Default__Path and __KeyPath), or listen on http behind a TLS proxy that sends X-Forwarded-Proto";
        foreach (var key in (string[])["Path", "KeyPath"])
            if (certificate[key] is { Length: > 0 } file && !File.Exists(System.IO.Path.GetFullPath(file)))
                return $"Kestrel:Certificates:Default:{key}: '{file}' does not exist (from {Directory.GetCurrentDirectory()}): the daemon cannot serve {https} without it";
        return null;
    }

    /// <summary>The one line an operator reads when <paramref name="url"/> is taken.</summary>
    public static string InUseMessage(string url) =>
        $"Report:Urls: {url} is already in use (another daemon running?); stop it or set Report:Urls in appsettings.json (or EAIR_Report__Urls) to a free address";

    private static IEnumerable<IPAddress> Addresses(string host) => host switch
    {
        "localhost" => Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback],
        _ when IPAddress.TryParse(host.Trim('[', ']'), out var literal) => [literal],
        _ => [],   // a host name: Kestrel listens on every address for it, as for 0.0.0.0; leave it to the bind
    };

    private static bool Taken(IPEndPoint endpoint)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // Kestrel sets SO_REUSEADDR on Unix, so a port left in TIME_WAIT by a stopped daemon is free for it, and for this check.
        if (!OperatingSystem.IsWindows()) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(endpoint);
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException)
        {
            return false;   // an address this host does not have: Kestrel reports that itself
        }
    }
}
