using EmbeddedAiReport.Dedup;

namespace EmbeddedAiReport.Tests.Dedup;

public sealed class MinHasherTests
{
    private readonly MinHasher _hasher = new(new DedupOptions());

    // The signature of a set is, by definition, the position-wise minimum of the signatures of its members; this holds
    // whatever order or unrolling the implementation uses, and catches a shingle skipped at the end of a block.
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(333)]
    public void Signature_AnyShingleCount_IsThePositionWiseMinimumOfEachShingle(int count)
    {
        var random = new Random(count);
        var shingles = Enumerable.Range(0, count).Select(_ => (uint)random.NextInt64(0, uint.MaxValue + 1L)).ToArray();
        var expected = Enumerable.Repeat(uint.MaxValue, new DedupOptions().SignatureLength).ToArray();
        foreach (var shingle in shingles)
        {
            var single = _hasher.Signature([shingle]);
            for (var i = 0; i < expected.Length; i++) expected[i] = Math.Min(expected[i], single[i]);
        }

        Assert.Equal(expected, _hasher.Signature(shingles));
    }

    [Fact]
    public void Signature_NoShingles_IsAllMaxValue()
    {
        Assert.All(_hasher.Signature([]), value => Assert.Equal(uint.MaxValue, value));
    }

    [Fact]
    public void Signature_OneShingle_DiffersPerHashFunction()
    {
        var signature = _hasher.Signature([12345u]);

        Assert.True(signature.Distinct().Count() > signature.Length / 2);
    }
}
