using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources.GitHub;

public sealed class GitHubReleasesSourceTests() : LoopbackTest(new TestServices(new DateTimeOffset(2024, 4, 22, 12, 0, 0, TimeSpan.Zero)))
{
    /// <summary>The repos of the default config, with the fixture that stands for each one's releases.atom.</summary>
    public static readonly (string Repo, string Fixture)[] Engines =
    [
        ("tensorflow/tensorflow", "github-engines/tensorflow_tensorflow.releases.atom"),
        ("Tencent/ncnn", "github-engines/Tencent_ncnn.releases.atom"),
        ("alibaba/MNN", "github-engines/alibaba_MNN.releases.atom"),
        ("Tencent/TNN", "github-engines/Tencent_TNN.releases.atom"),
        ("PaddlePaddle/Paddle-Lite", "github-engines/PaddlePaddle_Paddle-Lite.releases.atom"),
        ("NVIDIA/TensorRT", "github-engines/NVIDIA_TensorRT.releases.atom"),
        ("openvinotoolkit/openvino", "github-engines/openvinotoolkit_openvino.releases.atom"),
        ("microsoft/onnxruntime", "github-engines/microsoft_onnxruntime.releases.atom"),
        ("apache/tvm", "github-engines/apache_tvm.releases.atom"),
        ("ggml-org/llama.cpp", "github-engines/ggml-org_llama.cpp.releases.atom"),
    ];

    private static readonly DateTimeOffset Everything = DateTimeOffset.UnixEpoch;

    private SourcePoller Poller => Services.Get<SourcePoller>();

