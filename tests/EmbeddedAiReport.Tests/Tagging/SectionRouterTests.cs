using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Tagging;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Tagging;

public sealed class SectionRouterTests
{
    private static SectionRouter TrainOnCorpus() =>
        RouterTrainer.Train(TaggingData.Corpus().SelectMany(i => i.Items).ToList(), TaggingData.ShippedTaxonomy().Matcher, TaggingData.Sections,
            0.4, "25 issues (2019-03-31 … 2020-05-15), 454 items");

    [Fact]
    public void Parse_ToJson_RoundTripsPredictions()
    {
        var router = TrainOnCorpus();
        var (parsed, problem) = SectionRouter.Parse(router.ToJson(), "router.json");

        Assert.Null(problem);
        foreach (var (entry, _) in TaggingData.Corpus()[^1].Items)
            Assert.Equal(router.Predict(entry, []), parsed!.Predict(entry, []));
    }

    [Fact]
    public void Parse_ShippedModel_WritesBackTheSameModel()
    {
        // The file was written by ToJson: read and written again it must be the same JSON, every feature and weight.
        var text = File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "router.json"));
        var (router, problem) = SectionRouter.Parse(text, "router.json");

        Assert.Null(problem);
        var expected = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        Assert.Equal(7017, expected["weights"]!.AsObject().Count);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(expected, System.Text.Json.Nodes.JsonNode.Parse(router!.ToJson())));
    }

    [Fact]
    public void Parse_PropertiesInAnyOrder_EscapedNamesAndUnknownProperties_ReadAsTheModel()
    {
        var json = """
            // a comment, as ops may leave one
            {"weights": {"\u0031": [0.5, -0.25], "-7": [1, 2],}, "extra": {"a": [1, {"b": "c"}]}, "classes": ["news", "papers"],
             "minConfidence": 0.6, "format": "eair-section-router/1", "trainedOn": "hand-made"}
            """;

        var (router, problem) = SectionRouter.Parse(json, "router.json");

        Assert.Null(problem);
        Assert.Equal(["news", "papers"], router!.Classes);
        Assert.Equal(0.6, router.MinConfidence);
        Assert.Equal("hand-made", router.TrainedOn);
        var written = System.Text.Json.Nodes.JsonNode.Parse(router.ToJson())!["weights"]!;
        Assert.Equal("{\"-7\":[1,2],\"1\":[0.5,-0.25]}", written.ToJsonString());
    }

    [Theory]
    [InlineData("{}", "router.json: format: expected 'eair-section-router/1'")]
    [InlineData("""{"format": "eair-section-router/1", "classes": ["news", "papers"], "weights": {"1": [0.5]}}""", "router.json: weights: feature 1 has 1 weights for 2 classes")]
    [InlineData("not json", "router.json: not a section router model")]
    [InlineData("""{"format": "eair-section-router/1", "classes": ["news", "papers"]}""", "router.json: not a section router model")]
    [InlineData("""{"format": "eair-section-router/1", "classes": ["news", "papers"], "weights": {"1": [0.5, 1]}} x""", "router.json: not a section router model")]
    [InlineData("""{"format": "eair-section-router/1", "classes": ["news", "papers"], "weights": {"one": [0.5, 1]}}""", "router.json: not a section router model")]
    [InlineData("""{"format": "eair-section-router/1", "classes": ["news", "papers"], "weights": {"1": [0.5, "1"]}}""", "router.json: not a section router model")]
    [InlineData("""{"format": "eair-section-router/1", "classes": ["news"], "weights": {}}""", "router.json: classes: expected at least two section slugs")]
    [InlineData("""{"format": "eair-section-router/1", "classes": ["news", "papers"], "minConfidence": 2, "weights": {}}""", "router.json: minConfidence: expected a number from 0 to 1")]
    [InlineData("""{"format": "eair-section-router/1", "classes": ["news", "papers"], "weights": {"1": [0.5, 1]""", "router.json: not a section router model")]
    public void Parse_BrokenModel_ReturnsProblem(string json, string expected)
    {
        var (router, problem) = SectionRouter.Parse(json, "router.json");

        Assert.Null(router);
        Assert.StartsWith(expected, problem);
    }

    [Theory]
    [InlineData("https://arxiv.org/abs/2011.12289", "A paper", "papers")]
    [InlineData("https://github.com/Tencent/ncnn", "ncnn", "opensource")]
    [InlineData("https://mp.weixin.qq.com/s/abc", "alibaba/MNN: 开源一年，MNN 1.0.0正式发布", "opensource")]
    public void Rule_WhatTheEntryIs_FixesSection(string url, string title, string section)
    {
        var entry = new CandidateEntry { CanonicalKey = EntryKey.For(new Uri(url)), Url = url, Title = title };

        Assert.Equal(section, SectionRouter.Rule(entry)?.Section);
    }

    [Theory]
    [InlineData("高通发布骁龙875芯片，台积电5nm工艺", "高通即将推出的骁龙875，将采用台积电5nm工艺，预计明年发布，集成X60基带。", "news")]
    [InlineData("CVPR 2020论文：面向移动端的轻量级网络设计", "本文提出了一种新的轻量级网络结构，论文链接：https://arxiv.org/abs/2003.13678 实验表明在ImageNet上精度更高。", "papers")]
    [InlineData("详解ARM NEON汇编优化卷积计算", "本文介绍如何用NEON指令优化卷积与矩阵乘，并分析访存瓶颈。", "blogs")]
    public void Predict_UnseenPost_PicksTheEditorsSection(string title, string summary, string section)
    {
        var (router, _) = SectionRouter.Parse(File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "router.json")), "router.json");
        var entry = new CandidateEntry
        {
            CanonicalKey = "url:mp.weixin.qq.com/s/unseen", Url = "https://mp.weixin.qq.com/s/unseen", Title = title, Summary = summary,
            Links = Mentions.Find(null, summary),
        };

        Assert.Equal(section, router!.Predict(entry, TaggingData.ShippedTaxonomy().Matcher.Match(title, summary)).Section);
    }
}
