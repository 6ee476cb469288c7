using EmbeddedAiReport.Tagging;
using Xunit.Abstractions;

namespace EmbeddedAiReport.Tests.Tagging;

public sealed class TaggingEvaluationTests(ITestOutputHelper output)
{
    [Fact]
    public void Run_CorpusLeaveIssuesOut_MeetsTargets()
    {
        var report = TaggingEvaluation.Run(TaggingData.Corpus(), TaggingData.ShippedTaxonomy(), TaggingData.Sections, folds: 25,
            TaggingData.ShippedThreshold(), TaggingData.OffTopic());
        output.WriteLine(report.Format());

        Assert.Equal(454, report.Items);
        Assert.True(report.SectionAccuracy >= 0.85, $"section accuracy {report.SectionAccuracy:P1} < 85 %");
        Assert.True(report.TagCoverage >= 0.90, $"tag coverage {report.TagCoverage:P1} < 90 %");
        Assert.True(report.CorpusRelevant >= 0.95, $"corpus items above threshold {report.CorpusRelevant:P1} < 95 %");
        Assert.True(report.OffTopicPosts >= 50);
        Assert.True(report.OffTopicRejected >= 0.95, $"off-topic posts below threshold {report.OffTopicRejected:P1} < 95 %");
    }
}
