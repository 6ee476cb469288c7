using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// Issue 18 item 6 through the real CLI: a feed's 摘要 is cut at a sentence end with …, and a markdown link inside it becomes
/// plain text while the paper it points to stays an entry link (the draft's 链接 line). The items are real ones of the corpus.
/// </summary>
public sealed class ReadableSummaryTests : LoopbackTest
{
    [Fact]
    public async Task PollThenExport_RealSummaries_ReadAsWholeSentencesWithPlainLinks()
    {
        var alphaX = CorpusFeeds.Items("2019-03-31.md").Single(i => i.Url == "https://github.com/linnanwang/AlphaX-NASBench101");
        var pmu = CorpusFeeds.Items("2019-04-13.md").Single(i => i.Url == "https://mp.weixin.qq.com/s/WLasOy9oZvTptEV5050PFQ");
        var config = TempDirectory.KeepEveryCandidate(Folder.ConfigWithSources(
            CorpusFeeds.ServeBySection(Server, [alphaX, pmu], new DateTimeOffset(2020, 5, 12, 10, 0, 0, TimeSpan.FromHours(8)))));
        var db = Folder.File("report.db");

        var poll = await CliRunner.RunAsync("poll", "--config", config, "--db", db);
        var export = await CliRunner.RunAsync("export", "--week", "2020-W20", "--config", config, "--db", db);

        Assert.Equal(0, poll.ExitCode);
        Assert.Equal(0, export.ExitCode);
        var lines = export.Out.Split('\n').Select(l => l.TrimEnd()).ToList();
        // The corpus text with its markdown link as plain text; the paper is still linked, from the item's own line.
        Assert.Contains("摘要：AlphaX是一个新的神经结构(NAS)搜索器，使用特定的搜索模型架构与Meta-DNN搜索预测模型来估计采样结构的准确性。与随机搜索相比，"
            + "AlphaX构建一个在线模型来指导未来的搜索，且可用较少迭代次数便能逃出局部最优。实现细节见：AlphaX: eXploring Neural Architectures with Deep "
            + "Neural Networks and Monte Carlo Tree Search。", lines);
        Assert.Contains(lines, l => l.Contains("https://arxiv.org/abs/1903.11059", StringComparison.Ordinal) && !l.StartsWith("摘要", StringComparison.Ordinal));
        Assert.DoesNotContain("\\(https", export.Out);
        // 477 characters: cut after the last 。 within 400 characters, with an ellipsis.
        Assert.Contains("摘要：现代 CPU 大多具有性能监控单元（Performance Monitoring Unit, PMU)，用于统计系统中发生的特定硬件事件，例如缓存未命中（Cache Miss）"
            + "或者分支预测错误（Branch Misprediction）等。同时，多个事件可以结合计算出一些高级指标，例如每指令周期数（CPI），缓存命中率等。一个特定的微体系架构"
            + "可以通过 PMU 提供数百个事件。对于发现和解决特定的性能问题，我们很难从这数百个事件中挑选出那些真正有用的事件。 这需要我们深入了解微体系架构的设计和 "
            + "PMU 规范，才能从原始事件数据中获取有用的信息。自顶向下的微体系架构分析方法（Top-Down Microarchitecture Analysis Method, TMAM）可以在乱序执行的内核"
            + "中识别性能瓶颈，其通用的分层框架和技术可以应用于许多乱序执行的微体系架构。…", lines);
        Assert.Equal(2, ReferenceItems.Read(export.Out).Count);
    }
}
