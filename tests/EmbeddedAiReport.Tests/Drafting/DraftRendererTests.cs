using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Tests.Support;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace EmbeddedAiReport.Tests.Drafting;

/// <summary>The shipped template's output read by a CommonMark parser (Markdig), as a markdown viewer would show it.</summary>
public sealed class DraftRendererTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DraftWindow Week = DraftWindow.Of(new EditorialWeek(2020, 48), Shanghai);

    private static DraftRenderer Renderer => new(File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "templates", "draft.md.liquid")));

    private static Draft DraftOf(string section, params DraftItem[] items) =>
        new(Week.Last, Week, [new DraftSectionItems(section, section, section, null, items)]);

    private static DraftItem Item(string title, string? account = "机器之心", string summary = "", IReadOnlyList<DraftWriteup>? writeups = null) =>
        new(1, "url:example.com/a", title, account, "https://example.com/a", null, summary, 0.9, []) { Writeups = writeups ?? [] };

    /// <summary>Every link of the list items, as (text shown, target).</summary>
    private static List<(string Text, string Url)> Links(string markdown)
    {
        var document = Markdown.Parse(markdown, new MarkdownPipelineBuilder().UseEmphasisExtras().Build());
        return document.Descendants<ListItemBlock>()
            .SelectMany(item => item.Descendants<LinkInline>())
            .Select(link => (PlainText(link), link.Url ?? ""))
            .ToList();
    }

    private static string PlainText(ContainerInline container) => string.Concat(container.Select(inline => inline switch
    {
        LiteralInline literal => literal.Content.ToString(),
        HtmlEntityInline entity => entity.Transcoded.ToString(),
        ContainerInline nested => "{" + nested.GetType().Name + ":" + PlainText(nested) + "}",   // markup the title should not make
        CodeInline code => "{code:" + code.Content + "}",
        _ => "{" + inline.GetType().Name + "}",
    }));

    [Theory]
    [InlineData("Don`t quantize blindly: NCNN INT8 部署")]
    [InlineData("端侧**NPU**的新架构")]
    [InlineData("_ONNX Runtime_ 1.20 发布")]
    [InlineData("~~旧~~ 新的 GPTQ 实现")]
    [InlineData("snake_case_name and 2*3*4 and `code`")]
    [InlineData("a < b and <TensorRT> [x] (y) | z \\ w")]
    public void Render_MarkdownSpecialCharactersInATitle_ShowTheTitleAsOneLink(string title)
    {
        var markdown = Renderer.Render(DraftOf("news", Item(title, account: "Q*bert_`x`")));

        var link = Assert.Single(Links(markdown));
        Assert.Equal($"{title} | Q*bert_`x`", link.Text);
        Assert.Equal("https://example.com/a", link.Url);
    }

    [Fact]
    public void Render_MarkdownSpecialCharactersInAWriteup_ShowItsTitleAsOneLink()
    {
        var paper = new DraftItem(1, "arxiv:2011.12289", "A `paper`", null, "https://arxiv.org/abs/2011.12289v1", "2011.12289v1", "", 0.9, [])
        {
            Writeups = [new DraftWriteup(2, "解读**量化**_论文_`x", "量子位", "https://example.com/w")],
        };

        var links = Links(Renderer.Render(DraftOf("papers", paper)));

        Assert.Contains(("A `paper`", "https://arxiv.org/abs/2011.12289v1"), links);
        Assert.Contains(("解读**量化**_论文_`x | 量子位", "https://example.com/w"), links);
    }

    // An item whose story has 13 papers and 11 write-ups.
    private static Draft StoryOfManyPapers => new(Week.Last, Week, [new DraftSectionItems("papers", "论文", "论文", null, [
        new DraftItem(1, "arxiv:2011.00001", "A paper", null, "https://arxiv.org/abs/2011.00001v1", "2011.00001v1", "We quantize.", 0.9,
            Enumerable.Range(2, 13).Select(i => new EntryLink("arxiv", $"arxiv:2011.{i:00000}", $"https://arxiv.org/abs/2011.{i:00000}")).ToList())
        {
            LinkTitles = Enumerable.Range(2, 13).ToDictionary(i => $"arxiv:2011.{i:00000}", i => $"Paper {i}"),
            Writeups = Enumerable.Range(100, 11).Select(i => new DraftWriteup(i, $"解读 {i}", "机器之心", $"https://example.com/w{i}")).ToList(),
        }])]);

    // The daemon's and the CLI's renderer is made from the settings: Draft:MaxLinksPerItem when set, else 10 (README).
    [Theory]
    [InlineData(null, 10)]
    [InlineData(2, 2)]
    public void LoadedConfig_DraftMaxLinksPerItem_IsTheRenderersCap(int? setting, int papers)
    {
        using var directory = new TempDirectory();
        var config = directory.ConfigWithSources("""{"sources": []}""");
        if (setting is { } cap) TempDirectory.EditSettings(config, json => json["Draft"]!["MaxLinksPerItem"] = cap);

        var markdown = EmbeddedAiReport.Worker.WorkerHost.LoadConfig(config, null).Renderer!.Render(StoryOfManyPapers);

        Assert.Equal(papers, markdown.Split('\n').Count(l => l.StartsWith("标题：", StringComparison.Ordinal)));
    }

    // bench/bigweek.py: one 论文 item of a flooded week listed its story's 710 papers (239 KB of draft). The editor's own
    // issues list at most four under an item (2019-12-17: 四篇快手特效中的模型压缩); Draft:MaxLinksPerItem (10) caps the
    // papers/repositories and the write-ups, and one line counts the rest; the issue format reads it as the item's text.
    [Theory]
    [InlineData(null, 10, 10, "另有4条相关论文、项目或解读未列出（审阅页有全部）")]
    [InlineData(2, 2, 2, "另有20条相关论文、项目或解读未列出（审阅页有全部）")]
    [InlineData(20, 13, 11, null)]
    [InlineData(12, 12, 11, "另有1条相关论文、项目或解读未列出（审阅页有全部）")]   // one paper past the cap, the write-ups within it
    public void Render_ItemWithAStoryOfManyPapersAndWriteups_ListsAtMostTheCapOfEach_AndCountsTheRestInOneLine(int? cap, int papers, int writeups, string? more)
    {
        var template = File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "templates", "draft.md.liquid"));
        var renderer = cap is { } max ? new DraftRenderer(template, maxLinksPerItem: max) : Renderer;

        var markdown = renderer.Render(StoryOfManyPapers);
        var lines = markdown.Split('\n');

        Assert.Equal(Enumerable.Range(2, papers).Select(i => $"标题：Paper {i}  "), lines.Where(l => l.StartsWith("标题：", StringComparison.Ordinal)));
        Assert.Equal(["链接：https://arxiv.org/abs/2011.00001v1  ", .. Enumerable.Range(2, papers).Select(i => $"链接：https://arxiv.org/abs/2011.{i:00000}  ")],
            lines.Where(l => l.StartsWith("链接：", StringComparison.Ordinal)));   // the item's own, then its story's
        Assert.Equal(writeups, lines.Count(l => l.StartsWith("解读：", StringComparison.Ordinal)));
        var counted = lines.Where(l => l.StartsWith("另有", StringComparison.Ordinal)).Select(l => l.TrimEnd()).ToList();
        Assert.Equal(more is null ? [] : [more], counted);
        // Read back as the past issues are: still the one item, the count line part of its text.
        var parsed = Assert.Single(IssueMarkdownParser.Parse(markdown, new Dictionary<string, string> { ["论文"] = "papers" }));
        Assert.Equal("https://arxiv.org/abs/2011.00001v1", parsed.Url);
        if (more is not null) Assert.EndsWith(more, parsed.Summary);
    }

    // The draft's one item (the footer's list items link nowhere).
    private static ListItemBlock TheItem(string markdown) => Assert.Single(Markdown.Parse(markdown).Descendants<ListItemBlock>(),
        i => i.Parent is ListBlock { IsOrdered: false } && i.Descendants<LinkInline>().Any(l => l.Url == "https://example.com/a"));

    private const string EditorsSummary = "详见[官方博客](https://www.qualcomm.com/news)，以及 <b>重点</b>。\n  1. 第一点\n  2. 第二点";

    [Fact]
    public void Render_EditorsSummary_IsKeptAsWrittenWithItsLinesInsideTheItem()
    {
        var markdown = Renderer.Render(DraftOf("news", Item("高通发布骁龙875", summary: EditorsSummary) with { EditorSummary = true }));

        Assert.Contains("""
            - [高通发布骁龙875 | 机器之心](https://example.com/a)  
            摘要：详见[官方博客](https://www.qualcomm.com/news)，以及 <b>重点</b>。  
                1. 第一点  
                2. 第二点  

            """.ReplaceLineEndings("\n"), markdown);
        var item = TheItem(markdown);
        Assert.Equal(["https://example.com/a", "https://www.qualcomm.com/news"], item.Descendants<LinkInline>().Select(l => l.Url));
        Assert.Contains(item.Descendants<HtmlInline>(), h => h.Tag == "<b>");
        var points = Assert.Single(item.Descendants<ListBlock>(), l => l.IsOrdered);
        Assert.Equal(2, points.Count);
    }

    [Fact]
    public void Render_SourceSummaryWithTheSameText_StaysOneLineWithoutMarkup()
    {
        var markdown = Renderer.Render(DraftOf("news", Item("高通发布骁龙875", summary: EditorsSummary)));

        Assert.Contains("摘要：详见[官方博客]\\(https://www.qualcomm.com/news)，以及 &lt;b>重点&lt;/b>。   1. 第一点   2. 第二点  \n", markdown);
        var item = TheItem(markdown);
        Assert.Single(item.Descendants<LinkInline>());
        Assert.Empty(item.Descendants<HtmlInline>());
    }

    [Fact]
    public void Render_IssuesOfTwoYears_GridOfYearsAsThe2020IssuesKeptTheir往期回顾()
    {
        // The 2020-03-19 issue (corpus) lists itself and the two 2020 issues before it in its table's first row, filled from
        // the right, under the year's digits and the alignment row; a year before heads its own rows with its digits.
        var date = new DateOnly(2020, 3, 19);
        var draft = new Draft(date, DraftWindow.Of(date.AddDays(-16), date, Shanghai), [new DraftSectionItems("news", "news", "news", null, [Item("高通发布骁龙875")])])
        {
            RecordedIssues = [date, new(2020, 3, 2), new(2020, 2, 16), new(2019, 12, 17), new(2019, 12, 2), new(2019, 11, 18)],
        };

        var grid = Table(Renderer.Render(draft).Split('\n'));

        var corpus = Table(File.ReadAllLines(Path.Combine(Fixtures.Root, "corpus", "2020-03-19.md")));
        Assert.Equal(corpus.Take(3), grid.Take(3));
        Assert.Equal(
        [
            corpus.Single(l => l.StartsWith("| 2 | 0 | 1 | 9 |", StringComparison.Ordinal)),
            "| - | [2019-12-17](../embedded-ai-report/2019-12-17.md) | [2019-12-02](../embedded-ai-report/2019-12-02.md) | [2019-11-18](../embedded-ai-report/2019-11-18.md) |",
        ], grid.Skip(3));
        // As a table a markdown viewer shows: one table of four columns.
        Assert.Equal(4, Assert.Single(Markdown.Parse(string.Join('\n', grid), new MarkdownPipelineBuilder().UsePipeTables().Build())
            .Descendants<Markdig.Extensions.Tables.Table>()).ColumnDefinitions.Count(c => c.Alignment is not null));

        static List<string> Table(IEnumerable<string> lines) =>
            lines.SkipWhile(l => !l.StartsWith("## [往期回顾]", StringComparison.Ordinal)).Skip(1).SkipWhile(l => l.Length == 0)
                .TakeWhile(l => l.StartsWith('|')).Select(l => l.TrimEnd()).ToList();
    }
}
