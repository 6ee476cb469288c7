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
/// leaves 127.0.0.1 (targets are address literals or names a <see cref="FakeResolver"/> answers, so nothing is looked up
/// in DNS either; the public one is in TEST-NET-3, 203.0.113.0/24, which no host on the internet has, should a broken
/// proxy path try it directly).
/// </summary>
public sealed class ProxyGuardTests : IAsyncLifetime
{
    private LoopbackServer _proxy = null!;
    private TestServices _services = null!;
    private readonly FakeResolver _names = new();

    public async Task InitializeAsync()
    {
        _proxy = await LoopbackServer.StartAsync();
        _proxy.Map("feed.xml", context => context.Response.WriteAsync("<rss version=\"2.0\"><channel><title>t</title></channel></rss>"));
        _names.Answer("localhost", ["127.0.0.1", "::1"]);   // as the hosts file answers it (RFC 6761: always loopback)
        _services = Through(new WebProxy(_proxy.BaseUri));
    }

    private TestServices Through(WebProxy proxy) =>
        new(configure: services => services.AddSingleton(new FetchProxy(proxy)).AddSingleton(_names.Resolver));

    public async Task DisposeAsync()
    {
        _services.Dispose();
        await _proxy.DisposeAsync();
    }

    private Task<FetchOutcome> FetchAsync(string url, bool allowPrivate = false) => FetchAsync(_services, url, allowPrivate);

    private static Task<FetchOutcome> FetchAsync(TestServices services, string url, bool allowPrivate = false) =>
        services.Get<Fetcher>().FetchAsync(new FetchRequest(new Uri(url), HttpValidators.None, AllowPrivateNetwork: allowPrivate), CancellationToken.None);

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

    [Theory]
    [InlineData("203.0.113.7", "10.1.2.3")]   // DNS rebinding: the proxy resolves the name again and may take the private one
    [InlineData("fd00::1", "203.0.113.7")]
    [InlineData("10.1.2.3")]
    public async Task Fetch_ANameWithAPrivateAddressThroughTheProxy_IsRefusedNamingIt_NotSent(params string[] answer)
    {
        _names.Answer("feed.example.test", answer);

        var refused = Assert.IsType<FetchOutcome.Refused>(await FetchAsync("http://feed.example.test/feed.xml"));

        Assert.True(refused.PrivateNetwork);
        Assert.StartsWith("feed.example.test resolves to a private or loopback address; set \"allowPrivateNetwork\": true", refused.Reason);
        Assert.Empty(_proxy.Requests);
    }

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData]   // no answer here: a network whose only way out is the proxy, which resolves the name itself
    public async Task Fetch_ANamePublicOrUnknownHere_GoesThroughTheProxy(params string[] answer)
    {
        _names.Answer("feed.example.test", answer);

        Assert.IsType<FetchOutcome.Fetched>(await FetchAsync("http://feed.example.test/feed.xml"));

        var request = Assert.Single(_proxy.Requests);
        Assert.Equal(("/feed.xml", "feed.example.test"), (request.PathAndQuery, request.Headers["Host"]));
    }

    [Fact]
    public async Task Fetch_ANameWithAPrivateAddressOfASourceAllowingIt_GoesThroughTheProxy()
    {
        _names.Answer("feed.example.test", ["203.0.113.7", "10.1.2.3"]);

        Assert.IsType<FetchOutcome.Fetched>(await FetchAsync("http://feed.example.test/feed.xml", allowPrivate: true));
        Assert.Single(_proxy.Requests);
    }

    /// <summary>
    /// A host on the proxy's bypass list is connected to directly, so the guard checks the addresses it connects to, not
    /// the name beforehand as for the proxy. The name rebinds: no answer at first (which would be left to a proxy), then
    /// 127.0.0.1, where the loopback server listens; one lookup, checked and connected to, never reaches it.
    /// </summary>
    [Fact]
    public async Task Fetch_ANameTheProxyBypassesThatRebinds_IsCheckedWhereItIsConnected_NeverReachesLoopback()
    {
        using var services = Through(new WebProxy(_proxy.BaseUri, BypassOnLocal: false, BypassList: [@"^http://intranet\.example\.test:"]));
        _names.Answer("intranet.example.test", [], ["127.0.0.1"]);

        var outcome = await FetchAsync(services, $"http://intranet.example.test:{_proxy.BaseUri.Port}/feed.xml");

        Assert.IsType<FetchOutcome.Unreachable>(outcome);
        Assert.Empty(_proxy.Requests);
    }
}
