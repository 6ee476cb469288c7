using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Tests.Normalizing;

/// <summary>
/// Stored keys and fingerprints (WeChat temporary-link keys, schedule and draft fingerprints, same-text hashes) are digests
/// made here: the expected values are Python's <c>hashlib.sha256(text.encode()).hexdigest()</c>, cut to the bytes asked for.
/// </summary>
public sealed class TextDigestTests
{
    [Theory]
    [InlineData("", 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("量化 int8 NPU", 16, "4cbe0593a48214d7a90e82571dbca12e")]
    [InlineData("src=a&timestamp=1&ver=1&signature=x+y/z==", 12, "217f31ca595de0b37a540ebc")]
    [InlineData("src=a&timestamp=1&ver=1&signature=x+y/z==", 8, "217f31ca595de0b3")]
    public void Sha256Hex_BothCases_AreHashlibsDigestCut(string text, int bytes, string hashlib)
    {
        Assert.Equal(hashlib, TextDigest.Sha256HexLower(text, bytes));
        Assert.Equal(hashlib.ToUpperInvariant(), TextDigest.Sha256Hex(text, bytes));
    }

    [Fact]
    public void Sha256Hex_TemporaryWeChatLink_KeyIsTheEssentialQuerysDigest()
    {
        var link = WeChatArticleLink.TryParse("https://mp.weixin.qq.com/s?src=a&timestamp=1&ver=1&signature=abc&chksm=1#rd");
        Assert.Equal("wx:tmp:5d98612974bc1f9c6fdb1dda", link!.Key);
    }
}
