using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// The in-process daemon of the tests (<see cref="Daemon"/>) binds a port the system gives it as it binds: not one found free
/// earlier, which the sockets of the tests running beside it (loopback servers, HTTP clients) could take before it started.
/// </summary>
public sealed class DaemonPortTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Start_APortTakenByAnotherSocketAfterPrepare_TheDaemonListensAnyway()
    {
        var config = _folder.ConfigWithSources("""{"sources": []}""");
        Daemon.Prepare(config);
        // Another test's socket, bound after Prepare on the port Prepare wrote down (port 0: any, as the system gives it).
        var written = new Uri(JsonNode.Parse(File.ReadAllText(Path.Combine(config, "appsettings.json")))!["Report"]!["Urls"]!.GetValue<string>());
        using var other = new TcpListener(IPAddress.Loopback, written.Port);
        other.Start();

        await using var daemon = Daemon.Start(config, _folder.File("report.db"));
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        var health = await http.GetAsync("healthz");
        var result = await daemon.StopAsync();

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(0, result.ExitCode);
        Assert.NotEqual(((IPEndPoint)other.LocalEndpoint).Port, daemon.BaseUri.Port);
    }
}
