using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources.GitHub;

/// <summary>Posts that link a release are linked to the release entry; the draft shows release items in the issues' 开源项目 style.</summary>
public sealed class ReleaseLinkTests() : LoopbackTest(new TestServices(new DateTimeOffset(2024, 4, 22, 12, 0, 0, TimeSpan.Zero)))
{
    [Theory]
    [InlineData("详见 https://github.com/Tencent/ncnn/releases/tag/20240410 。", "gh:tencent/ncnn@20240410", "https://github.com/Tencent/ncnn/releases/tag/20240410")]
    [InlineData("<a href=\"https://github.com/ggml-org/llama.cpp/releases/tag/b2700\">b2700</a>", "gh:ggml-org/llama.cpp@b2700", "https://github.com/ggml-org/llama.cpp/releases/tag/b2700")]
    [InlineData("(github.com/alibaba/MNN/releases/tag/2.9.0)", "gh:alibaba/mnn@2.9.0", "https://github.com/alibaba/MNN/releases/tag/2.9.0")]
    public void Find_ReleaseUrlInText_LinksTheReleaseAndTheRepo(string text, string release, string url)
    {
        var links = Mentions.Find(null, text);

        Assert.Contains(new EntryLink("github", release, url), links);
        Assert.Contains(links, l => l.Target == release[..release.IndexOf('@')]);
    }

    [Fact]
    public void Find_ReleaseNotesLinkingTheirOwnRelease_DoNotLinkToThemselves()
    {
        var links = Mentions.Find("gh:tencent/ncnn@20240410", "https://github.com/Tencent/ncnn/releases/tag/20240410 and https://github.com/Tencent/ncnn/releases/tag/20240102");

        Assert.Equal(["gh:tencent/ncnn@20240102"], links.Select(l => l.Target));
    }

