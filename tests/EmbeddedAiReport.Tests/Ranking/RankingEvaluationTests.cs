using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Tests.Tagging;
using Xunit.Abstractions;

namespace EmbeddedAiReport.Tests.Ranking;

public sealed class RankingEvaluationTests(ITestOutputHelper output)
{
    private static string Training(string file) => Path.Combine(Fixtures.ConfigDirectory, "training", file);

    private static IReadOnlyList<CandidateEntry> Read(string file) => TrainingFiles.ReadFlood(Training(file)).Entries;

    [Fact]
    public void Run_CorpusAmongTheShippedFlood_KeepsTheEditorsItemsInTheDraft()
    {
        var negatives = Read("jiqizhixin-titles-2021-2022.jsonl").Concat(TrainingFiles.ReadOffTopic(Training("offtopic-posts.json")).Entries).ToList();

        var report = RankingEvaluation.Run(TaggingData.Corpus(), [Read("arxiv-cs-cv-2025-10.jsonl")], negatives, TaggingData.ShippedTaxonomy(),
            TaggingData.Sections, _ => 10, perWindow: 25, folds: 5);
        output.WriteLine(report.Format());

        // The figures the README reports (5 folds, 25 unpicked arXiv papers per issue), within about one item.
        Assert.Equal(454, report.Sections.Sum(s => s.Items));
        Assert.InRange(report.Recall, 0.991 - 0.0025, 0.991 + 0.0025);
        Assert.All(report.Sections, s => Assert.True(s.Recall >= 0.97, $"{s.Section}: {s.Recall:P1}"));
        Assert.InRange(report.Auc, 0.9869 - 0.003, 0.9869 + 0.003);
    }

    [Theory]
    [InlineData(new[] { 3.0, 4.0 }, new[] { 1.0, 2.0 }, 1.0)]
    [InlineData(new[] { 1.0 }, new[] { 2.0 }, 0.0)]
    [InlineData(new[] { 1.0 }, new[] { 1.0 }, 0.5)]
    [InlineData(new[] { 1.0, 3.0 }, new[] { 2.0 }, 0.5)]
    [InlineData(new[] { 2.0 }, new[] { 1.0, 2.0, 3.0, 4.0 }, 0.375)]
    public void Auc_KnownCases(double[] positives, double[] negatives, double expected) =>
        Assert.Equal(expected, RankingEvaluation.Auc(positives, negatives), 6);
}
