using System.Text.Json.Nodes;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Tests.Sources.GitHub;

/// <summary>
/// A renamed (transferred) repo: GitHub answers the old name with a 301 — the REST API to <c>/repositories/ID</c>, github.com
/// to the feed at the new name. The source remembers where, asks there from then on, and tells the operator to update sources.json.
/// </summary>
public sealed class GitHubRenameTests : LoopbackTest
{
    private static readonly DateTimeOffset Now = new(2024, 4, 22, 12, 0, 0, TimeSpan.Zero);
    private const string Moved = "ggerganov/llama.cpp moved to ggml-org/llama.cpp (GitHub 301); update sources.json";
    private readonly CapturingLoggerProvider _logs;

    public GitHubRenameTests() : this(new CapturingLoggerProvider())
    {
    }

    private GitHubRenameTests(CapturingLoggerProvider logs) : base(new TestServices(Now, configure: s => s.AddSingleton<ILoggerProvider>(logs))) => _logs = logs;

    private SourcePoller Poller => Services.Get<SourcePoller>();

    private async Task<string[]> KeysAsync() =>
        (await Services.Get<EntryStore>().ListWindowAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None))
        .Select(e => e.CanonicalKey).Order(StringComparer.Ordinal).ToArray();

    private void MapMoved(string path, string target) => Server.Map(path, context =>
    {
        context.Response.StatusCode = 301;
        context.Response.Headers.Location = Server.Url(target).AbsoluteUri + context.Request.QueryString;
        return Task.CompletedTask;
    });

    /// <summary>The real release object (release-drafter's fixture) as llama.cpp's releases <paramref name="tags"/>, as the API names it after the transfer.</summary>
    private void MapReleases(string path, params string[] tags)
    {
        var releases = new JsonArray(tags.Select(tag =>
        {
            var release = JsonNode.Parse(Fixtures.Text("github-releases-api-json/releasedrafter_release_published.json"))!;
            release["tag_name"] = tag;
            release["name"] = tag;
            release["html_url"] = $"https://github.com/ggml-org/llama.cpp/releases/tag/{tag}";
            return release;
        }).ToArray<JsonNode?>());
        Server.MapFile(path, System.Text.Encoding.UTF8.GetBytes(releases.ToJsonString()), "application/json");
    }

    // The source of these tests: ggerganov/llama.cpp's releases through the REST API or the Atom feed, on the loopback server.
    private SourceDefinition RestSource() => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "llama", "kind": "github-releases", "api": "rest", "apiUrl": "{{Server.BaseUri}}", "tokenEnv": "EAIR_TEST_NO_SUCH_TOKEN", "allowPrivateNetwork": true, "repo": "ggerganov/llama.cpp"}]}"""));

    private SourceDefinition AtomSource() => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "llama", "kind": "github-releases", "baseUrl": "{{Server.BaseUri}}", "allowPrivateNetwork": true, "repo": "ggerganov/llama.cpp"}]}"""));

    [Fact]
    public async Task PollAsync_RestRepoRenamed_AsksTheNewAddressFromThenOnAndTellsTheOperatorOnce()
    {
        MapMoved("repos/ggerganov/llama.cpp/releases", "repositories/612354784/releases");
        MapReleases("repositories/612354784/releases", "b2699", "b2698");
        var source = RestSource();

        var first = await Poller.PollAsync(source, CancellationToken.None);
        MapReleases("repositories/612354784/releases", "b2700", "b2699", "b2698");
        var second = await Poller.PollAsync(source, CancellationToken.None);

        Assert.Null(first.Error);
        Assert.Equal(Moved, first.Warning);
        Assert.Equal(Moved, second.Warning);
        Assert.Equal(1, second.New);
        Assert.Equal(["/repos/ggerganov/llama.cpp/releases?per_page=100", "/repositories/612354784/releases?per_page=100",
            "/repositories/612354784/releases?per_page=100"], Server.Requests.Select(r => r.PathAndQuery));
        // The source's identity is the configured name: the stored entries keep their keys.
        Assert.Equal(["gh:ggerganov/llama.cpp@b2698", "gh:ggerganov/llama.cpp@b2699", "gh:ggerganov/llama.cpp@b2700"], await KeysAsync());
        Assert.Equal(Moved, (await Services.Get<SourceStore>().GetHealthAsync("llama", CancellationToken.None))!.LastWarning);
        Assert.Equal(["llama: " + Moved], _logs.Lines.Where(l => l.EventId == 2011).Select(l => l.Message));
    }

    [Fact]
    public async Task PollAsync_RestRepoRenamed_TheNewAddressIsAskedWithItsLatestETag()
    {
        // README: only the first page is conditional (ETag). After the rename the new address's answer is what the next poll
        // asks with: the releases unchanged since the second poll are a 304, not read again under the first poll's ETag.
        MapMoved("repos/ggerganov/llama.cpp/releases", "repositories/612354784/releases");
        MapReleases("repositories/612354784/releases", "b2699", "b2698");
        var source = RestSource();

        await Poller.PollAsync(source, CancellationToken.None);
        MapReleases("repositories/612354784/releases", "b2700", "b2699", "b2698");
        var second = await Poller.PollAsync(source, CancellationToken.None);
        var third = await Poller.PollAsync(source, CancellationToken.None);

        Assert.Equal(1, second.New);
        Assert.True(third.NotModified);
        Assert.Equal("/repositories/612354784/releases?per_page=100", Server.Requests.Last().PathAndQuery);
    }

    [Fact]
    public async Task PollAsync_AtomRepoRenamed_AsksTheFeedAtTheNewNameFromThenOn()
    {
        MapMoved("ggerganov/llama.cpp/releases.atom", "ggml-org/llama.cpp/releases.atom");
        Server.MapFixture("ggml-org/llama.cpp/releases.atom", "github-engines/ggml-org_llama.cpp.releases.atom");
        var source = AtomSource();

        var first = await Poller.PollAsync(source, CancellationToken.None);
        var second = await Poller.PollAsync(source, CancellationToken.None);

        Assert.Equal(Moved, first.Warning);
        Assert.Equal(Moved, second.Warning);
        Assert.Equal(["/ggerganov/llama.cpp/releases.atom", "/ggml-org/llama.cpp/releases.atom", "/ggml-org/llama.cpp/releases.atom"],
            Server.Requests.Select(r => r.PathAndQuery));
        Assert.Equal(["gh:ggerganov/llama.cpp@b2698", "gh:ggerganov/llama.cpp@b2699", "gh:ggerganov/llama.cpp@b2700"], await KeysAsync());
        Assert.Single(_logs.Lines, l => l.EventId == 2011);
    }

    [Theory]
    [InlineData(404, "Not Found")]
    [InlineData(410, "Gone")]
    public async Task PollAsync_KeptTargetLaterGone_ForgetsItAndAsksTheConfiguredAddressInTheSamePoll(int status, string reason)
    {
        // The repo was renamed back (or the redirect was wrong): its new name answers 404 (410), the configured name works again.
        MapMoved("ggerganov/llama.cpp/releases.atom", "ggml-org/llama.cpp/releases.atom");
        Server.MapFixture("ggml-org/llama.cpp/releases.atom", "github-engines/ggml-org_llama.cpp.releases.atom");
        var source = AtomSource();
        await Poller.PollAsync(source, CancellationToken.None);
        Server.Map("ggml-org/llama.cpp/releases.atom", context =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });
        Server.MapFixture("ggerganov/llama.cpp/releases.atom", "github-engines/ggml-org_llama.cpp.releases.atom");

        var forgot = await Poller.PollAsync(source, CancellationToken.None);
        var after = await Poller.PollAsync(source, CancellationToken.None);

        var said = $"ggerganov/llama.cpp: {Server.Url("ggml-org/llama.cpp/releases.atom")}, where it had moved, answered HTTP {status} {reason}; " +
            $"the move is forgotten and the configured {Server.Url("ggerganov/llama.cpp/releases.atom")} asked instead";
        Assert.Null(forgot.Error);
        Assert.Equal(said, forgot.Warning);
        Assert.Null(after.Error);
        Assert.Null(after.Warning);
        Assert.Equal(["/ggerganov/llama.cpp/releases.atom", "/ggml-org/llama.cpp/releases.atom",   // the rename, kept
            "/ggml-org/llama.cpp/releases.atom", "/ggerganov/llama.cpp/releases.atom",                // gone: the configured address, once
            "/ggerganov/llama.cpp/releases.atom"], Server.Requests.Select(r => r.PathAndQuery));
        Assert.Equal(["gh:ggerganov/llama.cpp@b2698", "gh:ggerganov/llama.cpp@b2699", "gh:ggerganov/llama.cpp@b2700"], await KeysAsync());
        Assert.Equal(["llama: " + said], _logs.Lines.Where(l => l.EventId == 2012).Select(l => l.Message));
    }

    [Fact]
    public async Task PollAsync_RestKeptTargetAndTheConfiguredAddressBoth404_FailsOnTheConfiguredAddressAndAsksOnlyItFromThenOn()
    {
        // The repo was deleted: GitHub answers 404 at its id and at its name.
        MapMoved("repos/ggerganov/llama.cpp/releases", "repositories/612354784/releases");
        MapReleases("repositories/612354784/releases", "b2699", "b2698");
        var source = RestSource();
        await Poller.PollAsync(source, CancellationToken.None);
        Server.Map("repositories/612354784/releases", context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        Server.Map("repos/ggerganov/llama.cpp/releases", context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });

        var gone = await Poller.PollAsync(source, CancellationToken.None);
        var after = await Poller.PollAsync(source, CancellationToken.None);

        var configured = Server.Url("repos/ggerganov/llama.cpp/releases?per_page=100");
        Assert.Equal($"ggerganov/llama.cpp: {Server.Url("repositories/612354784/releases?per_page=100")}, where it had moved, answered HTTP 404 Not Found; " +
            $"the move is forgotten and the configured {configured} asked instead", gone.Warning);
        Assert.StartsWith($"{configured}: HTTP 404 Not Found", gone.Error);
        Assert.StartsWith($"{configured}: HTTP 404 Not Found", after.Error);
        Assert.Null(after.Warning);
        Assert.Equal(["/repositories/612354784/releases?per_page=100", "/repos/ggerganov/llama.cpp/releases?per_page=100",
            "/repos/ggerganov/llama.cpp/releases?per_page=100"], Server.Requests.Skip(2).Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task SourcesCommand_AfterARename_SaysWhereTheRepoMoved()
    {
        MapMoved("ggerganov/llama.cpp/releases.atom", "ggml-org/llama.cpp/releases.atom");
        Server.MapFixture("ggml-org/llama.cpp/releases.atom", "github-engines/ggml-org_llama.cpp.releases.atom");
        var config = Folder.ConfigWithSources(
            $$"""{"sources": [{"id": "llama", "kind": "github-releases", "baseUrl": "{{Server.BaseUri}}", "allowPrivateNetwork": true, "repo": "ggerganov/llama.cpp"}]}""");
        var db = Folder.File("report.db");

        var poll = await CliRunner.RunAsync("poll", "--all", "--config", config, "--db", db);
        var sources = await CliRunner.RunAsync("sources", "--config", config, "--db", db);

        Assert.Equal(0, poll.ExitCode);
        var line = Assert.Single(sources.Out.Split('\n'), l => l.StartsWith("llama", StringComparison.Ordinal));
        Assert.Contains("warning", line);
        Assert.Contains(Moved, line);
    }

    [Fact]
    public async Task PollAsync_PermanentRedirectToTheSameRepo_IsNotARename()
    {
        // README: a renamed or transferred repo is remembered and named. A 301 whose feed is still the same repo's (an http →
        // https hop, another path to the same feed) renames nothing: no warning, nothing kept, the configured address asked again.
        MapMoved("ggml-org/llama.cpp/releases.atom", "feeds/ggml-org/llama.cpp/releases.atom");
        Server.MapFixture("feeds/ggml-org/llama.cpp/releases.atom", "github-engines/ggml-org_llama.cpp.releases.atom");
        var source = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "llama", "kind": "github-releases", "baseUrl": "{{Server.BaseUri}}", "allowPrivateNetwork": true, "repo": "ggml-org/llama.cpp"}]}"""));

        var first = await Poller.PollAsync(source, CancellationToken.None);
        var second = await Poller.PollAsync(source, CancellationToken.None);

        Assert.Null(first.Error);
        Assert.Equal(3, first.New);
        Assert.Null(first.Warning);
        Assert.Null(second.Warning);
        Assert.Equal(["/ggml-org/llama.cpp/releases.atom", "/feeds/ggml-org/llama.cpp/releases.atom", "/ggml-org/llama.cpp/releases.atom", "/feeds/ggml-org/llama.cpp/releases.atom"],
            Server.Requests.Select(r => r.PathAndQuery));
        Assert.DoesNotContain(_logs.Lines, l => l.EventId == 2011);
    }

    [Fact]
    public async Task PollAsync_TemporaryRedirect_IsFollowedEachTimeAndNotRemembered()
    {
        Server.MapRedirect("ggerganov/llama.cpp/releases.atom", 302, Server.Url("ggml-org/llama.cpp/releases.atom").AbsoluteUri);
        Server.MapFixture("ggml-org/llama.cpp/releases.atom", "github-engines/ggml-org_llama.cpp.releases.atom");
        var source = AtomSource();

        var first = await Poller.PollAsync(source, CancellationToken.None);
        await Poller.PollAsync(source, CancellationToken.None);

        Assert.Null(first.Warning);
        Assert.Equal(["/ggerganov/llama.cpp/releases.atom", "/ggml-org/llama.cpp/releases.atom", "/ggerganov/llama.cpp/releases.atom", "/ggml-org/llama.cpp/releases.atom"],
            Server.Requests.Select(r => r.PathAndQuery));
        Assert.DoesNotContain(_logs.Lines, l => l.EventId == 2011);
    }
}
