using System.Globalization;
using System.Text.Json.Nodes;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace EmbeddedAiReport.Tests.Sources.GitHub;

/// <summary>
/// A repo releasing builds faster than the polls (llama.cpp's b-numbered builds, several a day): the REST source follows the
/// Link header's next page until it reaches what is stored, the Atom source (the newest 10 only) warns that it was outrun.
/// </summary>
public sealed class GitHubOutrunTests() : LoopbackTest(new TestServices(Now))
{
    private static readonly DateTimeOffset Now = new(2024, 4, 22, 12, 0, 0, TimeSpan.Zero);

    // Build n was published n minutes after this, so a higher build is a newer release (b1000 is 16 hours later).
    private static readonly DateTimeOffset FirstBuild = new(2024, 4, 21, 0, 0, 0, TimeSpan.Zero);

    private const string Releases = "repos/ggml-org/llama.cpp/releases";

    private SourcePoller Poller => Services.Get<SourcePoller>();

    private SourceDefinition Rest => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "llama", "kind": "github-releases", "api": "rest", "apiUrl": "{{Server.BaseUri}}", "tokenEnv": "EAIR_TEST_NO_SUCH_TOKEN", "allowPrivateNetwork": true, "repo": "ggml-org/llama.cpp"}]}"""));

    private SourceDefinition Atom => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "llama", "kind": "github-releases", "baseUrl": "{{Server.BaseUri}}", "allowPrivateNetwork": true, "repo": "ggml-org/llama.cpp"}]}"""));

    /// <summary>The real release object (release-drafter's fixture) as llama.cpp build <paramref name="n"/> (or <paramref name="repo"/>'s, <paramref name="later"/> on).</summary>
    private static JsonNode Build(int n, string repo = "ggml-org/llama.cpp", TimeSpan later = default)
    {
        var release = JsonNode.Parse(Fixtures.Text("github-releases-api-json/releasedrafter_release_published.json"))!;
        var published = (FirstBuild + later).AddMinutes(n).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        release["tag_name"] = $"b{n}";
        release["name"] = $"b{n}";
        release["html_url"] = $"https://github.com/{repo}/releases/tag/b{n}";
        release["created_at"] = published;
        release["published_at"] = published;
        return release;
    }

    /// <summary>
    /// The releases endpoint as GitHub pages it (docs: "Using pagination in the REST API"): builds <paramref name="newest"/>
    /// down to 1, newest first, <c>per_page</c> to a page, and a <c>Link</c> header naming the next page while there is one.
    /// </summary>
    private void MapBuilds(int newest, string path = Releases, int? remaining = null, string repo = "ggml-org/llama.cpp", TimeSpan later = default)
    {
        Server.Map(path, async context =>
        {
            if (remaining is { } left)
            {
                context.Response.Headers["X-RateLimit-Limit"] = "60";
                context.Response.Headers["X-RateLimit-Remaining"] = left.ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["X-RateLimit-Reset"] = Now.AddMinutes(30).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            }
            var perPage = int.Parse(context.Request.Query["per_page"].ToString(), CultureInfo.InvariantCulture);
            var page = int.TryParse(context.Request.Query["page"].ToString(), CultureInfo.InvariantCulture, out var p) ? p : 1;
            var first = newest - (page - 1) * perPage;
            var last = Math.Max(1, first - perPage + 1);
            var lastPage = (newest + perPage - 1) / perPage;
            string Page(int n) => $"<{Server.Url(path)}?per_page={perPage}&page={n}>";
            var links = new List<string>();
            if (page > 1) links.Add($"{Page(page - 1)}; rel=\"prev\"");
            if (page < lastPage) links.AddRange([$"{Page(page + 1)}; rel=\"next\"", $"{Page(lastPage)}; rel=\"last\""]);
            if (page > 1) links.Add($"{Page(1)}; rel=\"first\"");
            if (links.Count > 0) context.Response.Headers["Link"] = string.Join(", ", links);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonArray(Enumerable.Range(last, Math.Max(0, first - last + 1)).Reverse().Select(n => Build(n, repo, later)).ToArray()).ToJsonString());
        });
    }

    /// <summary>llama.cpp's releases.atom (the real feed's shape) holding its newest 10 builds, <paramref name="newest"/> down (or <paramref name="repo"/>'s, <paramref name="later"/> on).</summary>
    private void MapAtom(int newest, string repo = "ggml-org/llama.cpp", TimeSpan later = default)
    {
        var entries = Enumerable.Range(newest - 9, 10).Reverse().Select(n => $"""
              <entry>
                <id>tag:github.com,2008:Repository/612354784/b{n}</id>
                <updated>{(FirstBuild + later).AddMinutes(n):yyyy-MM-ddTHH:mm:ssZ}</updated>
                <link rel="alternate" type="text/html" href="https://github.com/{repo}/releases/tag/b{n}"/>
                <title>b{n}</title>
                <content type="html">&lt;p&gt;build {n}&lt;/p&gt;</content>
                <author><name>github-actions[bot]</name></author>
              </entry>
            """);
        Server.MapFile($"{repo}/releases.atom", System.Text.Encoding.UTF8.GetBytes($"""
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="en-US">
              <id>tag:github.com,2008:https://github.com/{repo}/releases</id>
              <link type="text/html" rel="alternate" href="https://github.com/{repo}/releases"/>
              <link type="application/atom+xml" rel="self" href="https://github.com/{repo}/releases.atom"/>
              <title>Release notes from {repo.Split('/')[1]}</title>
              <updated>{(FirstBuild + later).AddMinutes(newest):yyyy-MM-ddTHH:mm:ssZ}</updated>
            {string.Concat(entries)}</feed>
            """), "application/atom+xml");
    }

    private string[] RequestsSince(int skip) => Server.Requests.Skip(skip).Select(r => r.PathAndQuery).ToArray();

    private async Task<long> StoredAsync() => (await Services.Get<SourceStore>().EntryCountsAsync(CancellationToken.None)).GetValueOrDefault("llama");

    [Fact]
    public async Task PollAsync_RestFirstPoll_ReadsHundredAPageUpToThreePages()
    {
        MapBuilds(1000);

        var result = await Poller.PollAsync(Rest, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Null(result.Warning);   // a first poll misses nothing it knew of
        Assert.Equal(300, result.New);
        Assert.Equal([$"/{Releases}?per_page=100", $"/{Releases}?per_page=100&page=2", $"/{Releases}?per_page=100&page=3"], RequestsSince(0));
    }

    [Fact]
    public async Task PollAsync_RestOutrunBetweenPolls_FollowsNextPagesUntilTheStoredReleases()
    {
        MapBuilds(3);
        await Poller.PollAsync(Rest, CancellationToken.None);
        MapBuilds(153);   // 150 builds since: the first page (b153 … b54) is all new

        var result = await Poller.PollAsync(Rest, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Null(result.Warning);
        Assert.Equal(150, result.New);
        Assert.Equal(153, await StoredAsync());
        Assert.Equal([$"/{Releases}?per_page=100", $"/{Releases}?per_page=100&page=2"], RequestsSince(1));
    }

    [Fact]
    public async Task PollAsync_RestOneRepoOutrunWhileAnotherReleasedLater_FollowsTheOutrunRepoByItsOwnStoredReleases()
    {
        // One source, two repos (README: "repos": a list, one request per repo); ggml-org/ggml's builds are a day newer than llama.cpp's.
        var source = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "llama", "kind": "github-releases", "api": "rest", "apiUrl": "{{Server.BaseUri}}", "tokenEnv": "EAIR_TEST_NO_SUCH_TOKEN", "allowPrivateNetwork": true, "repos": ["ggml-org/llama.cpp", "ggml-org/ggml"]}]}"""));
        const string ggml = "repos/ggml-org/ggml/releases";
        MapBuilds(3);
        MapBuilds(3, ggml, repo: "ggml-org/ggml", later: TimeSpan.FromDays(1));
        await Poller.PollAsync(source, CancellationToken.None);
        MapBuilds(153);   // llama.cpp: b153 … b54 on the first page, all newer than its own b3, older than ggml's newest

        var result = await Poller.PollAsync(source, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Null(result.Warning);
        Assert.Equal(150, result.New);
        Assert.Equal([$"/{Releases}?per_page=100", $"/{Releases}?per_page=100&page=2", $"/{ggml}?per_page=100"], RequestsSince(2));
    }

    [Fact]
    public async Task PollAsync_RestPageReachingTheStoredReleases_ReadsNoFurther()
    {
        MapBuilds(150);
        await Poller.PollAsync(Rest, CancellationToken.None);
        MapBuilds(160);   // b160 … b61: b61 … b150 are stored, so page 2 is not asked for

        var result = await Poller.PollAsync(Rest, CancellationToken.None);

        Assert.Null(result.Warning);
        Assert.Equal(10, result.New);
        Assert.Equal([$"/{Releases}?per_page=100"], RequestsSince(2));
    }

    [Fact]
    public async Task PollAsync_RestPageEndingAtTheNewestStoredRelease_ReadsNoFurther()
    {
        // README: the next page is read only while a whole page is newer than the newest release stored before. b102 … b3
        // ends at b3, the newest stored: page 2 (b2, b1) holds nothing new and would spend one of the hour's 60 requests.
        MapBuilds(3);
        await Poller.PollAsync(Rest, CancellationToken.None);
        MapBuilds(102);

        var result = await Poller.PollAsync(Rest, CancellationToken.None);

        Assert.Null(result.Warning);
        Assert.Equal(99, result.New);
        Assert.Equal([$"/{Releases}?per_page=100"], RequestsSince(1));
    }

    [Fact]
    public async Task PollAsync_RestTwoReposOutrun_EachFollowedByItsOwnStoredReleases()
    {
        // Both repos of one source outrun between polls, the one listed first released a day later: the second is judged by
        // its own newest stored release (b3 of its day), not by the first repo's, so its page 2 is read too.
        var source = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "llama", "kind": "github-releases", "api": "rest", "apiUrl": "{{Server.BaseUri}}", "tokenEnv": "EAIR_TEST_NO_SUCH_TOKEN", "allowPrivateNetwork": true, "repos": ["ggml-org/ggml", "ggml-org/llama.cpp"]}]}"""));
        const string ggml = "repos/ggml-org/ggml/releases";
        MapBuilds(3, ggml, repo: "ggml-org/ggml", later: TimeSpan.FromDays(1));
        MapBuilds(3);
        await Poller.PollAsync(source, CancellationToken.None);
        MapBuilds(153, ggml, repo: "ggml-org/ggml", later: TimeSpan.FromDays(1));
        MapBuilds(153);

        var result = await Poller.PollAsync(source, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Null(result.Warning);
        Assert.Equal(300, result.New);
        Assert.Equal([$"/{ggml}?per_page=100", $"/{ggml}?per_page=100&page=2", $"/{Releases}?per_page=100", $"/{Releases}?per_page=100&page=2"], RequestsSince(2));
    }

    [Fact]
    public async Task PollAsync_RestOutrunPastThreePages_WarnsThatReleasesMayBeMissing()
    {
        MapBuilds(3);
        await Poller.PollAsync(Rest, CancellationToken.None);
        MapBuilds(503);

        var result = await Poller.PollAsync(Rest, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(300, result.New);
        Assert.Equal(3, RequestsSince(1).Length);
        Assert.Equal("ggml-org/llama.cpp: the 3 REST pages of releases read are all newer than the newest stored; releases before them may be missing",
            result.Warning);
        Assert.Equal(result.Warning, (await Services.Get<SourceStore>().GetHealthAsync("llama", CancellationToken.None))!.LastWarning);
    }

    [Fact]
    public async Task PollAsync_RestWholeListOnOnePageNewerThanTheStored_DoesNotWarn()
    {
        // README warns only past 3 pages. The stored b1 … b3 were deleted and built again a day later with b4, b5: every
        // release GitHub lists is newer than the stored ones, but the page names no next one, so it is the whole list.
        MapBuilds(3);
        await Poller.PollAsync(Rest, CancellationToken.None);
        MapBuilds(5, later: TimeSpan.FromDays(1));

        var result = await Poller.PollAsync(Rest, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Null(result.Warning);
        Assert.Equal([$"/{Releases}?per_page=100"], RequestsSince(1));
    }

    [Fact]
    public async Task PollAsync_RestRepoStoredByAnotherSource_ReadsAsThisSourcesFirstPollWithoutWarning()
    {
        // README: a repo's first poll never warns, the source storing none of its releases yet. Source "llama" stored b1 … b3;
        // a second source on the same repo ("llama-rest", e.g. the same repo under a new id) judges by its own entries.
        MapBuilds(3);
        await Poller.PollAsync(Rest, CancellationToken.None);
        MapBuilds(503);
        var second = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "llama-rest", "kind": "github-releases", "api": "rest", "apiUrl": "{{Server.BaseUri}}", "tokenEnv": "EAIR_TEST_NO_SUCH_TOKEN", "allowPrivateNetwork": true, "repo": "ggml-org/llama.cpp"}]}"""));

        var result = await Poller.PollAsync(second, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Null(result.Warning);
        Assert.Equal(3, RequestsSince(1).Length);
    }

    [Fact]
    public async Task PollAsync_RestNextPageHeldByTheRateLimit_KeepsTheFirstPageAndWarns()
    {
        MapBuilds(3);
        await Poller.PollAsync(Rest, CancellationToken.None);
        MapBuilds(153, remaining: 0);   // the first page spent the last request of the hour

        var result = await Poller.PollAsync(Rest, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(100, result.New);
        Assert.Single(RequestsSince(1));
        Assert.Contains("page=2: not read: GitHub API rate limited until 2024-04-22 20:30:00 +08:00", result.Warning);
    }

    [Fact]
    public async Task PollAsync_AtomOutrunBetweenPolls_WarnsThatReleasesMayBeMissing()
    {
        MapAtom(10);
        var first = await Poller.PollAsync(Atom, CancellationToken.None);
        MapAtom(25);   // b16 … b25: b11 … b15 were released and fell out of the feed between the polls
        var outrun = await Poller.PollAsync(Atom, CancellationToken.None);
        MapAtom(30);   // b21 … b30: overlaps what is stored
        var caughtUp = await Poller.PollAsync(Atom, CancellationToken.None);

        Assert.Null(first.Warning);
        Assert.Equal(10, outrun.New);
        Assert.Null(outrun.Error);
        Assert.Equal("ggml-org/llama.cpp: all 10 releases in its releases.atom are newer than the newest stored; releases before them may be missing " +
            "(the feed holds only the newest 10: \"api\": \"rest\" reads back further)", outrun.Warning);
        Assert.Null(caughtUp.Warning);
        Assert.Equal(5, caughtUp.New);
    }

    [Fact]
    public async Task PollAsync_RestRepoAddedToASourceThatStoresOthers_ReadsAsAFirstPollWithoutWarning()
    {
        // llama.cpp's builds are stored; then ggml-org/ggml joins the source. Its builds are older than llama.cpp's newest, and
        // 300 of them are on the first 3 pages: its first poll reads those 3 pages (as PollAsync_RestFirstPoll_… does) and
        // misses nothing it knew of.
        const string ggml = "repos/ggml-org/ggml/releases";
        MapBuilds(1000);
        MapBuilds(1000, ggml, repo: "ggml-org/ggml", later: -TimeSpan.FromDays(1));
        await Poller.PollAsync(Rest, CancellationToken.None);
        var both = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "llama", "kind": "github-releases", "api": "rest", "apiUrl": "{{Server.BaseUri}}", "tokenEnv": "EAIR_TEST_NO_SUCH_TOKEN", "allowPrivateNetwork": true, "repos": ["ggml-org/llama.cpp", "ggml-org/ggml"]}]}"""));

        var result = await Poller.PollAsync(both, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Null(result.Warning);
        Assert.Equal(300, result.New);
        Assert.Equal([$"/{Releases}?per_page=100", $"/{ggml}?per_page=100", $"/{ggml}?per_page=100&page=2", $"/{ggml}?per_page=100&page=3"],
            RequestsSince(3));
    }

    [Fact]
    public async Task PollAsync_AtomRepoAddedToASourceThatStoresOthers_DoesNotWarnAtItsFirstPoll()
    {
        // ggml-org/ggml's 10 releases are a day newer than the llama.cpp builds the source stored: new to the database, not outrun.
        MapAtom(10);
        await Poller.PollAsync(Atom, CancellationToken.None);
        MapAtom(10, "ggml-org/ggml", TimeSpan.FromDays(1));
        var both = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "llama", "kind": "github-releases", "baseUrl": "{{Server.BaseUri}}", "allowPrivateNetwork": true, "repos": ["ggml-org/llama.cpp", "ggml-org/ggml"]}]}"""));

        var first = await Poller.PollAsync(both, CancellationToken.None);
        MapAtom(25, "ggml-org/ggml", TimeSpan.FromDays(1));   // b16 … b25: b11 … b15 fell out of its feed between the polls
        var outrun = await Poller.PollAsync(both, CancellationToken.None);

        Assert.Null(first.Error);
        Assert.Null(first.Warning);
        Assert.Equal(10, first.New);
        Assert.Equal("ggml-org/ggml: all 10 releases in its releases.atom are newer than the newest stored; releases before them may be missing " +
            "(the feed holds only the newest 10: \"api\": \"rest\" reads back further)", outrun.Warning);
    }
}
