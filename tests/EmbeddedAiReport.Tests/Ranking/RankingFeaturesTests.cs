using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Tests.Ranking;

public sealed class RankingFeaturesTests
{
    private static readonly TagDefinition Quantization = new("quantization", 2, ["quantization", "int8"], [], ["量化"], [], []);
    private static readonly TagMatcher Matcher = new([Quantization]);

    private static CandidateEntry Post(string title, string summary, string key = "wx:abc", string url = "https://mp.weixin.qq.com/s/abc") =>
        new() { CanonicalKey = key, Url = url, Title = title, Summary = summary };

    private static List<(int Feature, float Value)> Features(CandidateEntry entry)
    {
        var features = new List<(int, float)>();
        RankingFeatures.Extract(entry, Matcher.Occurrences(entry.Title, entry.Summary), features);
        return features;
    }

    private static Dictionary<string, float> Named(CandidateEntry entry) =>
        RankingFeatures.Named(entry, Matcher.Occurrences(entry.Title, entry.Summary)).ToDictionary(f => f.Name, f => f.Value);

    [Fact]
    public void Extract_SameTextOtherUrlAndKey_SameFeatures()
    {
        // Nothing identifies the item itself: the model learns what is picked, not which item.
        var a = Post("端侧 INT8 量化实践", "在手机上部署量化模型。");
        var b = a with { CanonicalKey = "url:example.org/other", Url = "https://example.org/other?id=42" };

        Assert.Equal(Features(a), Features(b));
    }

    [Fact]
    public void Named_IncidentalMentionAndRepeatedTopic_WeighByOccurrences()
    {
        var incidental = Named(Post("手机影像横评", "顺带一提，夜景算法用了量化。"));
        var topic = Named(Post("INT8 量化实践", "量化把模型的权重变为 int8，量化后精度几乎不变。"));

        Assert.Equal(1f / 3, incidental["tag quantization"], 3);
        Assert.False(incidental.ContainsKey("tag in title quantization"));
        Assert.Equal(1f, topic["tag quantization"], 3);
        Assert.Equal(1f, topic["tag in title quantization"]);
    }

    [Fact]
    public void Named_TextBlocks_AreBigramsAndWordsScaledToUnitLength()
    {
        var named = Named(Post("Low-bit Networks", "量化网络"));

        // Title block: "low", "bit", "network" (plural folded) and the word bigrams "low bit", "bit network": 5 features.
        Assert.Equal((float)(1 / Math.Sqrt(5)), named["title network"], 5);
        Assert.True(named.ContainsKey("title \"low bit\""));
        // Whole-text block: the title's 5 plus the CJK bigrams 量化, 化网, 网络: 8 features.
        Assert.Equal((float)(1 / Math.Sqrt(8)), named["text 量化"], 5);
    }

    [Fact]
    public void Extract_HashesMatchTheNamedFeatures()
    {
        var entry = Post("Quantization on NPUs", "INT8 量化在 NPU 上的实践，见 https://arxiv.org/abs/2011.12289") with
        {
            Links = [new EntryLink("arxiv", "arxiv:2011.12289", "https://arxiv.org/abs/2011.12289")],
            Account = "机器之心",
        };

        Assert.Equal(Features(entry).Select(f => f.Feature).Order(),
            RankingFeatures.Named(entry, Matcher.Occurrences(entry.Title, entry.Summary)).Select(f => f.Feature).Order());
        Assert.Contains("account 机器之心", Named(entry).Keys);
        Assert.Contains("links to arxiv", Named(entry).Keys);
    }
}
