using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>The review page's CLI twins: `edit`, `move --section`, `move --position`, and `entries --explain` saying why an entry is out.</summary>
public abstract class EditorOverridesTests : LoopbackTest
{
    public sealed class OnSqlite() : EditorOverridesTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : EditorOverridesTests(StorageProvider.Postgres);

    private const string Cuda = "CUDA 11 Features Revealed";
    private readonly TestDatabase _database;
    private string _config = "";
    private string _db = "";
    private IReadOnlyList<IssueItem> _items = [];
    private static readonly DateTimeOffset Published = new(2020, 5, 12, 10, 0, 0, TimeSpan.FromHours(8));

    private EditorOverridesTests(StorageProvider provider) => _database = TestDatabase.Create(provider, Folder);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _items = CorpusFeeds.Items("2020-05-15.md");
        _config = _database.Configure(Folder.ConfigWithSources(CorpusFeeds.ServeBySection(Server, _items, Published)));
        _db = Folder.File("report.db");
        Assert.Equal(0, (await Cli("poll")).ExitCode);
    }

    public override async Task DisposeAsync()
    {
        _database.Dispose();
        await base.DisposeAsync();
    }

    private Task<CliResult> Cli(params string[] args) => CliRunner.RunAsync([.. args, "--config", _config, "--db", _db]);

    private async Task<string> ExportAsync() => (await Cli("export", "--week", "2020-W20")).Out;

    private async Task<string> IdOfAsync(string title)
    {
        var listing = await Cli("entries", "--week", "2020-W20");
        return listing.Out.Split('\n').Single(l => l.Contains(title, StringComparison.Ordinal)).Trim().Split(' ')[0];
    }

    private static IReadOnlyList<IssueItem> Section(string draft, string slug) =>
        ReferenceItems.Read(draft).Where(i => i.Section == slug).ToList();

    [Fact]
    public async Task Edit_TitleAndSummary_SurviveARepollThatChangesThem_AndAnEmptyTextGoesBackToTheSource()
    {
        var id = await IdOfAsync(Cuda);

        var edit = await Cli("edit", id, "--title", "CUDA 11 新特性一览", "--summary", "编辑写的摘要。");
        CorpusFeeds.ServeBySection(Server, [.. _items.Select(i => i.Title.StartsWith(Cuda, StringComparison.Ordinal)
            ? i with { Title = "CUDA 11 Features Revealed (updated) | NVIDIA Developer", Summary = "The source's new summary." } : i)], Published);
        var poll = await Cli("poll");
        var edited = await ExportAsync();
        var reset = await Cli("edit", id, "--title", "");
        var afterReset = await ExportAsync();

        Assert.Equal(0, edit.ExitCode);
        Assert.Equal($"{id}: title set\n{id}: summary set\n", edit.Out);
        Assert.Contains("1 updated", poll.Out);
        Assert.Contains("- [CUDA 11 新特性一览 | NVIDIA Developer](https://devblogs.nvidia.com/cuda-11-features-revealed/)  \n摘要：编辑写的摘要。", edited);
        Assert.DoesNotContain("The source's new summary.", edited);
        Assert.Equal(0, reset.ExitCode);
        Assert.Contains("- [CUDA 11 Features Revealed \\(updated\\) | NVIDIA Developer]", afterReset);
        Assert.Contains("摘要：编辑写的摘要。", afterReset);
    }

    [Fact]
    public async Task Edit_SummaryWithALinkHtmlAndLines_ExportShowsItAsWrittenInsideTheItem()
    {
        var id = await IdOfAsync(Cuda);

        var edit = await Cli("edit", id, "--summary", "详见[官方博客](https://www.qualcomm.com/news)，以及 <b>重点</b>。\n  1. 第一点\n  2. 第二点");
        var draft = await ExportAsync();

        Assert.Equal(0, edit.ExitCode);
        Assert.Contains("""
            摘要：详见[官方博客](https://www.qualcomm.com/news)，以及 <b>重点</b>。  
                1. 第一点  
                2. 第二点  

            """.ReplaceLineEndings("\n"), draft);
        Assert.Contains(Section(draft, "news"), i => i.Title.StartsWith(Cuda, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EntriesExplain_AfterAnEdit_ExplainsTheStoredScoreFromTheSourcesText()
    {
        var id = await IdOfAsync(Cuda);
        var before = await Cli("entries", "--week", "2020-W20", "--explain");

        Assert.Equal(0, (await Cli("edit", id, "--title", "端侧NPU量化部署：INT8 剪枝 蒸馏 TensorRT NCNN", "--summary", "全新的编辑摘要：低比特量化与模型压缩。")).ExitCode);
        var after = await Cli("entries", "--week", "2020-W20", "--explain");

        static string Explanation(string listing, string id)
        {
            var lines = listing.Split('\n');
            return lines[Array.FindIndex(lines, l => l.TrimStart().StartsWith(id + " ", StringComparison.Ordinal)) + 2].Trim();
        }
        Assert.StartsWith("relevance ", Explanation(after.Out, id));
        Assert.DoesNotContain("[stored", Explanation(after.Out, id));
        Assert.Equal(Explanation(before.Out, id), Explanation(after.Out, id));
    }

    [Fact]
    public async Task Edit_UnknownEntryOrNothingToSet_Exits2()
    {
        Assert.Equal(2, (await Cli("edit", "999999", "--title", "x")).ExitCode);
        Assert.Equal(2, (await Cli("edit", await IdOfAsync(Cuda))).ExitCode);
    }

    [Fact]
    public async Task MoveSection_PutsTheItemUnderThatHeading_UntilMovedBackToAuto()
    {
        var id = await IdOfAsync(Cuda);
        var before = Section(await ExportAsync(), "news").Count;

        var move = await Cli("move", id, "--section", "博文");
        var moved = await ExportAsync();
        var back = await Cli("move", id, "--section", "auto");
        var restored = await ExportAsync();

        Assert.Equal(0, move.ExitCode);
        Assert.Equal(before - 1, Section(moved, "news").Count);
        Assert.Contains(Section(moved, "blogs"), i => i.Title.StartsWith(Cuda, StringComparison.Ordinal));
        Assert.Equal(0, back.ExitCode);
        Assert.Contains(Section(restored, "news"), i => i.Title.StartsWith(Cuda, StringComparison.Ordinal));
        Assert.Equal(2, (await Cli("move", id, "--section", "sports")).ExitCode);
    }

    [Fact]
    public async Task MovePosition_PutsTheItemFirst_AndTheOthersKeepTheirOrder()
    {
        var before = Section(await ExportAsync(), "news").Select(i => i.Title).ToList();
        var last = before[^1];
        var id = await IdOfAsync(IssueMarkdownParser.SplitAccount(last).Title);

        var move = await Cli("move", id, "--position", "1");
        var after = Section(await ExportAsync(), "news").Select(i => i.Title).ToList();

        Assert.Equal(0, move.ExitCode);
        Assert.Equal([last, .. before.SkipLast(1)], after);
    }

    [Fact]
    public async Task MovePosition_PastTheSectionsEnd_IsTheLastPlaceAndSaysSo()
    {
        var before = Section(await ExportAsync(), "news").Select(i => i.Title).ToList();
        var first = before[0];
        var id = await IdOfAsync(IssueMarkdownParser.SplitAccount(first).Title);

        var move = await Cli("move", id, "--position", "99");
        var after = Section(await ExportAsync(), "news").Select(i => i.Title).ToList();

        Assert.Equal(0, move.ExitCode);
        Assert.Equal([.. before.Skip(1), first], after);
        Assert.Equal($"{id}: place {before.Count} of {before.Count} in its section", move.Out.Trim());   // not "place 99"
    }

    [Fact]
    public async Task MovePosition_EntryOutOfTheDraft_Exits2AndSaysWhy()
    {
        var id = await IdOfAsync(Cuda);
        await Cli("mark", id, "--status", "rejected");

        var move = await Cli("move", id, "--position", "1");

        Assert.Equal(2, move.ExitCode);
        Assert.Contains("is not an item of the draft of 2020-05-11 .. 2020-05-17", move.Error);
        Assert.Equal(2, (await Cli("move", id, "--position", "0")).ExitCode);
    }

    [Fact]
    public async Task EntriesExplain_SaysInDraftOrWhyOut_WithAndWithoutAWindow()
    {
        var id = await IdOfAsync(Cuda);
        await Cli("mark", id, "--status", "rejected");

        var week = await Cli("entries", "--week", "2020-W20", "--explain");
        var all = await Cli("entries", "--all", "--explain");

        foreach (var listing in new[] { week, all })
        {
            Assert.Equal(0, listing.ExitCode);
            Assert.Equal(_items.Count - 1, listing.Out.Split('\n').Count(l => l.Trim().StartsWith("draft: in draft (", StringComparison.Ordinal)));
            Assert.Contains("draft: out: rejected by the editor", listing.Out);
        }
    }
}
