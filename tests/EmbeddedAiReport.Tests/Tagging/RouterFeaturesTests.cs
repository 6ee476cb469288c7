using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Tests.Tagging;

public sealed class RouterFeaturesTests
{
    [Fact]
    public void Deduplicate_EachFeatureOnce_InFeatureOrder_WithItsLargestValue()
    {
        var features = new List<(int Feature, float Value)>
        {
            (5, 0.5f), (3, 1f), (5, 2f), (-7, -1f), (-7, -3f), (3, 0.25f), (int.MinValue, 0f), (int.MaxValue, -0.5f), (int.MaxValue, float.MaxValue),
            (0, float.MinValue), (0, -0.125f), (9, 1f), (9, 1f),
        };

        RouterFeatures.Deduplicate(features);

        Assert.Equal([(int.MinValue, 0f), (-7, -1f), (0, -0.125f), (3, 1f), (5, 2f), (9, 1f), (int.MaxValue, float.MaxValue)], features);
    }

    [Fact]
    public void Deduplicate_RandomFeatures_AsGroupingByFeatureAndTakingTheMaximum()
    {
        var random = new Random(11);
        for (var round = 0; round < 200; round++)
        {
            // Few distinct features, so most repeat; sizes on both sides of the stack buffer.
            var count = random.Next(0, 1200);
            var features = Enumerable.Range(0, count)
                .Select(_ => (Feature: random.Next(-40, 40) * 53_000_000, Value: (float)(random.NextDouble() * 8 - 4)))
                .ToList();
            var expected = features.GroupBy(f => f.Feature).OrderBy(g => g.Key).Select(g => (g.Key, g.Max(f => f.Value))).ToList();

            RouterFeatures.Deduplicate(features);

            Assert.Equal(expected, features);
        }
    }
}
