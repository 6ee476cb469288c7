using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Tests.Ranking;

public sealed class RelevanceModelTests
{
    private static readonly TagMatcher NoTags = new([]);

    internal static IReadOnlyList<RankingExample> Examples()
    {
        string[] on = ["INT8 量化部署到手机 NPU", "模型剪枝与量化加速端侧推理", "NCNN 在 ARM 上的 INT8 推理优化", "低比特量化神经网络综述", "端侧推理引擎 MNN 发布新版本",
            "手机 NPU 跑分对比", "移动端模型压缩实践", "二值网络在嵌入式设备上的部署"];
        string[] off = ["A股收涨券商走强", "周末足球联赛前瞻", "新款咖啡机测评", "楼市成交回暖", "电影票房破纪录", "旅游攻略：海岛度假", "基金经理调仓", "马拉松报名开启"];
        return on.Select((t, i) => new RankingExample(TrainingFiles.Post(t, t + "。", null, $"on{i}"), true, $"issue{i % 4}", "news"))
            .Concat(off.Select((t, i) => new RankingExample(TrainingFiles.Post(t, t + "。", null, $"off{i}"), false, "files", null, "files")))
            .ToList();
    }

    private static double Score(RelevanceModel model, string title) =>
        model.Score(TrainingFiles.Post(title, title + "。", null, "x"), NoTags.Occurrences(title, title));

    [Fact]
    public void Parse_ToJson_RoundTripsScoresAndThresholds()
    {
        var model = RelevanceTrainer.Train(Examples(), NoTags, "test");
        var (parsed, problem) = RelevanceModel.Parse(model.ToJson(), "ranker.json");

        Assert.Null(problem);
        Assert.Equal(model.ToJson(), parsed!.ToJson());
        Assert.Equal(Score(model, "量化推理新进展"), Score(parsed, "量化推理新进展"), 4);
        Assert.Equal(model.ThresholdFor("news"), parsed.ThresholdFor("news"), 4);
    }

    [Theory]
    [InlineData("{ not json", "ranker.json: not a relevance model:")]
    [InlineData("""{"format": "eair-section-router/1"}""", "ranker.json: format: expected 'eair-relevance/1'")]
    [InlineData("""{"format": "eair-relevance/1", "calibration": {"scale": -1, "offset": 0}, "threshold": 0.2, "weights": {"1": 1}}""", "ranker.json: calibration:")]
    [InlineData("""{"format": "eair-relevance/1", "calibration": {"scale": 1, "offset": 0}, "threshold": 2, "weights": {"1": 1}}""", "ranker.json: threshold: expected a number from 0 to 1")]
    [InlineData("""{"format": "eair-relevance/1", "calibration": {"scale": 1, "offset": 0}, "threshold": 0.2, "weights": {}}""", "ranker.json: weights: the model has no weights")]
    public void Parse_BrokenFile_NamesFileAndField(string json, string expected)
    {
        var (model, problem) = RelevanceModel.Parse(json, "ranker.json");

        Assert.Null(model);
        Assert.StartsWith(expected, problem);
    }

    [Fact]
    public void Score_SourceWeight_AddsToTheLogOdds()
    {
        var model = RelevanceTrainer.Train(Examples(), NoTags, "test");
        var entry = TrainingFiles.Post("量化推理", "量化推理。", null, "x");
        var plain = model.Score(entry, []);
        var weighted = model.Score(entry, [], sourceWeight: 1);

        Assert.Equal(Math.Log(plain / (1 - plain)) + 1, Math.Log(weighted / (1 - weighted)), 6);
    }
}
