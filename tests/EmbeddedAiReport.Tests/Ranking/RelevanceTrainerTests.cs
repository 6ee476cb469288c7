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
    public void Compact_RowsOverSeveralChunksSomeRemoved_KeepEachRowsLearnableFeaturesItsValuesAndItsExample()
    {
        // The compact store's contract, recomputed here from the featurizer: the rows not removed, in order, each with its
        // own features that at least minDocuments of those rows have (and the bias) in its order, as indices into the
        // sorted vocabulary, its values and its example. The shipped examples (an editor's item with a summary is also
        // learned by its title alone: two rows), the flood and off-topic posts fill several chunks of 16,000 features;
        // one title of 9,000 words makes a row longer than a chunk.
        const int minDocuments = 5;
        var taxonomy = TaggingData.ShippedTaxonomy();
        var flood = TrainingFiles.ReadFlood(Path.Combine(Fixtures.ConfigDirectory, "training", "arxiv-cs-cv-2025-10.jsonl")).Entries;
        var examples = TrainingFiles.Positives(TaggingData.Corpus())
            .Concat(flood.Select(e => new RankingExample(e, false, "flood", null, "flood")))
            .Concat(TaggingData.OffTopic().Select((p, i) => new RankingExample(TrainingFiles.Post(p.Title, p.Summary, "某号", $"o{i}"), false, "offtopic", null, "offtopic")))
            .Append(new RankingExample(TrainingFiles.Post(string.Join(' ', Enumerable.Range(0, 9000).Select(i => $"long{i}x")), "", null, "long"), false, "long", null, "long"))
            .ToList();
        var documents = new RelevanceTrainer.Documents(taxonomy.Matcher);
        // Each example's rows as the store should make them: (features, example); every seventh example is removed (not the long one).
        var expected = new List<(List<(int Feature, float Value)> Features, RelevanceTrainer.Example Example)>();
        var row = 0;
        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            var rows = new List<(List<(int, float)>, RelevanceTrainer.Example)> { (Featurized(e.Entry), new(e.Relevant, e.Group, e.Relevant ? e.Section : null, e.Source)) };
            if (e.Relevant && e.Entry.Summary.Length > 0) rows.Add((Featurized(e.Entry with { Summary = "" }), new(true, e.Group, null, e.Source)));
            Assert.Equal(rows.Count, documents.Add(e));
            if (i % 7 == 3 && i < examples.Count - 1) documents.Remove(row, rows.Count);
            else expected.AddRange(rows);
            row += rows.Count;
        }
        var frequency = expected.SelectMany(r => r.Features.Select(f => f.Feature).Distinct()).CountBy(f => f).ToDictionary();
        var vocabulary = frequency.Where(p => p.Value >= minDocuments || p.Key == RankingFeatures.Bias).Select(p => p.Key).Order().ToArray();
        Assert.True(expected.Sum(r => r.Features.Count) > 4 * 16_000, $"{expected.Sum(r => r.Features.Count)} features");
        Assert.True(expected[^1].Features.Count > 16_000, $"{expected[^1].Features.Count} features in the long row");
        Assert.True(expected.Any(r => r.Example.Label) && row > expected.Count);

        var learnable = vocabulary.ToHashSet();

        Assert.Equal(vocabulary, documents.Compact(minDocuments));

        Assert.Equal(expected.Count, documents.Count);
        for (var r = 0; r < expected.Count; r++)
        {
            var kept = expected[r].Features.Where(f => learnable.Contains(f.Feature)).ToList();
            Assert.Equal(kept.Select(f => f.Feature), documents.Features(r).ToArray().Select(column => vocabulary[column]));
            Assert.Equal(kept.Select(f => f.Value), documents.Values(r).ToArray().Select(index => documents.Table[index]));
            Assert.Equal(expected[r].Example, documents.Info(r));
        }

        List<(int, float)> Featurized(CandidateEntry entry)
        {
            var features = new List<(int, float)>();
            RankingFeatures.Extract(entry, taxonomy.Matcher.Occurrences(entry.Title, entry.Summary), features);
            return features;
        }
    }

    [Fact]
    public void Compact_FewerRowsThanMinDocuments_KeepsTheBiasAlone()
    {
        // Every feature of three rows is in fewer than five of them; the bias is learned whatever (the model's intercept).
        var documents = new RelevanceTrainer.Documents(NoTags);
        foreach (var example in RelevanceModelTests.Examples().Where(e => !e.Relevant).Take(3)) documents.Add(example);

        Assert.Equal(new[] { RankingFeatures.Bias }, documents.Compact(5));
        Assert.All(Enumerable.Range(0, 3), r => Assert.Equal(new[] { 0 }, documents.Features(r).ToArray()));
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
