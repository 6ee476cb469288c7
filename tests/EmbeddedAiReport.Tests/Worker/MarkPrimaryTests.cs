using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker;

public abstract class MarkPrimaryTests : LoopbackTest
{
    public sealed class OnSqlite() : MarkPrimaryTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : MarkPrimaryTests(StorageProvider.Postgres);

    private readonly TestDatabase _database;

    private MarkPrimaryTests(StorageProvider provider) => _database = TestDatabase.Create(provider, Folder);

    public override async Task DisposeAsync()
    {
        _database.Dispose();
        await base.DisposeAsync();
    }

    private async Task<(Func<string[], Task<CliResult>> Cli, string PostId, string PaperId)> PaperAndPostAsync()
    {
        var published = new DateTimeOffset(2020, 5, 12, 10, 0, 0, TimeSpan.FromHours(8));
        IssueItem Item(string title, string url, string summary) => new("papers", title, url, null, summary, []);
        Server.MapFile("feed.xml", CorpusFeeds.Rss("机器之心", [
            Item("YOLOv4: Optimal Speed and Accuracy of Object Detection", "https://arxiv.org/abs/2004.10934",
                "There are a huge number of features which are said to improve CNN accuracy; quantization-friendly, on-device detector."),
            Item("AlexeyAB的Darknet发布YOLO v4及论文：速度效果双提升 | 机器之心", "https://mp.weixin.qq.com/s/XEPhK81Ms-wdDnoz5oPZgA",
                "YOLOv4 在取得与 EfficientDet 同等性能的情况下，速度是 EfficientDet 的二倍，适合移动端部署。论文：https://arxiv.org/abs/2004.10934"),
        ], published));
        var config = _database.Configure(Folder.ConfigWithSources($$"""{"sources": [{"id": "f", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "section": "papers", "allowPrivateNetwork": true}]}"""));
        var db = _database.SqlitePath;
        Task<CliResult> Cli(params string[] args) => CliRunner.RunAsync([.. args, "--config", config, "--db", db]);
        await Cli("poll");
        var listing = (await Cli("entries", "--week", "2020-W20")).Out.Split('\n');
        string Id(Func<string, bool> line) => listing.Single(line).Trim().Split(' ')[0];
        return (Cli, Id(l => l.Contains("mp.weixin") || l.Contains("Darknet")), Id(l => l.Contains("arxiv.org") || l.Contains("Optimal Speed")));
    }

    [Fact]
    public async Task MarkPrimary_PostAboutAPaper_BecomesTheStorysItemInTheDraft()
    {
        var (cli, postId, _) = await PaperAndPostAsync();
        Task<CliResult> Cli(params string[] args) => cli(args);
        var before = ReferenceItems.Read((await Cli("export", "--week", "2020-W20")).Out);

        var mark = await Cli("mark", postId, "--primary");
        var after = ReferenceItems.Read((await Cli("export", "--week", "2020-W20")).Out);
        var nothing = await Cli("mark", postId);

        Assert.Equal("https://arxiv.org/abs/2004.10934", Assert.Single(before).Url);   // the paper is the story's primary
        Assert.Equal(0, mark.ExitCode);
        Assert.Contains($"{postId}: primary of its story", mark.Out);
        Assert.Equal("https://mp.weixin.qq.com/s/XEPhK81Ms-wdDnoz5oPZgA", Assert.Single(after).Url);
        Assert.Equal(2, nothing.ExitCode);
    }

    [Fact]
    public async Task MovePosition_AMemberThatIsNotThePrimary_SaysWhichEntryStandsForItsStory()
    {
        // A review page read before a poll folded the post into the paper's story still offers ↑/↓ on the post: the move
        // cannot place it, and the message names the entry that stands for its story and how to show the post instead.
        var (cli, postId, paperId) = await PaperAndPostAsync();
        Task<CliResult> Cli(params string[] args) => cli(args);

        var move = await Cli("move", postId, "--position", "1", "--week", "2020-W20");

        Assert.Equal(2, move.ExitCode);
        Assert.Contains($"entry {postId} is not an item of the draft of 2020-05-11 .. 2020-05-17 (out: not its story's primary (the story is #{paperId} "
            + $"YOLOv4: Optimal Speed and Accuracy of Object Detection, in the draft); mark {postId} --primary to show it instead of #{paperId})", move.Error);
    }

    [Fact]
    public async Task Edit_AMemberThatIsNotThePrimary_ItsStoryShowsTheEditUnlessTheEditorPinsAnother()
    {
        // The editor rewrote the post's title; the paper (the automatic primary) must not hide that work. A primary the
        // editor pins explicitly still wins.
        var (cli, postId, paperId) = await PaperAndPostAsync();
        Task<CliResult> Cli(params string[] args) => cli(args);

        var edit = await Cli("edit", postId, "--title", "YOLOv4 发布：速度是 EfficientDet 的两倍");
        var edited = ReferenceItems.Read((await Cli("export", "--week", "2020-W20")).Out);
        await Cli("mark", paperId, "--primary");
        var pinned = ReferenceItems.Read((await Cli("export", "--week", "2020-W20")).Out);

        Assert.Equal(0, edit.ExitCode);
        var shown = Assert.Single(edited);
        Assert.Equal(("https://mp.weixin.qq.com/s/XEPhK81Ms-wdDnoz5oPZgA", "YOLOv4 发布：速度是 EfficientDet 的两倍 | 机器之心"), (shown.Url, shown.Title));
        Assert.Equal("https://arxiv.org/abs/2004.10934", Assert.Single(pinned).Url);
    }
}
