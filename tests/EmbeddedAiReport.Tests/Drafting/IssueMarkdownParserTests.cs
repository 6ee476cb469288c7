using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Drafting;

public sealed class IssueMarkdownParserTests
{
    private static readonly IReadOnlyDictionary<string, string> Sections = new DraftOptions().SectionSlugs();

    [Fact]
    public void Parse_DevCorpus_FindsTheItemsPerSectionThatTheCorpusReadmeCounts()
    {
        var items = Fixtures.CorpusIssues().SelectMany(f => IssueMarkdownParser.Parse(File.ReadAllText(f), Sections)).ToList();

        Assert.Equal(454, items.Count);
        Assert.Equal(135, items.Count(i => i.Section == "news"));
        Assert.Equal(134, items.Count(i => i.Section == "blogs"));
        Assert.Equal(101, items.Count(i => i.Section == "opensource"));
        Assert.Equal(84, items.Count(i => i.Section == "papers"));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Parse_CorpusIssue_SameItemsAsTheReferenceParser(string issueFile)
    {
        var expected = ReferenceItems.Corpus(issueFile);
        var items = IssueMarkdownParser.Parse(Fixtures.Text(Path.Combine("corpus", issueFile)), Sections);

        Assert.Equal(expected.Select(i => (i.Section, i.Title, i.Url, i.Prefix)), items.Select(i => (i.Section, i.Title, i.Url, i.Prefix)));
    }

    public static TheoryData<string> CorpusFiles() => new(Fixtures.CorpusIssues().Select(Path.GetFileName)!);

    [Fact]
    public void Parse_PaperWithPrefixAndSummaryLines_KeepsPrefixSummaryAndLinks()
    {
        const string markdown = """
            ## 论文
            - [2011.12289v1] [A Title](https://arxiv.org/abs/2011.12289v1)  
            链接：https://arxiv.org/abs/2011.12289v1  
            摘要：first line.  
            second line.
            ## [往期回顾](https://github.com/ysh329/awesome-embedded-ai)
            - [2020-05-15](../x.md)
            """;

        var item = Assert.Single(IssueMarkdownParser.Parse(markdown, Sections));

        Assert.Equal("papers", item.Section);
        Assert.Equal("2011.12289v1", item.Prefix);
        Assert.Equal("A Title", item.Title);
        Assert.Equal("https://arxiv.org/abs/2011.12289v1", item.Url);
        Assert.Equal("链接：https://arxiv.org/abs/2011.12289v1 first line. second line.", item.Summary);
        Assert.Equal(2, item.Links.Count);
    }

    [Theory]
    [InlineData("2020-05-15.md", 2020, 5, 15)]
    [InlineData("# 嵌入式AI简报 (2019-03-31)", 2019, 3, 31)]
    public void DateOf_NameOrHeading_ReadsTheDate(string text, int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), IssueMarkdownParser.DateOf(text));

    [Fact]
    public void HeadingDate_ALevelTwoHeadingWithADateBeforeTheTitle_IsNotTheIssueDate()
    {
        // The issue's date is in its level-1 title heading (corpus: "# 嵌入式AI简报 (2019-03-31)"); "##" opens a section.
        const string markdown = """
            ## 往期回顾 (2020-05-01)
            # 嵌入式AI简报 (2020-05-15)
            """;

        Assert.Equal(new DateOnly(2020, 5, 15), IssueMarkdownParser.HeadingDate(markdown));
    }

    [Theory]
    [InlineData("高通骁龙875性能规格曝光 | 智东西", "高通骁龙875性能规格曝光", "智东西")]
    [InlineData("ICLR 2020 | 华为提出新量化方法 | 机器之心", "ICLR 2020 | 华为提出新量化方法", "机器之心")]
    [InlineData("alibaba/MNN: MNN 1.0.0 正式发布", "alibaba/MNN: MNN 1.0.0 正式发布", null)]
    [InlineData("闲话模型压缩之网络剪枝（Network Pruning）｜ 极市平台", "闲话模型压缩之网络剪枝（Network Pruning）｜ 极市平台", null)]   // a full-width bar is part of the title
    // Corpus 2019-04-13.md: an account of 21 characters (a blogger's name and blog) is still the account.
    [InlineData("专用处理器设计 | 唐杉 StarryHeavensAbove", "专用处理器设计", "唐杉 StarryHeavensAbove")]
    [InlineData("title | an account name far longer than thirty characters", "title | an account name far longer than thirty characters", null)]
    public void SplitAccount_EditorsTitle_SplitsTheLastShortAccountSuffix(string title, string expectedTitle, string? expectedAccount) =>
        Assert.Equal((expectedTitle, expectedAccount), IssueMarkdownParser.SplitAccount(title));
}
