using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>
/// The content hash stored with every entry decides whether a re-poll updates it, so a rewrite must give the values stored
/// databases hold. Expected values from Python: <c>hashlib.sha256('\x1f'.join(parts).encode()).hexdigest()[:24].upper()</c>.
/// </summary>
public sealed class EntryContentHashTests
{
    [Fact]
    public void Of_EntryWithEveryField_IsTheSha256OfItsFieldsJoined()
    {
        var entry = new CandidateEntry
        {
            CanonicalKey = "wx:abc", Url = "https://mp.weixin.qq.com/s/abc", Title = "华为发布 NPU 推理引擎 v2", Summary = "摘要：量化 & 剪枝 😀",
            Account = "机器之心", Prefix = "2004.10934v2", Version = 2, Published = new DateTimeOffset(2020, 5, 6, 8, 30, 0, TimeSpan.Zero),
            Links = [new("arxiv", "arxiv:2004.10934", "https://arxiv.org/abs/2004.10934"), new("github", "gh:tencent/ncnn", "https://github.com/Tencent/ncnn")],
        };
        Assert.Equal("ADD6BE706045C87AFD152E43", EntryContentHash.Of(entry));
    }

    [Fact]
    public void Of_EntryWithOnlyItsRequiredFields_IsTheSha256OfEmptyFieldsJoined()
    {
        Assert.Equal("238F33D835316E85E0E836D5", EntryContentHash.Of(new CandidateEntry { CanonicalKey = "url:example.org/a", Url = "https://example.org/a", Title = "Title" }));
    }
}