    [Fact]
    public async Task PollAsync_PostLinkingARelease_IsLinkedToTheStoredReleaseEntry()
    {
        Server.MapFixture("Tencent/ncnn/releases.atom", "github-engines/Tencent_ncnn.releases.atom");
        Server.MapFile("post.xml", System.Text.Encoding.UTF8.GetBytes("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>NeuralTalk</title><link>https://example.org/</link>
            <item><title>ncnn 20240410 发布：vulkan int8 推理</title><link>https://mp.weixin.qq.com/s/ncnn20240410writeup</link>
            <description>&lt;p&gt;更新说明见 &lt;a href="https://github.com/Tencent/ncnn/releases/tag/20240410"&gt;release&lt;/a&gt;&lt;/p&gt;</description>
            <pubDate>Wed, 17 Apr 2024 09:00:00 +0800</pubDate></item></channel></rss>
            """));
        var sources = Services.Sources($$"""
            {"sources": [
              {"id": "gh", "kind": "github-releases", "repo": "Tencent/ncnn", "baseUrl": "{{Server.BaseUri}}", "allowPrivateNetwork": true},
              {"id": "post", "kind": "feed", "url": "{{Server.Url("post.xml")}}", "section": "news", "allowPrivateNetwork": true}]}
            """);

        foreach (var source in sources) Assert.Null((await Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None)).Error);

        var entries = await Services.Get<EntryStore>().ListWindowAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None);
        var post = Assert.Single(entries, e => e.SourceId == "post");
        var link = Assert.Single(post.Links, l => l.Target.Contains('@'));
        Assert.Contains(entries, e => e.CanonicalKey == link.Target && e.SourceId == "gh");
    }

    [Fact]
    public async Task PollThenExport_InferenceEngineReleases_AppearInTheOpenSourceSectionInTheIssuesStyle()
    {
        foreach (var (repo, fixture) in GitHubReleasesSourceTests.Engines) Server.MapFixture($"{repo}/releases.atom", fixture);
        var repos = string.Join(", ", GitHubReleasesSourceTests.Engines.Select(e => $"\"{e.Repo}\""));
        var config = Folder.ConfigWithSources($$"""
            {"sources": [{"id": "github-inference-engines", "kind": "github-releases", "schedule": "6h", "repos": [{{repos}}], "baseUrl": "{{Server.BaseUri}}", "allowPrivateNetwork": true}]}
            """);
        var db = Folder.File("report.db");
        var draftPath = Folder.File("draft.md");

        var poll = await CliRunner.RunAsync("poll", "--all", "--config", config, "--db", db);
        var again = await CliRunner.RunAsync("poll", "--all", "--config", config, "--db", db);
        var export = await CliRunner.RunAsync("export", "--from", "2024-04-15", "--to", "2024-04-21", "--out", draftPath, "--config", config, "--db", db);

        Assert.Equal(0, poll.ExitCode);
        Assert.Contains("14 new", poll.Out);
        Assert.Contains("not modified", again.Out);
        Assert.Equal(0, export.ExitCode);
        var draft = await File.ReadAllTextAsync(draftPath);
        var items = ReferenceItems.Read(draft);
        Assert.Equal(10, items.Count);   // one per repo (llama.cpp's three releases of the week are one item), the section's quota of 10
        Assert.All(items, i => Assert.Equal("opensource", i.Section));
        Assert.All(items, i => Assert.Matches(@"^[\w.-]+/[\w.-]+: \S", i.Title));
        Assert.Contains("> 导读：本次10条。", draft);
        Assert.Contains("## 开源项目\n\n> 注：每条内容前缀为github地址的仓库拥有者和仓库名", draft);
        Assert.Contains("- [Tencent/ncnn: ncnn 20240410](https://github.com/Tencent/ncnn/releases/tag/20240410)  \n摘要：新增 vulkan int8 推理，x86 avx512 bf16 优化", draft);
        Assert.Contains("- [alibaba/MNN: MNN 2.9.0](https://github.com/alibaba/MNN/releases/tag/2.9.0)  \n摘要：MNN-LLM：支持 Qwen1.5 / Llama3 的 4bit 量化推理", draft);
    }

    [Fact]
    public async Task PollThenExport_ThreeReleasesOfOneRepoInTheWeek_AreOneItemTheNewest()
    {
        // llama.cpp's real feed: b2698, b2699 and b2700 on 2024-04-20. A repo's releases are one story whose primary is its
        // newest release (StoryPrimary), so the issue shows the repo once, as the editor does.
        Server.MapFixture("ggml-org/llama.cpp/releases.atom", "github-engines/ggml-org_llama.cpp.releases.atom");
        var config = Folder.ConfigWithSources($$"""
            {"sources": [{"id": "llama", "kind": "github-releases", "repo": "ggml-org/llama.cpp", "baseUrl": "{{Server.BaseUri}}", "allowPrivateNetwork": true}]}
            """);
        var db = Folder.File("report.db");
        var draftPath = Folder.File("draft.md");

        var poll = await CliRunner.RunAsync("poll", "--all", "--config", config, "--db", db);
        var export = await CliRunner.RunAsync("export", "--from", "2024-04-15", "--to", "2024-04-21", "--out", draftPath, "--config", config, "--db", db);

        Assert.Contains("3 new", poll.Out);
        Assert.Equal(0, export.ExitCode);
        var draft = await File.ReadAllTextAsync(draftPath);
        var item = Assert.Single(ReferenceItems.Read(draft));
        Assert.Equal("ggml-org/llama.cpp: b2700", item.Title);
        Assert.DoesNotContain("b2699", draft);   // nor as a link under it: the repo's own releases are the item
        var explain = await CliRunner.RunAsync("entries", "--from", "2024-04-15", "--to", "2024-04-21", "--explain", "--config", config, "--db", db);
        Assert.Equal(0, explain.ExitCode);
        Assert.Equal(2, explain.Out.Split("out: not its story's primary (the story is #").Length - 1);
        Assert.Contains("ggml-org/llama.cpp: b2700, in the draft)", explain.Out);
    }
}
