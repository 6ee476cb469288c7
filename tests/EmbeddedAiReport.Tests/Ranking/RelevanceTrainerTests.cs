using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Tagging;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Tests.Tagging;

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
    public void Documents_EveryValueTheFeaturizerMakes_ComesBackAsTheSameFloat()
    {
        // The store keeps each value as an index into a table of the distinct ones: the features the fits read must be
        // the featurizer's own floats, bit for bit. Real text (the shipped examples, the flood, off-topic posts: tag
        // thirds, blocks of every size they have) and titles of 1 to 300 distinct words (1/√n of every block size).
        var taxonomy = TaggingData.ShippedTaxonomy();
        var flood = TrainingFiles.ReadFlood(Path.Combine(Fixtures.ConfigDirectory, "training", "arxiv-cs-cv-2025-10.jsonl")).Entries;
        var words = Enumerable.Range(1, 300).Select(n => string.Join(' ', Enumerable.Range(0, n).Select(i => $"w{i}x"))).ToList();
        var entries = TrainingFiles.Positives(TaggingData.Corpus()).Select(e => e.Entry)
            .Concat(flood)
            .Concat(TaggingData.OffTopic().Select((p, i) => TrainingFiles.Post(p.Title, p.Summary, "某号", $"o{i}")))
            .Concat(words.Select((title, i) => TrainingFiles.Post(title, "", null, $"w{i}")))
            .ToList();
        var documents = new RelevanceTrainer.Documents(taxonomy.Matcher);
        var distinct = new HashSet<int>();

        foreach (var entry in entries) documents.Add(new RankingExample(entry, false, "g", null, "s"));

        for (var row = 0; row < entries.Count; row++)
        {
            var expected = new List<(int Feature, float Value)>();
            RankingFeatures.Extract(entries[row], taxonomy.Matcher.Occurrences(entries[row].Title, entries[row].Summary), expected);
            var values = new List<int>();
            foreach (var index in documents.Values(row)) values.Add(BitConverter.SingleToInt32Bits(documents.Table[index]));
            Assert.Equal(expected.Select(f => f.Feature), documents.Features(row).ToArray());
            Assert.Equal(expected.Select(f => BitConverter.SingleToInt32Bits(f.Value)), values);
            distinct.UnionWith(values);
        }
        Assert.True(distinct.Count > 300, $"{distinct.Count} distinct values");
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
