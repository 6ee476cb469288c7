using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tests.Storage;

public sealed class EntryTagTests
{
    // .NET's "R" (shortest round-trip) forms, as documented for double.ToString: the stored text of each weight.
    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1 / 3.0, "0.3333333333333333")]
    [InlineData(2.5, "2.5")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(-4.0, "-4")]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    public void Json_Weight_InItsShortestRoundTripForm_EveryTime(double weight, string expected)
    {
        var tags = new[] { new EntryTag("npu", weight) };

        // Formatted weights are kept for reuse: the second entry with the same weight must read the same.
        Assert.Equal($"{{\"npu\":{expected}}}", EntryTag.Json(tags));
        Assert.Equal($"{{\"npu\":{expected}}}", EntryTag.Json(tags));
    }

    [Fact]
    public void Json_ZeroAndNegativeZero_EachKeepItsSign()
    {
        // One key of a dictionary of doubles, two texts: neither may be read back as the other.
        Assert.Equal("{\"a\":0,\"b\":-0,\"c\":0}", EntryTag.Json([new("a", 0.0), new("b", -0.0), new("c", 0.0)]));
        Assert.Equal("{\"a\":-0,\"b\":0,\"c\":-0}", EntryTag.Json([new("a", -0.0), new("b", 0.0), new("c", -0.0)]));
    }

    [Fact]
    public void Json_ManyDistinctWeights_ReadBackExactly()
    {
        var random = new Random(7);
        var tags = Enumerable.Range(0, 6000).Select(i => new EntryTag($"t{i:0000}", random.NextDouble() * 10 - 5)).ToList();

        var parsed = EntryTag.Parse(EntryTag.Json(tags)).ToDictionary(t => t.Tag, t => t.Weight);

        Assert.All(tags, t => Assert.Equal(t.Weight, parsed[t.Tag]));
    }
}
