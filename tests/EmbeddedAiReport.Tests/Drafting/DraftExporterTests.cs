using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using static EmbeddedAiReport.Tests.Support.EntrySeeder;

namespace EmbeddedAiReport.Tests.Drafting;

public abstract class DraftExporterTests(StorageProvider provider) : IDisposable
{
    public sealed class OnSqlite() : DraftExporterTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : DraftExporterTests(StorageProvider.Postgres);

    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateTimeOffset Tuesday = new(2020, 11, 24, 10, 0, 0, TimeSpan.FromHours(8));   // 2020-W48
    private readonly TestServices _services = new(draft: new DraftOptions { MinScore = 0, Quotas = new() { ["news"] = 2 } }, provider: provider);

    public void Dispose() => _services.Dispose();

    private DraftRenderer Renderer => new(File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "templates", "draft.md.liquid")));

    private Task<Draft> BuildAsync(EditorialWeek week) => _services.Get<DraftExporter>().BuildAsync(DraftWindow.Of(week, Shanghai), CancellationToken.None);

    private async Task SeedWeekAsync()
    {
        await SeedAsync(_services, "s",
            Entry("url:example.com/a", "高通发布骁龙875 | 5nm", "news", Tuesday, score: 3, account: "芯东西", summary: "骁龙875采用台积电5nm工艺。第二句。"),
            Entry("url:example.com/b", "联发科天玑1000+ [升级] (亮相)", "news", Tuesday.AddHours(1), score: 2, account: "三易生活", summary: "天玑1000+在天玑1000的基础上增强。"),
            Entry("url:example.com/c", "Off-quota news", "news", Tuesday.AddHours(2), score: 1, account: "某账号"),
            Entry("arxiv:2011.12289", "A Survey of Quantization Methods", "papers", Tuesday, score: 5, summary: "We survey <b>low-bit</b> methods.",
                prefix: "2011.12289v1", url: "https://arxiv.org/abs/2011.12289v1"),
            Entry("gh:alibaba/mnn@1.0.0", "alibaba/MNN: MNN 1.0.0 正式发布", "opensource", Tuesday, score: 4, account: "AI科技大本营",
                summary: "新增模型训练的支持。", url: "https://github.com/alibaba/MNN/releases/tag/1.0.0"),
            Entry("url:example.com/d", "Sunday night post", "blogs", new DateTimeOffset(2020, 11, 22, 23, 59, 0, TimeSpan.FromHours(8))),
            Entry("url:example.com/e", "Monday midnight post\nwith a newline", "blogs", new DateTimeOffset(2020, 11, 23, 0, 0, 0, TimeSpan.FromHours(8)), account: "GiantPandaCV"));
    }

    [Fact]
    public async Task Render_FixedDatabaseAndWeek_MatchesTheGoldenFile()
    {
        await SeedWeekAsync();

        var markdown = Renderer.Render(await BuildAsync(new EditorialWeek(2020, 48)));

        // Regenerate on purpose with EAIR_UPDATE_GOLDEN=1 dotnet test …, then review the diff.
        if (Environment.GetEnvironmentVariable("EAIR_UPDATE_GOLDEN") == "1")
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "../../../Drafting/Expected/2020-W48.md"), markdown);
        Assert.Equal(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Drafting/Expected/2020-W48.md")), markdown);
    }

    [Fact]
    public async Task Build_SameData_IsDeterministic()
    {
        await SeedWeekAsync();

        var first = Renderer.Render(await BuildAsync(new EditorialWeek(2020, 48)));
        var second = Renderer.Render(await BuildAsync(new EditorialWeek(2020, 48)));

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Build_MondayBoundaryInShanghai_PutsSundayNightInThePreviousWeek()
    {
        await SeedWeekAsync();

        var w47 = await BuildAsync(new EditorialWeek(2020, 47));
        var w48 = await BuildAsync(new EditorialWeek(2020, 48));

        Assert.Equal(["Sunday night post"], w47.Sections.SelectMany(s => s.Items).Select(i => i.Title));
        Assert.Contains("Monday midnight post\nwith a newline", w48.Sections.SelectMany(s => s.Items).Select(i => i.Title));
        Assert.DoesNotContain("Sunday night post", w48.Sections.SelectMany(s => s.Items).Select(i => i.Title));
    }

    [Fact]
    public async Task Build_QuotaShortlistAndReject_AreHonoured()
    {
        await SeedWeekAsync();
        var entries = _services.Get<EntryStore>();
        var ids = (await entries.QueryAsync(new EntryQuery(), CancellationToken.None)).ToDictionary(r => r.Entry.Title, r => r.Entry.Id);
        await entries.SetStatusAsync([ids["Off-quota news"]], "shortlisted", CancellationToken.None);
        await entries.SetStatusAsync([ids["A Survey of Quantization Methods"]], "rejected", CancellationToken.None);

        var draft = await BuildAsync(new EditorialWeek(2020, 48));

        var news = draft.Sections.Single(s => s.Slug == "news").Items.Select(i => i.Title).ToList();
        Assert.Equal(["高通发布骁龙875 | 5nm", "Off-quota news"], news);   // the shortlisted one is in, ordered by score; the quota of 2 is filled
        Assert.Empty(draft.Sections.Single(s => s.Slug == "papers").Items);
    }

    [Fact]
    public async Task Render_HostileTitles_StayOneValidLinkEach()
    {
        await SeedAsync(_services, "s",
            Entry("url:example.com/x", "a](https://evil.example) [b | c\nd <script>alert(1)</script>", "news", Tuesday, account: "acc|ount",
                summary: "click [here](javascript:alert(1)) or ![img](https://evil.example/x.png) <b>now</b>"));

        var markdown = Renderer.Render(await BuildAsync(new EditorialWeek(2020, 48)));

        var item = Assert.Single(ReferenceItems.Read(markdown));
        Assert.Equal("https://example.com/x", item.Url);
        Assert.DoesNotContain("<script>", markdown);
        Assert.DoesNotContain("](javascript:", markdown);
        Assert.DoesNotContain("](https://evil.example", markdown);
        Assert.DoesNotContain("<b>", markdown);
        Assert.Single(markdown.Split('\n'), l => l.StartsWith("- ["));
    }

    [Fact]
    public async Task Build_PublishedByImportedIssue_NeverAppearsAgain()
    {
        await SeedWeekAsync();
        const string issue = """
            # 嵌入式AI简报 (2020-11-20)
            ## 论文
            - [一篇量化综述 | 机器之心](https://mp.weixin.qq.com/s/abc)  
            链接：https://arxiv.org/abs/2011.12289  
            ## 业界新闻
            - [高通发布骁龙875](https://example.com/a)  
            """;

        var result = await _services.Get<IssueHistory>().ImportAsync(issue, "2020-11-20.md", CancellationToken.None);
        var draft = await BuildAsync(new EditorialWeek(2020, 48));

        Assert.Equal(new DateOnly(2020, 11, 20), result.Date);
        Assert.Equal(2, result.Items);
        Assert.Equal(2, result.EntriesPublished);   // the paper (through the 链接 line) and the news item
        var titles = draft.Sections.SelectMany(s => s.Items).Select(i => i.Title).ToList();
        Assert.DoesNotContain("A Survey of Quantization Methods", titles);
        Assert.DoesNotContain("高通发布骁龙875 | 5nm", titles);
        Assert.Contains("联发科天玑1000+ [升级] (亮相)", titles);
    }

    [Fact]
    public async Task Render_AfterIssuesWereRecorded_GridListsThisIssueAndTheEarlierOnesNewestFirst_AsThe2020IssuesDid()
    {
        await SeedWeekAsync();
        var history = _services.Get<IssueHistory>();
        // Two earlier issues imported, one dated after the week (an issue is recorded for a later draft to skip), and the
        // week's own date (a second publish of it): the earlier two and this one belong in its 往期回顾, this one once.
        foreach (var date in new[] { "2020-11-06", "2020-11-20", "2020-11-29", "2020-12-10" })
            await history.ImportAsync($"# 嵌入式AI简报 ({date})\n## 业界新闻\n- [Item of {date}](https://example.com/issue-{date})  \n", $"{date}.md", CancellationToken.None);

        var markdown = Renderer.Render(await BuildAsync(new EditorialWeek(2020, 48)));

        // The lines as the 2020-03-19 issue (corpus) wrote its table's first three under its 往期回顾 heading.
        var grid = markdown.Split('\n').SkipWhile(l => !l.StartsWith("## [往期回顾]")).Skip(2).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.Equal(
        [
            "| 2 | 0 | 2 | 0 |",
            "|:---:|:---:|:---:|:---:|",
            "| - | [2020-11-29](../embedded-ai-report/2020-11-29.md) | [2020-11-20](../embedded-ai-report/2020-11-20.md) | [2020-11-06](../embedded-ai-report/2020-11-06.md) |",
        ], grid);
        // The 2019 issues' list form stays a template's choice: past_issues holds the earlier two only.
        var list = new DraftRenderer("{% for issue in past_issues %}{{ issue }};{% endfor %}").Render(await BuildAsync(new EditorialWeek(2020, 48)));
        Assert.Equal("2020-11-20;2020-11-06;", list);
    }
}
