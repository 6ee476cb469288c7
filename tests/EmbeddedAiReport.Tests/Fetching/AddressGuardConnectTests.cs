using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Fetching;

/// <summary>
/// The SSRF guard on a direct connection (no proxy) to a name, answered by a <see cref="FakeResolver"/>: a name is refused
/// when any of its addresses is private (README, allowPrivateNetwork), and what is connected to is what was checked. The
/// private answer is 127.0.0.1, where the loopback server listens, so a guard that let it through is seen reaching it; the
/// public one is in TEST-NET-3 (203.0.113.0/24), which no host on the internet has.
/// </summary>
public sealed class AddressGuardConnectTests : LoopbackTest
{
    private readonly FakeResolver _names;

    public AddressGuardConnectTests() : this(new FakeResolver())
    {
    }

    private AddressGuardConnectTests(FakeResolver names) : base(new TestServices(configure: services => services.AddSingleton(names.Resolver))) =>
        _names = names;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Server.Map("feed.xml", context => context.Response.WriteAsync("<rss version=\"2.0\"><channel><title>t</title></channel></rss>"));
    }

    private Task<FetchOutcome> FetchAsync(bool allowPrivate = false) =>
        Services.Get<Fetcher>().FetchAsync(new FetchRequest(new Uri($"http://feed.example.test:{Server.BaseUri.Port}/feed.xml"), HttpValidators.None,
            AllowPrivateNetwork: allowPrivate), CancellationToken.None);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1", "203.0.113.7")]   // DNS rebinding: one public address beside the private one
    [InlineData("203.0.113.7", "127.0.0.1")]
    public async Task Fetch_ANameWithAPrivateAddress_IsRefusedNamingIt_NotConnected(params string[] answer)
    {
        _names.Answer("feed.example.test", answer);

        var refused = Assert.IsType<FetchOutcome.Refused>(await FetchAsync());

        Assert.True(refused.PrivateNetwork);
        Assert.StartsWith("feed.example.test resolves to a private or loopback address; set \"allowPrivateNetwork\": true", refused.Reason);
        Assert.Empty(Server.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1", "203.0.113.7")]
    public async Task Fetch_ANameWithAPrivateAddressOfASourceAllowingIt_IsConnectedTo(params string[] answer)
    {
        _names.Answer("feed.example.test", answer);

        Assert.IsType<FetchOutcome.Fetched>(await FetchAsync(allowPrivate: true));

        var request = Assert.Single(Server.Requests);
        Assert.Equal(("/feed.xml", $"feed.example.test:{Server.BaseUri.Port}"), (request.PathAndQuery, request.Headers["Host"]));
    }

    // validate warned of localhost but not of feeds.localhost, whose polls then failed as a name that does not resolve (the
    // system resolver sends it to DNS; here: no answer). Loopback by RFC 6761, as validate now says: refused as a private
    // address without allowPrivateNetwork, connected to on loopback with it, never looked up.
    [Theory]
    [InlineData("feeds.localhost")]
    [InlineData("Feeds.LocalHost.")]
    public async Task Fetch_ANameUnderLocalhost_IsLoopbackWithoutALookup_RefusedOrConnectedAsItsSourceAllows(string host)
    {
        var uri = new Uri($"http://{host}:{Server.BaseUri.Port}/feed.xml");
        Task<FetchOutcome> FetchAsync(bool allowPrivate) =>
            Services.Get<Fetcher>().FetchAsync(new FetchRequest(uri, HttpValidators.None, AllowPrivateNetwork: allowPrivate), CancellationToken.None);

        var refused = Assert.IsType<FetchOutcome.Refused>(await FetchAsync(allowPrivate: false));
        var requestsWhenRefused = Server.Requests.Count;
        var fetched = await FetchAsync(allowPrivate: true);

        Assert.True(AddressGuard.NamesPrivateAddress(uri));
        Assert.True(refused.PrivateNetwork);
        Assert.StartsWith($"{uri.IdnHost} resolves to a private or loopback address; set \"allowPrivateNetwork\": true", refused.Reason);
        Assert.Equal(0, requestsWhenRefused);
        Assert.IsType<FetchOutcome.Fetched>(fetched);
        Assert.Equal("/feed.xml", Assert.Single(Server.Requests).PathAndQuery);
    }
}
