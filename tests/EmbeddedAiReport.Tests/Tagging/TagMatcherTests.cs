using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Tests.Tagging;

public sealed class TagMatcherTests
{
    private static readonly Taxonomy Sample = Taxonomy.Parse("""
        {"tags": [
          {"tag": "quantization", "weight": 2, "en": ["quantize", "int8", "low-bit"], "zh": ["量化"], "negative": ["量化交易"], "patterns": ["\\bw\\d+a\\d+\\b"]},
          {"tag": "pruning", "weight": 2, "en": ["prune", "sparsity"], "zh": ["剪枝"]},
          {"tag": "ai-chips", "weight": 2, "en": ["NPU", "MACE"], "zh": ["AI芯片"]},
          {"tag": "llm", "weight": 1, "en": ["llama.cpp"]}
        ]}
        """, "tags.json").Taxonomy!;

    [Theory]
    [InlineData("We prune channels", "pruning")]
    [InlineData("Pruning ResNet-50 by 50%", "pruning")]
    [InlineData("pruned and fine-tuned", "pruning")]
    [InlineData("Structured sparsities", "pruning")]
    [InlineData("Quantizing BERT to INT8", "quantization")]
    [InlineData("quantized weights", "quantization")]
    [InlineData("LOW-BIT inference", "quantization")]
    [InlineData("W4A8 kernels for phones", "quantization")]
    [InlineData("模型量化总结", "quantization")]
    [InlineData("通道剪枝实践", "pruning")]
    [InlineData("瑞芯微NPU芯片", "ai-chips")]
    [InlineData("新一代AI芯片发布", "ai-chips")]
    [InlineData("Run it with llama.cpp today", "llm")]
    public void Match_TermForms_FindsTag(string text, string tag)
    {
        Assert.Equal([tag], Sample.Matcher.Match(text).Select(t => t.Name));
    }

    [Theory]
    [InlineData("Macedonia wins the match")]       // MACE inside a word
    [InlineData("the npus1 register")]            // NPU followed by more letters and digits
    [InlineData("量化交易策略年化收益20%")]          // negative term vetoes 量化
    [InlineData("A quantitative study")]
    [InlineData("")]
    public void Match_NoTermAsWholeWord_FindsNothing(string text)
    {
        Assert.Empty(Sample.Matcher.Match(text));
    }

    [Fact]
    public void Match_TitleAndSummary_CombinesTagsInTaxonomyOrder()
    {
        var tags = Sample.Matcher.Match("剪枝与NPU", "then quantize to int8");

        Assert.Equal(["quantization", "pruning", "ai-chips"], tags.Select(t => t.Name));
    }

    [Fact]
    public void Match_OverlappingTerms_FindsBoth()
    {
        var taxonomy = Taxonomy.Parse("""{"tags": [{"tag": "a", "zh": ["神经网络处理器"]}, {"tag": "b", "zh": ["网络"]}]}""", "tags.json").Taxonomy!;

        Assert.Equal(["a", "b"], taxonomy.Matcher.Match("华为神经网络处理器").Select(t => t.Name));
    }

    [Fact]
    public void Occurrences_TitleAndSummary_CountedApartAndVetoedTogether()
    {
        var found = Sample.Matcher.Occurrences("INT8 量化 on the NPU", "量化后 int8 模型剪枝，再量化。W4A8 也行");

        Assert.Equal([("quantization", 2, 3), ("pruning", 0, 1), ("ai-chips", 1, 0)], found.Select(o => (o.Tag.Name, o.InTitle, o.InSummary)));
        Assert.DoesNotContain(Sample.Matcher.Occurrences("量化投资", "量化交易策略"), o => o.Tag.Name == "quantization");
        Assert.Equal(Sample.Matcher.Match("INT8 量化", "剪枝").Select(t => t.Name), Sample.Matcher.Occurrences("INT8 量化", "剪枝").Select(o => o.Tag.Name));
    }
}
