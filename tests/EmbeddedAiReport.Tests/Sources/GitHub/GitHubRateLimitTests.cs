using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace EmbeddedAiReport.Tests.Sources.GitHub;

/// <summary>The REST API's rate limit: remaining 0 holds requests until reset, 403/429 say so, 304s cost nothing.</summary>
public sealed class GitHubRateLimitTests() : LoopbackTest(new TestServices(Now))
{
    private static readonly DateTimeOffset Now = new(2024, 4, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Reset = Now.AddMinutes(30);

    private SourcePoller Poller => Services.Get<SourcePoller>();

    private string SourceJson(params string[] repos) =>
        $$"""{"sources": [{"id": "gh-rest", "kind": "github-releases", "api": "rest", "apiUrl": "{{Server.BaseUri}}", "tokenEnv": "EAIR_TEST_NO_SUCH_TOKEN", "allowPrivateNetwork": true, "repos": [{{string.Join(", ", repos.Select(r => $"\"{r}\""))}}]}]}""";

    private SourceDefinition Source(params string[] repos) => Assert.Single(Services.Sources(SourceJson(repos)));

    /// <summary>A REST releases endpoint answering with the real release object and the given rate-limit headers (none when remaining is null).</summary>
    private void MapReleases(string repo, int status = 200, long? remaining = 59, string? etag = null)
    {
        var body = "[" + Fixtures.Text("github-releases-api-json/releasedrafter_release_published.json").Replace("toolmantim/release-drafter-test-project", repo) + "]";
        Server.Map($"repos/{repo}/releases", async context =>
        {
            if (etag is not null && context.Request.Headers.IfNoneMatch.ToString() == etag)
            {
                context.Response.StatusCode = 304;
                return;
            }
            if (remaining is { } left)
            {
                context.Response.Headers["X-RateLimit-Limit"] = "60";
                context.Response.Headers["X-RateLimit-Remaining"] = left.ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.Response.Headers["X-RateLimit-Reset"] = Reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.Response.Headers["X-RateLimit-Resource"] = "core";
            }
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            if (etag is not null) context.Response.Headers.ETag = etag;
            await context.Response.WriteAsync(status == 200 ? body : """{"message": "API rate limit exceeded for 127.0.0.1.", "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}""");
        });
    }

    [Fact]
    public async Task PollAsync_RemainingZero_HoldsLaterRequestsUntilResetAndReportsIt()
    {
        MapReleases("Tencent/ncnn", remaining: 0);
        MapReleases("alibaba/MNN");
        var source = Source("Tencent/ncnn", "alibaba/MNN");

        var throttled = await Poller.PollAsync(source, CancellationToken.None);

        Assert.Equal(1, throttled.New);
        Assert.Contains("rate limited until 2024-04-22 20:30:00 +08:00", throttled.Error);
        Assert.Equal(["/repos/Tencent/ncnn/releases?per_page=100"], Server.Requests.Select(r => r.PathAndQuery));
        var health = Assert.Single(await Services.Get<SourceStore>().ListHealthAsync(CancellationToken.None));
        Assert.Contains("rate limited until 2024-04-22 20:30:00 +08:00", health.LastError);

        Services.Clock.Advance(TimeSpan.FromMinutes(29));
        var stillHeld = await Poller.PollAsync(source, CancellationToken.None);
        Assert.Contains("rate limited until", stillHeld.Error);
        Assert.Single(Server.Requests);

        Services.Clock.Advance(TimeSpan.FromMinutes(2));
        MapReleases("Tencent/ncnn");
        var afterReset = await Poller.PollAsync(source, CancellationToken.None);
        Assert.Null(afterReset.Error);
        Assert.Equal(1, afterReset.New);
        Assert.Equal(3, Server.Requests.Count);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(429)]
    public async Task PollAsync_RefusedForRateLimit_SaysRateLimitedAndSendsNothingUntilReset(int status)
    {
        MapReleases("Tencent/ncnn", status: status, remaining: 0);
        MapReleases("alibaba/MNN");
        var source = Source("Tencent/ncnn", "alibaba/MNN");

        var result = await Poller.PollAsync(source, CancellationToken.None);
        var again = await Poller.PollAsync(source, CancellationToken.None);

        Assert.Contains($"HTTP {status}", result.Error);
        Assert.Contains("rate limited until 2024-04-22 20:30:00 +08:00", result.Error);
        Assert.Equal(0, result.New);
        Assert.Contains("rate limited until 2024-04-22 20:30:00 +08:00", again.Error);
        Assert.Single(Server.Requests);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(429)]
    [InlineData(200)]   // the answer spent the last request: the next repo is held
    public async Task PollAsync_RateLimited_PausesTheSourceUntilTheResetAndGivesNoLoginHint(int status)
    {
        // github/docs: "If x-ratelimit-remaining is 0, you should not retry your request until after the time specified by
        // x-ratelimit-reset", as a 429's Retry-After pauses a source until then (not for the 5-minute failure backoff).
        MapReleases("Tencent/ncnn", status: status, remaining: 0);
        MapReleases("alibaba/MNN");

        var result = await Poller.PollAsync(Source("Tencent/ncnn", "alibaba/MNN"), CancellationToken.None);

        Assert.Contains("rate limited until 2024-04-22 20:30:00 +08:00", result.Error);
        Assert.DoesNotContain("need a login", result.Error);
        var health = Assert.Single(await Services.Get<SourceStore>().ListHealthAsync(CancellationToken.None));
        Assert.Equal(Reset, health.PausedUntil);
    }

    // The refusal itself pauses the source until X-RateLimit-Reset: with one repo there is no next request the spent
    // budget could hold (the test above has a second repo, held before it is asked).
    [Theory]
    [InlineData(403)]
    [InlineData(429)]
    public async Task PollAsync_OnlyRepoRateLimited_PausesTheSourceUntilTheReset(int status)
    {
        MapReleases("Tencent/ncnn", status: status, remaining: 0);

        var result = await Poller.PollAsync(Source("Tencent/ncnn"), CancellationToken.None);

        Assert.Contains("rate limited until 2024-04-22 20:30:00 +08:00", result.Error);
        var health = Assert.Single(await Services.Get<SourceStore>().ListHealthAsync(CancellationToken.None));
        Assert.Equal(Reset, health.PausedUntil);
    }

    [Fact]
    public async Task PollAsync_PlainForbidden_IsNotTakenForARateLimit()
    {
        MapReleases("Tencent/ncnn", status: 403, remaining: 42);
        MapReleases("alibaba/MNN");

        var result = await Poller.PollAsync(Source("Tencent/ncnn", "alibaba/MNN"), CancellationToken.None);

        Assert.DoesNotContain("rate limited", result.Error);
        Assert.Equal(1, result.New);
        Assert.Equal(2, Server.Requests.Count);
    }

    [Theory]
    [InlineData(true, 3)]    // 304s leave the last budget (1 left), so the third poll is sent
    [InlineData(false, 2)]   // 200s without headers are counted by us: 1 → 0, so the third poll is held
    public async Task PollAsync_NotModifiedAnswers_DoNotSpendTheBudget(bool conditional, int expectedRequests)
    {
        var calls = 0;
        Server.Map("repos/Tencent/ncnn/releases", async context =>
        {
            calls++;
            if (calls == 1)
            {
                context.Response.Headers["X-RateLimit-Limit"] = "60";
                context.Response.Headers["X-RateLimit-Remaining"] = "1";
                context.Response.Headers["X-RateLimit-Reset"] = Reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (conditional)
            {
                context.Response.StatusCode = 304;
                return;
            }
            context.Response.Headers.ETag = "\"v1\"";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("[" + Fixtures.Text("github-releases-api-json/releasedrafter_release_published.json") + "]");
        });
        var source = Source("Tencent/ncnn");

        await Poller.PollAsync(source, CancellationToken.None);
        await Poller.PollAsync(source, CancellationToken.None);
        var third = await Poller.PollAsync(source, CancellationToken.None);

        Assert.Equal(expectedRequests, Server.Requests.Count);
        Assert.Equal(!conditional, third.Error?.Contains("rate limited until", StringComparison.Ordinal) ?? false);
    }

    [Fact]
    public async Task PollAsync_AtomSources_AreNotHeldByTheApiBudget()
    {
        MapReleases("Tencent/ncnn", status: 403, remaining: 0);
        await Poller.PollAsync(Source("Tencent/ncnn"), CancellationToken.None);
        Server.MapFixture("Tencent/ncnn/releases.atom", "github-engines/Tencent_ncnn.releases.atom");

        var atom = await Poller.PollAsync(Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "gh-atom", "kind": "github-releases", "repo": "Tencent/ncnn", "baseUrl": "{{Server.BaseUri}}", "allowPrivateNetwork": true}]}""")),
            CancellationToken.None);

        Assert.Null(atom.Error);
        Assert.Equal(2, atom.New);
    }

    [Fact]
    public async Task SourcesCommand_AfterRateLimitedPoll_ShowsRateLimitedUntil()
    {
        MapReleases("Tencent/ncnn", status: 403, remaining: 0);
        var config = Folder.ConfigWithSources(SourceJson("Tencent/ncnn"));
        var db = Folder.File("report.db");

        var poll = await CliRunner.RunAsync("poll", "--all", "--config", config, "--db", db);
        var sources = await CliRunner.RunAsync("sources", "--config", config, "--db", db);

        Assert.Equal(1, poll.ExitCode);
        Assert.Contains("rate limited until", poll.Out + poll.Error);
        var line = Assert.Single(sources.Out.Split('\n'), l => l.StartsWith("gh-rest", StringComparison.Ordinal));
        Assert.Contains("failing", line);
        Assert.Contains("rate limited until", line);
    }
}
