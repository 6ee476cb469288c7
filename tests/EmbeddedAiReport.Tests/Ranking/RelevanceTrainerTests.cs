using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Tests.Ranking;

public sealed class RelevanceTrainerTests
{
    private static readonly TagMatcher NoTags = new([]);

    [Fact]
    public void Train_SameExamples_SameModelByteForByte()
    {
        Assert.Equal(RelevanceTrainer.Train(RelevanceModelTests.Examples(), NoTags, "t").ToJson(),
            RelevanceTrainer.Train(RelevanceModelTests.Examples(), NoTags, "t").ToJson());
    }

    [Fact]
    public void Train_EditorsTopicAgainstOthers_RanksUnseenItemsOfTheTopicFirstWithoutTies()
    {
        // Sixteen examples: every feature seen twice is learned (the default needs five documents, for real data).
        var model = RelevanceTrainer.Train(RelevanceModelTests.Examples(), NoTags, "t", new RelevanceTrainerOptions { MinDocuments = 2 });
        double Score(string title) => model.Score(TrainingFiles.Post(title, title + "。", null, "x"), []);

        var onTopic = new[] { Score("手机 NPU 上的 INT8 量化"), Score("端侧推理引擎的剪枝加速") };
        var offTopic = new[] { Score("足球联赛周末综述"), Score("楼市与基金的一周") };

        Assert.True(onTopic.Min() > offTopic.Max(), $"on-topic {string.Join(", ", onTopic)} vs off-topic {string.Join(", ", offTopic)}");
        Assert.All(onTopic.Concat(offTopic), s => Assert.InRange(s, 0, 1));
        Assert.Equal(4, onTopic.Concat(offTopic).Distinct().Count());
    }

    [Fact]
    public void Train_NoEditorsItems_IsAClearError()
    {
        var onlyUnpicked = RelevanceModelTests.Examples().Where(e => !e.Relevant).ToList();

        var error = Assert.Throws<RelevanceTrainer.NoExamplesException>(() => RelevanceTrainer.Train(onlyUnpicked, NoTags, "t"));
        Assert.Equal("no relevant examples (published, imported or shortlisted items) to learn from", error.Message);
    }

    [Fact]
    public void Train_NoUnpickedItems_IsAClearError()
    {
        var onlyPicked = RelevanceModelTests.Examples().Where(e => e.Relevant).ToList();

        var error = Assert.Throws<RelevanceTrainer.NoExamplesException>(() => RelevanceTrainer.Train(onlyPicked, NoTags, "t"));
        Assert.Equal("no irrelevant examples (unpicked entries, flood, off-topic posts) to learn from", error.Message);
    }
}
