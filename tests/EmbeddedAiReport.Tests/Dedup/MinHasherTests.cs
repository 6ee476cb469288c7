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

    // Dedup:MinShingles (12) is the fewest distinct 3-character shingles a comparable text has: 14 distinct letters give
    // 14 − 3 + 1 = 12 shingles (case, spaces and punctuation are not compared), 13 letters give 11.
    [Theory]
    [InlineData("abcdefghijklmn", 12, true)]
    [InlineData("ABC-def ghi, jkl mn", 12, true)]
    [InlineData("abcdefghijklm", 11, false)]
    public void Fingerprint_AtTheMinimumShingleCount_IsComparable(string text, int shingles, bool comparable)
    {
        var fingerprint = _hasher.Fingerprint("", text);

        Assert.Equal(shingles, fingerprint.ShingleCount);
        Assert.Equal(comparable, fingerprint.Comparable);
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

    // Stored signatures must stay comparable with new ones: these values come from the scalar implementation the first
    // databases were signed with. 21 values cover every path (blocks of 16 and of 4 hash functions, and single ones).
    [Fact]
    public void Signature_FixedShingles_KeepsTheValuesStoredSignaturesHave()
    {
        var hasher = new MinHasher(new DedupOptions { Bands = 7, Rows = 3 });
        var shingles = Enumerable.Range(0, 37).Select(i => (uint)(i * 2654435761u ^ 0x5bd1e995u)).ToArray();

        uint[] expected = [152317960, 6031834, 168890356, 43708073, 131284288, 62410927, 56099932, 92623573, 71338813, 111185412, 530589700,
            74027806, 189098342, 75004957, 151221126, 173492718, 29537433, 15523339, 132965502, 49086212, 167653366];
        Assert.Equal(expected, hasher.Signature(shingles));
    }

    // The whole fingerprint of a text as stored databases hold it, computed apart from this code (a Python transcription of
    // the documented steps: title and text joined by a space, URLs out, NFKC, lower-case letters and digits, distinct
    // FNV-1a+murmur3 3-shingles, SplitMix multiply-shift MinHash, SHA-256 of the UTF-8 normalized text): shingle count,
    // text hash, first and last value, FNV-1a checksum of the signature. The second text has a URL ending the title and a
    // combining accent and Hangul jamo opening the text (NFKC composes them into é and 한), and a ligature.
    [Theory]
    [InlineData("端侧推理：ＮＰＵ上的INT8量化",
        "Qualcomm 发布新一代 NPU，支持 INT4/INT8 低比特量化，详见 https://arxiv.org/abs/2401.00001v2 。模型压缩与剪枝让 7B 模型跑在手机上，速度提升３倍。",
        65, "A7FA4A95791E46CD44991AD8DD38DA93", 5239769u, 45984878u, 4476717317184002008UL)]
    [InlineData("Ｍｏｄｅｌ compression https://example.com/a?b=1",
        "\u0301e\u0301tude: \u1112\u1161\u11AB국어 한 모델 ﬁne-tuning, INT4 量化 http://arxiv.org/abs/2401.00001",
        41, "713F3BD530FF9673C157B384794E1730", 51588475u, 24300326u, 3120273621831302933UL)]
    public void Fingerprint_Text_KeepsTheValuesStoredFingerprintsHave(string title, string text, int shingles, string textHash, uint first, uint last, ulong sum)
    {
        var fingerprint = _hasher.Fingerprint(title, "", text);

        var checksum = 1469598103934665603UL;
        foreach (var value in fingerprint.Signature) checksum = (checksum ^ value) * 1099511628211UL;
        Assert.Equal((shingles, textHash), (fingerprint.ShingleCount, fingerprint.TextHash));
        Assert.Equal((first, last, sum), (fingerprint.Signature[0], fingerprint.Signature[^1], checksum));
    }

    [Fact]
    public void Signature_DefaultOptions_KeepsTheValuesStoredSignaturesHave()
    {
        var shingles = Enumerable.Range(0, 37).Select(i => (uint)(i * 2654435761u ^ 0x5bd1e995u)).ToArray();

        var signature = _hasher.Signature(shingles);

        var checksum = 1469598103934665603UL;   // FNV-1a over the 120 values
        foreach (var value in signature) checksum = (checksum ^ value) * 1099511628211UL;
        Assert.Equal((152317960u, 158526936u, 2587191826698717574UL), (signature[0], signature[^1], checksum));
    }
}