    private SourceDefinition Source(string fields, string id = "gh") => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "{{id}}", "kind": "github-releases", "allowPrivateNetwork": true, {{fields}} }]}"""));

    private string Base => Server.BaseUri.AbsoluteUri;

    private void MapEngines()
    {
        foreach (var (repo, fixture) in Engines) Server.MapFixture($"{repo}/releases.atom", fixture);
    }

    private async Task<IReadOnlyList<StoredEntry>> EntriesAsync() =>
        await Services.Get<EntryStore>().ListWindowAsync(Everything, DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None);

    private static string EngineList => string.Join(", ", Engines.Select(e => $"\"{e.Repo}\""));

    [Fact]
    public async Task PollAsync_InferenceEngineRepos_StoresStableReleasesKeyedByRepoAndTag()
    {
        MapEngines();

        var result = await Poller.PollAsync(Source($"\"repos\": [{EngineList}], \"baseUrl\": \"{Base}\""), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(14, result.New);
        var keys = (await EntriesAsync()).Select(e => e.CanonicalKey).ToHashSet();
        Assert.Contains("gh:tencent/ncnn@20240410", keys);
        Assert.Contains("gh:alibaba/mnn@2.9.0", keys);
        Assert.Contains("gh:ggml-org/llama.cpp@b2700", keys);
        Assert.Contains("gh:tensorflow/tensorflow@v2.16.1", keys);
        Assert.DoesNotContain("gh:tensorflow/tensorflow@v2.16.0-rc0", keys);
        Assert.DoesNotContain("gh:paddlepaddle/paddle-lite@v2.13-rc", keys);
        Assert.DoesNotContain("gh:apache/tvm@v0.16.0.rc0", keys);
        Assert.Equal(Engines.Select(e => $"/{e.Repo}/releases.atom"), Server.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task PollAsync_SecondPoll_SendsETagsAndAddsNothing()
    {
        MapEngines();
        var source = Source($"\"repos\": [{EngineList}], \"baseUrl\": \"{Base}\"");

        await Poller.PollAsync(source, CancellationToken.None);
        var again = await Poller.PollAsync(source, CancellationToken.None);

        Assert.Null(again.Error);
        Assert.True(again.NotModified);
        Assert.Equal(0, again.New);
        // The second poll asks every repository again, each with the ETag the server gave it (it answers 304 only to that).
        var second = Server.Requests.Skip(Engines.Length).ToList();
        Assert.Equal(Engines.Select(e => $"/{e.Repo}/releases.atom"), second.Select(r => r.PathAndQuery));
        Assert.All(second, r => Assert.NotEmpty(r.IfNoneMatch));
        Assert.Equal(14, await Services.Get<EntryStore>().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_ReleaseEntry_HasIssueStyleTitleReleaseLinkPlainSummaryAndTime()
    {
        Server.MapFixture("Tencent/ncnn/releases.atom", "github-engines/Tencent_ncnn.releases.atom");

        await Poller.PollAsync(Source($"\"repo\": \"Tencent/ncnn\", \"baseUrl\": \"{Base}\""), CancellationToken.None);

        var entry = Assert.Single(await EntriesAsync(), e => e.CanonicalKey == "gh:tencent/ncnn@20240410");
        Assert.Equal("Tencent/ncnn: ncnn 20240410", entry.Title);
        Assert.Equal("https://github.com/Tencent/ncnn/releases/tag/20240410", entry.Url);
        Assert.StartsWith("新增 vulkan int8 推理，x86 avx512 bf16 优化", entry.Summary);
        Assert.Contains("pnnx: support more onnx ops", entry.Summary);
        Assert.DoesNotContain("@nihui", entry.Summary);
        Assert.DoesNotContain("pull/", entry.Summary);
        Assert.DoesNotContain("What's Changed", entry.Summary);
        Assert.DoesNotContain("<", entry.Summary);
        Assert.Equal(new DateTimeOffset(2024, 4, 16, 7, 33, 41, TimeSpan.Zero), entry.Published);
        Assert.Equal("opensource", entry.Section);
        Assert.Null(entry.Account);
    }

    [Theory]
    [InlineData("openvinotoolkit/openvino", "2024.1.0", "2024.1", "openvinotoolkit/openvino: 2024.1")]
    [InlineData("Tencent/ncnn", "20240410", "ncnn 20240410", "Tencent/ncnn: ncnn 20240410")]
    [InlineData("feed-rs/feed-rs", "v0.2.0", "0.2.0", "feed-rs/feed-rs: 0.2.0")]
    [InlineData("microsoft/onnxruntime", "v1.17.3", "", "microsoft/onnxruntime: v1.17.3")]
    [InlineData("NVIDIA/TensorRT", "v10.0.0", "Bug fixes", "NVIDIA/TensorRT: v10.0.0 Bug fixes")]
    public void Title_NameAndTag_FollowTheIssueStyle(string repo, string tag, string name, string expected)
    {
        var release = new EmbeddedAiReport.Sources.GitHub.GitHubRelease(EmbeddedAiReport.Normalizing.GitHubRepo.TryParse(repo)!.Value, null, tag, name,
            new Uri($"https://github.com/{repo}/releases/tag/{tag}"), null, false, null, null, false);

        Assert.Equal(expected, EmbeddedAiReport.Sources.GitHub.GitHubReleasesSource.Title(release));
    }

    [Fact]
    public async Task PollAsync_PrereleasesTrue_KeepsReleaseCandidates()
    {
        Server.MapFixture("tensorflow/tensorflow/releases.atom", "github-engines/tensorflow_tensorflow.releases.atom");

        var result = await Poller.PollAsync(Source($"\"repo\": \"tensorflow/tensorflow\", \"baseUrl\": \"{Base}\", \"prereleases\": true"), CancellationToken.None);

        Assert.Equal(2, result.New);
        Assert.Contains(await EntriesAsync(), e => e.CanonicalKey == "gh:tensorflow/tensorflow@v2.16.0-rc0");
    }

    [Theory]
    [InlineData("\"includeTags\": \"^b27\"", new[] { "b2700" })]
    [InlineData("\"excludeTags\": [\"^b2699$\", \"^b2698$\"]", new[] { "b2700" })]
    [InlineData("\"includeTags\": \"^b\", \"excludeTags\": \"^b2700$\"", new[] { "b2698", "b2699" })]
    public async Task PollAsync_TagRegexes_KeepOnlyMatchingReleases(string filters, string[] expected)
    {
        Server.MapFixture("ggml-org/llama.cpp/releases.atom", "github-engines/ggml-org_llama.cpp.releases.atom");

        await Poller.PollAsync(Source($"\"repo\": \"ggml-org/llama.cpp\", \"baseUrl\": \"{Base}\", {filters}"), CancellationToken.None);

        Assert.Equal(expected.Select(t => "gh:ggml-org/llama.cpp@" + t), (await EntriesAsync()).Select(e => e.CanonicalKey).Order());
    }

    [Fact]
    public async Task PollAsync_RepoWrittenInAnotherCase_IsTheSameRepoAndAddsNoEntries()
    {
        Server.MapFixture("Tencent/ncnn/releases.atom", "github-engines/Tencent_ncnn.releases.atom");
        Server.MapFixture("TENCENT/NCNN/releases.atom", "github-engines/Tencent_ncnn.releases.atom");

        var first = await Poller.PollAsync(Source($"\"repo\": \"Tencent/ncnn\", \"baseUrl\": \"{Base}\"", "a"), CancellationToken.None);
        var shouted = await Poller.PollAsync(Source($"\"repo\": \"TENCENT/NCNN\", \"baseUrl\": \"{Base}\"", "b"), CancellationToken.None);

        Assert.Equal(2, first.New);
        Assert.Null(shouted.Error);
        Assert.Equal(0, shouted.New);
        Assert.Equal(2, await Services.Get<EntryStore>().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_RenamedRepoRedirects_KeepsExistingEntriesAndAddsOnlyNewReleases()
    {
        Server.MapFixture("ggerganov/llama.cpp/releases.atom", "github-engines/ggerganov_llama.cpp.before-rename.releases.atom");
        var source = Source($"\"repo\": \"ggerganov/llama.cpp\", \"baseUrl\": \"{Base}\"");
        var before = await Poller.PollAsync(source, CancellationToken.None);

        // GitHub answers the old name with a permanent redirect to the new owner once the repo is transferred.
        Server.MapFixture("ggml-org/llama.cpp/releases.atom", "github-engines/ggml-org_llama.cpp.releases.atom");
        Server.MapRedirect("ggerganov/llama.cpp/releases.atom", 301, Server.Url("ggml-org/llama.cpp/releases.atom").AbsoluteUri);
        var after = await Poller.PollAsync(source, CancellationToken.None);

        Assert.Equal(2, before.New);
        Assert.Null(after.Error);
        Assert.Equal(1, after.New);
        var entries = await EntriesAsync();
        Assert.Equal(["gh:ggerganov/llama.cpp@b2698", "gh:ggerganov/llama.cpp@b2699", "gh:ggerganov/llama.cpp@b2700"], entries.Select(e => e.CanonicalKey).Order());
        var newest = Assert.Single(entries, e => e.CanonicalKey.EndsWith("@b2700", StringComparison.Ordinal));
        Assert.Equal("ggml-org/llama.cpp: b2700", newest.Title);
        Assert.Equal("https://github.com/ggml-org/llama.cpp/releases/tag/b2700", newest.Url);
    }

    [Theory]
    [InlineData("github-releases-atom/feedrs_feed-rs_releases_2020.atom", "feed-rs/feed-rs", "gh:feed-rs/feed-rs@v0.2.0", "feed-rs/feed-rs: 0.2.0", "https://github.com/feed-rs/feed-rs/releases/tag/v0.2.0", "2020-01-19T16:08:59+11:00", 4)]
    [InlineData("github-releases-atom/rssparser_gulp_releases_2015.atom", "gulpjs/gulp", "gh:gulpjs/gulp@v3.9.0", "gulpjs/gulp: v3.9.0", "https://github.com/gulpjs/gulp/releases/tag/v3.9.0", "2015-06-01T23:49:41+02:00", 10)]
    public async Task PollAsync_RealReleasesAtom_MapsEveryRelease(string fixture, string repo, string key, string title, string url, string updated, int count)
    {
        Server.MapFixture("releases.atom", fixture);

        var result = await Poller.PollAsync(Source($"\"repo\": \"{repo}\", \"url\": \"{Server.Url("releases.atom")}\""), CancellationToken.None);

        Assert.Equal(count, result.New);
        var entry = Assert.Single(await EntriesAsync(), e => e.CanonicalKey == key);
        Assert.Equal(title, entry.Title);
        Assert.Equal(url, entry.Url);
        Assert.Equal(DateTimeOffset.Parse(updated, System.Globalization.CultureInfo.InvariantCulture), entry.Published);   // the entry's <updated>
    }

    [Fact]
    public async Task PollAsync_RealFeedRsNotes_SummaryIsFirstLinesAsPlainText()
    {
        Server.MapFixture("releases.atom", "github-releases-atom/feedrs_feed-rs_releases_2020.atom");

        await Poller.PollAsync(Source($"\"repo\": \"feed-rs/feed-rs\", \"url\": \"{Server.Url("releases.atom")}\""), CancellationToken.None);

        var entry = Assert.Single(await EntriesAsync(), e => e.CanonicalKey == "gh:feed-rs/feed-rs@v0.2.0");
        Assert.StartsWith("A range of maintenance work, including: migrate to Rust 2018 edition; Align domain model around Atom spec", entry.Summary);
        Assert.Equal(new DateTimeOffset(2020, 1, 19, 5, 8, 59, TimeSpan.Zero), entry.Published);
    }

    [Fact]
    public async Task PollAsync_CommitsFeedInsteadOfReleases_StoresNothingAndSaysWhy()
    {
        Server.MapFixture("releases.atom", "github-releases-atom/miniflux_github_commits_2024.atom");

        var result = await Poller.PollAsync(Source($"\"repo\": \"miniflux/v2\", \"url\": \"{Server.Url("releases.atom")}\""), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(0, result.Seen);
    }

    [Fact]
    public async Task PollAsync_HtmlPageInsteadOfFeed_FailsWithAReason()
    {
        Server.MapFixture("Tencent/ncnn/releases.atom", "wechat-article-html/wechatsogou_link_expired.html", "text/html");

        var result = await Poller.PollAsync(Source($"\"repo\": \"Tencent/ncnn\", \"baseUrl\": \"{Base}\""), CancellationToken.None);

        Assert.Contains("HTML page", result.Error);
    }

    [Fact]
    public async Task PollAsync_TagsTrue_ReadsTagsAtom()
    {
        Server.MapFixture("Tencent/ncnn/tags.atom", "github-engines/Tencent_ncnn.releases.atom");

        var result = await Poller.PollAsync(Source($"\"repo\": \"Tencent/ncnn\", \"baseUrl\": \"{Base}\", \"tags\": true"), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(2, result.New);
        Assert.Equal("/Tencent/ncnn/tags.atom", Assert.Single(Server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task PollAsync_RestApiWithRealReleaseObject_MapsItAndSendsApiHeadersAndToken()
    {
        var tokenEnv = "EAIR_TEST_GH_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(tokenEnv, "test-token-123");
        var headers = new List<(string Accept, string Authorization)>();
        var body = "[" + Fixtures.Text("github-releases-api-json/releasedrafter_release_published.json") + "]";
        Server.Map("repos/toolmantim/release-drafter-test-project/releases", async context =>
        {
            headers.Add((context.Request.Headers.Accept.ToString(), context.Request.Headers.Authorization.ToString()));
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });
        try
        {
            var result = await Poller.PollAsync(Source(
                $"\"repo\": \"toolmantim/release-drafter-test-project\", \"api\": \"rest\", \"apiUrl\": \"{Base}\", \"tokenEnv\": \"{tokenEnv}\""), CancellationToken.None);

            Assert.Null(result.Error);
            var entry = Assert.Single(await EntriesAsync());
            Assert.Equal("gh:toolmantim/release-drafter-test-project@v2.0.0", entry.CanonicalKey);
            Assert.Equal("toolmantim/release-drafter-test-project: v2.0.0 (✏️ Code Name)", entry.Title);
            Assert.Equal("https://github.com/toolmantim/release-drafter-test-project/releases/tag/v2.0.0", entry.Url);
            Assert.Equal("An old release", entry.Summary);
            Assert.Equal(new DateTimeOffset(2018, 6, 29, 5, 47, 8, TimeSpan.Zero), entry.Published);
            var (accept, authorization) = Assert.Single(headers);
            Assert.Equal("application/vnd.github+json", accept);
            Assert.Equal("Bearer test-token-123", authorization);
            Assert.Equal("/repos/toolmantim/release-drafter-test-project/releases?per_page=100", Assert.Single(Server.Requests).PathAndQuery);
        }
        finally
        {
            Environment.SetEnvironmentVariable(tokenEnv, null);
        }
    }

    [Fact]
    public async Task PollAsync_RestRedirectToAnotherHost_DoesNotCarryTheTokenThere()
    {
        // The fetcher follows redirects itself (HttpClient's own dropping of Authorization does not apply): the token is for the API host.
        var tokenEnv = "EAIR_TEST_GH_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(tokenEnv, "test-token-456");
        await using var other = await LoopbackServer.StartAsync();
        other.MapFile("releases", System.Text.Encoding.UTF8.GetBytes("[" + Fixtures.Text("github-releases-api-json/releasedrafter_release_published.json") + "]"),
            "application/json");
        Server.MapRedirect("repos/toolmantim/release-drafter-test-project/releases", 307, other.Url("releases").AbsoluteUri);
        try
        {
            var result = await Poller.PollAsync(Source(
                $"\"repo\": \"toolmantim/release-drafter-test-project\", \"api\": \"rest\", \"apiUrl\": \"{Base}\", \"tokenEnv\": \"{tokenEnv}\""), CancellationToken.None);

            Assert.Null(result.Error);
            Assert.Equal("Bearer test-token-456", Assert.Single(Server.Requests).Headers["Authorization"]);
            var moved = Assert.Single(other.Requests);
            Assert.False(moved.Headers.ContainsKey("Authorization"));
            Assert.Equal("application/vnd.github+json", moved.Headers["Accept"]);   // not a credential: kept
        }
        finally
        {
            Environment.SetEnvironmentVariable(tokenEnv, null);
        }
    }

    [Theory]
    [InlineData(false, new[] { "v2.0.0" })]
    [InlineData(true, new[] { "v2.0.0", "v2.1.0" })]
    public async Task PollAsync_RestFlags_PrereleaseKeptOnlyWhenAskedAndDraftsNever(bool prereleases, string[] expected)
    {
        // The real release object, plus two copies that differ only in GitHub's flags and tag (the tags carry no
        // prerelease marker, so only the flag can tell).
        var real = JsonNode.Parse(Fixtures.Text("github-releases-api-json/releasedrafter_release_published.json"))!;
        var prerelease = real.DeepClone();
        prerelease["tag_name"] = "v2.1.0";
        prerelease["html_url"] = "https://github.com/toolmantim/release-drafter-test-project/releases/tag/v2.1.0";
        prerelease["prerelease"] = true;
        var draft = real.DeepClone();
        draft["tag_name"] = "v2.2.0";
        draft["draft"] = true;
        Server.MapFile("repos/toolmantim/release-drafter-test-project/releases",
            System.Text.Encoding.UTF8.GetBytes(new JsonArray(draft, prerelease, real).ToJsonString()), "application/json");

        await Poller.PollAsync(Source(
            $"\"repo\": \"toolmantim/release-drafter-test-project\", \"api\": \"rest\", \"apiUrl\": \"{Base}\", \"prereleases\": {(prereleases ? "true" : "false")}"),
            CancellationToken.None);

        Assert.Equal(expected.Select(t => "gh:toolmantim/release-drafter-test-project@" + t), (await EntriesAsync()).Select(e => e.CanonicalKey).Order());
    }

    [Fact]
    public async Task PollAsync_RestAnswersWithAtom_FailsWithAReason()
    {
        Server.MapFixture("repos/Tencent/ncnn/releases", "github-engines/Tencent_ncnn.releases.atom");

        var result = await Poller.PollAsync(Source($"\"repo\": \"Tencent/ncnn\", \"api\": \"rest\", \"apiUrl\": \"{Base}\""), CancellationToken.None);

        Assert.Contains("not the REST API's JSON", result.Error);
    }

    [Theory]
    [InlineData("", "repos: required")]
    [InlineData("\"repo\": \"ncnn\"", "repo: not owner/repo: 'ncnn'")]
    [InlineData("\"repos\": [\"Tencent/ncnn\", \"tencent/NCNN\"]", "repos: 'tencent/NCNN' is listed twice")]
    [InlineData("\"repos\": [\"Tencent/ncnn\", \"alibaba/MNN\"], \"url\": \"http://127.0.0.1/x.atom\"", "url: only with a single repo")]
    [InlineData("\"repo\": \"Tencent/ncnn\", \"api\": \"graphql\"", "api: expected \"atom\" or \"rest\"")]
    [InlineData("\"repo\": \"Tencent/ncnn\", \"api\": \"rest\", \"tags\": true", "tags: tags.atom is an Atom feed")]
    [InlineData("\"repo\": \"Tencent/ncnn\", \"includeTags\": \"(\"", "includeTags: bad regex '('")]
    [InlineData("\"repo\": \"Tencent/ncnn\", \"prereleases\": \"yes\"", "prereleases: expected true or false")]
    [InlineData("\"repo\": \"Tencent/ncnn\", \"tokenEnv\": \"my token\"", "tokenEnv: not an environment variable name")]
    [InlineData("\"repo\": \"Tencent/ncnn\", \"baseUrl\": \"ftp://example.org\"", "baseUrl: not an absolute http(s) URL")]
    [InlineData("\"repo\": \"Tencent/ncnn\", \"owner\": \"Tencent\"", "owner: unknown field for kind 'github-releases'")]
    public void Parse_BadGitHubFields_NamesTheField(string fields, string problem)
    {
        var json = $$"""{"sources": [{"id": "gh", "kind": "github-releases"{{(fields.Length > 0 ? ", " + fields : "")}}}]}""";

        var (_, problems) = Services.Get<SourceCatalog>().Parse(json, "sources.json", new DraftOptions().SectionSlugs(), _ => null);

        Assert.Contains(problems, p => p.StartsWith("sources.json: source 'gh': ", StringComparison.Ordinal) && p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void DefaultConfig_GitHubSources_CoverTheInferenceEngines()
    {
        var (sources, problems) = Services.Get<SourceCatalog>().Parse(
            File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "sources.json")), "sources.json", new DraftOptions().SectionSlugs(), _ => null);

        Assert.Empty(problems);
        var repos = sources.Where(s => s.Kind == "github-releases").SelectMany(s => s.GetStrings("repos").Concat(s.GetStrings("repo")));
        Assert.Equal(Engines.Select(e => e.Repo).Order(StringComparer.OrdinalIgnoreCase), repos.Order(StringComparer.OrdinalIgnoreCase));
    }
}
