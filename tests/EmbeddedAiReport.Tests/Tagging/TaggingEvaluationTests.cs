using System.Text.RegularExpressions;
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
        // Every wrong item is listed once, with the editor's section and another one: rules and kinds are never wrong here.
        Assert.Equal(report.Items - report.Sections.Sum(s => s.Correct), report.Misrouted.Count);
        Assert.All(report.Misrouted, line =>
        {
            var match = Regex.Match(line, @"^\d{4}-\d{2}-\d{2} (news|papers|opensource|blogs) → (news|papers|opensource|blogs) \(router 0\.\d\d\): \S");
            Assert.True(match.Success, line);
            Assert.NotEqual(match.Groups[1].Value, match.Groups[2].Value);
        });
    }
}
