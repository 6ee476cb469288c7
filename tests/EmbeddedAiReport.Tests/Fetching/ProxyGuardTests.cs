using System.Net;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Fetching;

/// <summary>
/// Fetches through an outbound proxy (README, Fetching: HTTP_PROXY/HTTPS_PROXY): the SSRF guard checks the address each
/// request names, not the proxy's, which the operator chose. A proxy on loopback (Clash's 127.0.0.1:7890, common where
/// GitHub and arXiv are reached through one) refused every fetch with a hint to set allowPrivateNetwork, which then also
/// let sources reach private addresses. The proxy here is a loopback server that answers as the target would; no request
/// leaves 127.0.0.1 (targets are address literals or localhost, so nothing is looked up in DNS either; the public one is
/// in TEST-NET-3, 203.0.113.0/24, which no host on the internet has, should a broken proxy path try it directly).
/// </summary>
public sealed class ProxyGuardTests : IAsyncLifetime
{
    private LoopbackServer _proxy = null!;
    private TestServices _services = null!;

    public async Task InitializeAsync()
    {
        _proxy = await LoopbackServer.StartAsync();
        _proxy.Map("feed.xml", context => context.Response.WriteAsync("<rss version=\"2.0\"><channel><title>t</title></channel></rss>"));
        _services = new TestServices(configure: services => services.AddSingleton(new FetchProxy(new WebProxy(_proxy.BaseUri))));
    }

    public async Task DisposeAsync()
    {
        _services.Dispose();
        await _proxy.DisposeAsync();
    }

    private Task<FetchOutcome> FetchAsync(string url, bool allowPrivate = false) =>
        _services.Get<Fetcher>().FetchAsync(new FetchRequest(new Uri(url), HttpValidators.None, AllowPrivateNetwork: allowPrivate), CancellationToken.None);

    [Fact]
    public async Task Fetch_APublicAddressThroughAProxyOnLoopback_GoesThroughTheProxy()
    {
        var outcome = await FetchAsync("http://203.0.113.7/feed.xml");

        Assert.IsType<FetchOutcome.Fetched>(outcome);
        var request = Assert.Single(_proxy.Requests);
        Assert.Equal(("/feed.xml", "203.0.113.7"), (request.PathAndQuery, request.Headers["Host"]));
    }

    [Theory]
    [InlineData("http://10.1.2.3/feed.xml", "10.1.2.3")]
    [InlineData("http://169.254.169.254/feed.xml", "169.254.169.254")]   // cloud metadata
    [InlineData("http://localhost:8080/feed.xml", "localhost")]
    [InlineData("http://[fd00::1]/feed.xml", "fd00::1")]                 // IPv6 unique local
    public async Task Fetch_APrivateAddressThroughTheProxy_IsRefusedNamingIt_NotSent(string url, string host)
    {
        var outcome = await FetchAsync(url);

        var refused = Assert.IsType<FetchOutcome.Refused>(outcome);
        Assert.True(refused.PrivateNetwork);
        Assert.StartsWith($"{host} resolves to a private or loopback address; set \"allowPrivateNetwork\": true", refused.Reason);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public async Task Fetch_APrivateAddressOfASourceAllowingIt_GoesThroughTheProxy()
    {
        Assert.IsType<FetchOutcome.Fetched>(await FetchAsync("http://10.1.2.3/feed.xml", allowPrivate: true));
        Assert.Single(_proxy.Requests);
    }
}
