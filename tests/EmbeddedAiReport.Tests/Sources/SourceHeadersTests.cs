using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Arxiv;
using EmbeddedAiReport.Tests.Sources.Arxiv;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace EmbeddedAiReport.Tests.Sources;

/// <summary>
/// A source's own request headers (README, sources.json: <c>headers</c>, <c>headersEnv</c>) as a real loopback server
/// receives them: on every request of the source, replacing the default User-Agent, and never past a redirect to another host.
/// </summary>
public sealed class SourceHeadersTests() : LoopbackTest(new TestServices(new DateTimeOffset(2024, 4, 22, 12, 0, 0, TimeSpan.Zero)))
{
    private const string Feed = "github-releases-atom/feedrs_feed-rs_releases_2020.atom";
    private const string UserAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    private const string Basic = "Basic dXNlcjpwYXNzd29yZA==";   // user:password, RFC 7617 §2
    private const string Cookie = "session=4f3c2a";

    // A variable of this test only: tests of other classes run at the same time in this process.
    private readonly string _authEnv = "EAIR_TEST_HEADER_AUTH_" + Guid.NewGuid().ToString("N");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Environment.SetEnvironmentVariable(_authEnv, Basic);
    }

    public override async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(_authEnv, null);
        await base.DisposeAsync();
    }

    private string Headers => $$""" "headers": {"Cookie": "{{Cookie}}", "User-Agent": "{{UserAgent}}", "X-Api-Key": "k-123"}, "headersEnv": {"Authorization": "{{_authEnv}}"} """;

    private SourceDefinition FeedSource(Uri url) => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "private-rsshub", "kind": "feed", "url": "{{url}}", "allowPrivateNetwork": true, {{Headers}} }]}"""));

    private Task<PollResult> PollAsync(SourceDefinition source) => Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);

    private static void Redirect(LoopbackServer server, string path, Uri to) => server.MapRedirect(path, 302, to.AbsoluteUri);

    private static void AssertCredentials(HttpRequestRecord request)
    {
        Assert.Equal(Basic, request.Headers["Authorization"]);
        Assert.Equal(Cookie, request.Headers["Cookie"]);
        Assert.Equal("k-123", request.Headers["X-Api-Key"]);
    }

    private static void AssertNoCredentials(HttpRequestRecord request)
    {
        Assert.False(request.Headers.ContainsKey("Authorization"), request.PathAndQuery + " got Authorization");
        Assert.False(request.Headers.ContainsKey("Cookie"), request.PathAndQuery + " got Cookie");
        Assert.False(request.Headers.ContainsKey("X-Api-Key"), request.PathAndQuery + " got X-Api-Key");
    }

    [Fact]
    public async Task PollAsync_HeadersAndHeadersEnv_SentWithTheRequestAndTheUserAgentReplaced()
    {
        Server.MapFixture("feed.xml", Feed);

        var result = await PollAsync(FeedSource(Server.Url("feed.xml")));

        Assert.Null(result.Error);
        Assert.Equal(4, result.New);
        var request = Assert.Single(Server.Requests);
        AssertCredentials(request);
        Assert.Equal(UserAgent, request.UserAgent);   // replaced, not "EmbeddedAiReport/1.0 Mozilla/5.0 …"
    }

    [Fact]
    public async Task PollAsync_HeadersEnvVariableNotSet_FailsNamingItWithoutAskingTheSource()
    {
        // Asking without the credentials would earn a 401, or a login page read as an empty feed.
        Server.MapFixture("feed.xml", Feed);
        Environment.SetEnvironmentVariable(_authEnv, null);

        var result = await PollAsync(FeedSource(Server.Url("feed.xml")));

        Assert.Equal($"headersEnv: 'Authorization': environment variable {_authEnv} is not set (or is empty)", result.Error);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task PollAsync_SecondPoll_SendsHeadersBesideTheStoredValidators()
    {
        Server.MapFixture("feed.xml", Feed);
        var source = FeedSource(Server.Url("feed.xml"));

        await PollAsync(source);
        var again = await PollAsync(source);

        Assert.True(again.NotModified);
        var second = Server.Requests.Last();
        Assert.NotEmpty(second.IfNoneMatch);
        AssertCredentials(second);
    }

    [Fact]
    public async Task PollAsync_PagedArxivApiQuery_SendsHeadersOnEveryPage()
    {
        Server.Map("api/query", async context =>
        {
            var body = context.Request.Query["start"] == "10"
                ? Fixtures.Bytes("arxiv-api-atom/arxivpy_idlist_2ids_one_missing.body.xml") : Fixtures.Bytes("arxiv-api-atom/arxivpy_q_testing_m10.body.xml");
            context.Response.ContentType = "application/atom+xml";
            await context.Response.Body.WriteAsync(body);
        });
        Services.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 13, 0, 0, 0, TimeSpan.Zero));
        var source = Assert.Single(Services.Sources($$"""
            {"sources": [{"id": "arxiv-q", "kind": "{{ArxivApiSource.KindName}}", "url": "{{Server.Url("api/query?search_query=all:testing&start=0&max_results=10")}}",
              "allowPrivateNetwork": true, "days": 36500, {{Headers}} }]}
            """));

        var result = await PollAsync(source);

        Assert.Null(result.Error);
        Assert.Equal(2, Server.Requests.Count);
        Assert.All(Server.Requests, AssertCredentials);
    }

    [Fact]
    public async Task PollAsync_RedirectOnTheSameOrigin_KeepsTheHeaders()
    {
        Redirect(Server, "old.xml", Server.Url("feed.xml"));
        Server.MapFixture("feed.xml", Feed);

        var result = await PollAsync(FeedSource(Server.Url("old.xml")));

        Assert.Null(result.Error);
        Assert.Equal(["/old.xml", "/feed.xml"], Server.Requests.Select(r => r.PathAndQuery));
        Assert.All(Server.Requests, AssertCredentials);
    }

    [Fact]
    public async Task PollAsync_RedirectToAnotherPort_SendsNoCredentialsThereButTheUserAgent()
    {
        await using var other = await LoopbackServer.StartAsync();
        Redirect(Server, "feed.xml", other.Url("feed.xml"));
        other.MapFixture("feed.xml", Feed);

        var result = await PollAsync(FeedSource(Server.Url("feed.xml")));

        Assert.Null(result.Error);
        AssertCredentials(Assert.Single(Server.Requests));
        var moved = Assert.Single(other.Requests);
        AssertNoCredentials(moved);
        Assert.Equal(UserAgent, moved.UserAgent);
    }

    [Fact]
    public async Task PollAsync_RedirectToAnotherHostName_SendsNoCredentialsThere()
    {
        // 127.0.0.1 and localhost: one server, two hosts as far as the source's address goes.
        Redirect(Server, "feed.xml", new Uri($"http://localhost:{Server.BaseUri.Port}/moved.xml"));
        Server.MapFixture("moved.xml", Feed);

        var result = await PollAsync(FeedSource(Server.Url("feed.xml")));

        Assert.Null(result.Error);
        Assert.Equal(["/feed.xml", "/moved.xml"], Server.Requests.Select(r => r.PathAndQuery));
        AssertCredentials(Server.Requests.First());
        AssertNoCredentials(Server.Requests.Last());
    }

    [Fact]
    public async Task PollAsync_RedirectAwayAndBack_DoesNotSendCredentialsAgain()
    {
        // The other host picks where the chain goes next: what it sends back to the source's host has left it once.
        await using var other = await LoopbackServer.StartAsync();
        Redirect(Server, "feed.xml", other.Url("bounce"));
        Redirect(other, "bounce", Server.Url("moved.xml"));
        Server.MapFixture("moved.xml", Feed);

        var result = await PollAsync(FeedSource(Server.Url("feed.xml")));

        Assert.Null(result.Error);
        AssertNoCredentials(Assert.Single(other.Requests));
        AssertNoCredentials(Assert.Single(Server.Requests, r => r.PathAndQuery == "/moved.xml"));
    }

    [Fact]
    public async Task PollAsync_PageNamingAFeedOnAnotherHost_SendsNoCredentialsThere()
    {
        // The page names the feed the way a redirect would: the feed's host is not the one the headers were given for.
        await using var other = await LoopbackServer.StartAsync();
        Server.MapFile("blog/", System.Text.Encoding.UTF8.GetBytes(
            $"<!DOCTYPE html><html><head><link rel=\"alternate\" type=\"application/atom+xml\" href=\"{other.Url("feed.xml")}\"></head><body></body></html>"),
            "text/html; charset=utf-8");
        other.MapFixture("feed.xml", Feed);

        var result = await PollAsync(FeedSource(Server.Url("blog/")));

        Assert.Null(result.Error);
        Assert.Equal(4, result.New);
        AssertCredentials(Assert.Single(Server.Requests));
        var feed = Assert.Single(other.Requests);
        AssertNoCredentials(feed);
        Assert.Equal(UserAgent, feed.UserAgent);
    }

    [Fact]
    public async Task PollAsync_GitHubRestWithItsOwnAuthorization_SendsItWithTheApiHeaders()
    {
        // README: a github-releases source's Authorization header replaces the one built from tokenEnv's default, GITHUB_TOKEN.
        Server.MapFile("repos/toolmantim/release-drafter-test-project/releases",
            System.Text.Encoding.UTF8.GetBytes("[" + Fixtures.Text("github-releases-api-json/releasedrafter_release_published.json") + "]"), "application/json");
        var source = Assert.Single(Services.Sources($$$"""
            {"sources": [{"id": "gh", "kind": "github-releases", "repo": "toolmantim/release-drafter-test-project", "api": "rest",
              "apiUrl": "{{{Server.BaseUri}}}", "allowPrivateNetwork": true, "headersEnv": {"Authorization": "{{{_authEnv}}}"}}]}
            """));

        var result = await PollAsync(source);

        Assert.Null(result.Error);
        var request = Assert.Single(Server.Requests);
        Assert.Equal(Basic, request.Headers["Authorization"]);
        Assert.Equal("application/vnd.github+json", request.Headers["Accept"]);
        Assert.Equal("2022-11-28", request.Headers["X-GitHub-Api-Version"]);
    }

    [Fact]
    public void Apply_SameNameAsTheKindsHeader_TheSourcesWins()
    {
        var kinds = new SourceRequest(new Uri("https://api.github.com/repos/a/b/releases"), "a/b", null,
            new Dictionary<string, string> { ["Authorization"] = "Bearer from-GITHUB_TOKEN", ["Accept"] = "application/vnd.github+json" });

        var request = Assert.Single(SourceHeaders.Apply([kinds], new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["authorization"] = "token mine" }));

        Assert.Equal(new Dictionary<string, string> { ["Authorization"] = "token mine", ["Accept"] = "application/vnd.github+json" },
            request.Headers!.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase));
    }
}
