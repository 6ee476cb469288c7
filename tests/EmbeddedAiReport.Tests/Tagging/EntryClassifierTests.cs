using EmbeddedAiReport.Tagging;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Tagging;

public sealed class EntryClassifierTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2020, 5, 20, 0, 0, 0, TimeSpan.Zero));

    private static SectionRouter ShippedRouter(double? minConfidence = null)
    {
        var json = File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "router.json"));
        if (minConfidence is { } value) json = json.Replace("\"minConfidence\":0.4", $"\"minConfidence\":{value}", StringComparison.Ordinal);
        return SectionRouter.Parse(json, "router.json").Router!;
    }

    private static EntryClassifier Classifier(SectionRouter? router) => new(new TaggingModel(TaggingData.ShippedTaxonomy(), router), Clock);

    private static SourceDefinition Source(string? section = null, double weight = 0) => new() { Id = "s", Kind = "feed", Section = section, Weight = weight };

    private static CandidateEntry ChipNews(string? section = null) => new()
    {
        CanonicalKey = "url:example.com/chip", Url = "https://example.com/chip", Section = section,
        Title = "联发科发布天玑1000+，内置独立AI处理单元APU", Summary = "联发科今日发布天玑1000+芯片，支持144Hz屏幕与5G双卡，APU算力提升。",
        Published = Clock.GetUtcNow().AddDays(-1),
    };

    [Fact]
    public void Classify_KindChoseSection_KeepsIt()
    {
        var write = Classifier(ShippedRouter()).Classify(ChipNews(section: "papers"), Source(), "blogs");

        Assert.Equal("papers", write.Section);
    }

    [Fact]
    public void Classify_PostWithRouter_RoutesScoresAndTags()
    {
        var classification = Classifier(ShippedRouter()).Explain(ChipNews(), Source(weight: 0.5), "blogs");
        var write = Classifier(ShippedRouter()).Classify(ChipNews(), Source(weight: 0.5), "blogs");

        Assert.Equal("news", write.Section);
        Assert.Equal("router", classification.Route.Reason);
        // tags.json: APU/算力 → ai-chips (2), AI → deep-learning (0.75), 联发科/天玑 → mobile-soc (1.5), 芯片 → semiconductor (1.25);
        // no ranker, so the keyword score 5.5 + source 0.5 + recency 0.25 × (1 − 1/14 days) = 6.232 (recency rounded to 3
        // places), mapped as σ(6.232 − 1.25).
        Assert.Equal([("ai-chips", 2.0), ("deep-learning", 0.75), ("mobile-soc", 1.5), ("semiconductor", 1.25)], write.Tags.Select(t => (t.Tag, t.Weight)).Order());
        var expected = 1 / (1 + Math.Exp(-(2 + 0.75 + 1.5 + 1.25 + 0.5 + 0.232 - 1.25)));
        Assert.Equal(expected, write.Score, 12);
        Assert.Equal(expected, classification.Relevance.Score, 12);
    }

    [Fact]
    public void ExplainStored_NoModel_ExplainsTheKeywordScoreTheRelevanceWasMappedFrom()
    {
        var classifier = Classifier(ShippedRouter());
        var chip = ChipNews();
        var write = classifier.Classify(chip, Source(weight: 0.5), "blogs");
        var stored = new EmbeddedAiReport.Storage.StoredEntry(1, "s", "feed", chip.CanonicalKey, chip.Url, chip.Title, chip.Summary, null, chip.Published,
            Clock.GetUtcNow(), write.Section, null, null, write.Score, "candidate", null, []);

        var relevance = classifier.ExplainStored(stored, 0.5);

        // The keyword score 6.232 of Classify_PostWithRouter_RoutesScoresAndTags, its recency the part the tags, source and links leave.
        Assert.Equal(write.Score, relevance.Score);
        var keywords = Assert.IsType<ScoreExplanation>(relevance.Keywords);
        Assert.Equal(0.232, keywords.RecencyBonus, 3);
        Assert.Equal(6.232, keywords.Total, 3);
        Assert.EndsWith("| source +0.5 | links +0 | recency +0.23 = 6.23", relevance.ToString());
    }

    [Fact]
    public void Classify_RouterUnsure_SourceHintWins()
    {
        var classification = Classifier(ShippedRouter(minConfidence: 1)).Explain(ChipNews(), Source(section: "blogs"), "blogs");

        Assert.Equal("blogs", classification.Route.Section);
        Assert.StartsWith("hint (router said news)", classification.Route.Reason);
    }

    [Fact]
    public void Classify_RouterUnsureNoHint_KeepsRoutersGuess()
    {
        var classification = Classifier(ShippedRouter(minConfidence: 1)).Explain(ChipNews(), Source(), "blogs");

        Assert.Equal("news", classification.Route.Section);
    }

    [Theory]
    [InlineData("opensource", "opensource")]
    [InlineData(null, "blogs")]
    public void Classify_NoRouter_HintElseKindDefault(string? hint, string expected)
    {
        Assert.Equal(expected, Classifier(null).Classify(ChipNews(), Source(section: hint), "blogs").Section);
    }

    [Fact]
    public void Classify_EmptyModel_ScoresSourceWeightOnlyOnTheKeywordScale()
    {
        var write = new EntryClassifier(TaggingModel.Empty, Clock).Classify(ChipNews() with { Published = null }, Source(weight: 1.5), "news");

        // Keyword score 1.5 (the source weight alone) is 0.25 above the 1.25 midpoint: σ(0.25).
        Assert.Equal(1 / (1 + Math.Exp(-0.25)), write.Score, 12);
        Assert.Empty(write.Tags);
    }
}
