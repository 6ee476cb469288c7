using EmbeddedAiReport.Tagging;
using Xunit.Abstractions;

namespace EmbeddedAiReport.Tests.Tagging;

public sealed class TaggingEvaluationTests(ITestOutputHelper output)
{
    [Fact]
    public void Run_CorpusLeaveIssuesOut_MeetsTargets()
    {
        var report = TaggingEvaluation.Run(TaggingData.Corpus(), TaggingData.ShippedTaxonomy(), TaggingData.Sections, folds: 25);
        output.WriteLine(report.Format());

        Assert.Equal(454, report.Items);
        // The figures the README reports, to within one item: a change to routing or tags that moves them must update both.
        Assert.InRange(report.SectionAccuracy, 0.850 - 0.0023, 0.850 + 0.0023);
        Assert.Equal(448, report.TaggedItems);
    }
}
