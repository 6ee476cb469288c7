using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Tests.Tagging;

public sealed class RelevanceScorerTests
{
    private static readonly DateTimeOffset Now = new(2020, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static readonly TagDefinition Npu = new("npu", 2, ["NPU"], [], [], [], []);
    private static readonly TagDefinition Quant = new("quantization", 2.5, ["int8"], [], [], [], []);

    private static CandidateEntry Post(DateTimeOffset? published, params EntryLink[] links) => new()
    {
        CanonicalKey = "url:example.com/p/1", Url = "https://example.com/p/1", Title = "NPU int8", Published = published, Links = links,
    };

    [Fact]
    public void Score_AllComponents_SumsAndExplainsEach()
    {
        var post = Post(Now.AddDays(-7), new EntryLink("arxiv", "arxiv:2011.12289", "https://arxiv.org/abs/2011.12289"));

        var score = RelevanceScorer.Score(post, [Npu, Quant], 0.5, new ScoringOptions { RecencyWeight = 0.5, RecencyDays = 14 }, Now);

        Assert.Equal(4.5 + 0.5 + 1 + 0.25, score.Total);
        Assert.Equal([new("npu", 2), new("quantization", 2.5)], score.Tags);
        Assert.Equal("npu +2, quantization +2.5 | source +0.5 | links +1 | recency +0.25 = 6.25", score.ToString());
    }

    [Fact]
    public void Explain_StoredScore_GivesTheSameDecompositionAsWhenItWasScored()
    {
        var post = Post(Now.AddDays(-7), new EntryLink("arxiv", "arxiv:2011.12289", "https://arxiv.org/abs/2011.12289"));
        var scoring = new ScoringOptions { RecencyWeight = 0.5, RecencyDays = 14 };
        var scored = RelevanceScorer.Score(post, [Npu, Quant], 0.5, scoring, Now);

        var explained = RelevanceScorer.Explain(scored.Total, scored.Tags, post.Links, 0.5, scoring);

        Assert.Equal(scored.ToString(), explained.ToString());
    }

    // A reloaded tags.json gives a tag a new weight in a new definition of the same name (and equal otherwise but for the
    // weight); an entry scored after it carries the new weight, one scored before keeps the old, both scored in one process.
    [Fact]
    public void Score_SameTagReloadedWithAnotherWeight_EachEntryCarriesItsDefinitionsWeight()
    {
        var reloaded = Npu with { Weight = 3 };

        var before = RelevanceScorer.Score(Post(null), [Npu], 0, new ScoringOptions(), Now);
        var after = RelevanceScorer.Score(Post(null), [reloaded], 0, new ScoringOptions(), Now);
        var again = RelevanceScorer.Score(Post(null), [Npu, Quant], 0, new ScoringOptions(), Now);

        Assert.Equal([new("npu", 2)], before.Tags);
        Assert.Equal([new("npu", 3)], after.Tags);
        Assert.Equal([new("npu", 2), new("quantization", 2.5)], again.Tags);
        Assert.Equal(3, after.Total);
    }

    [Fact]
    public void Score_TagsOverCap_CappedAndSaidSo()
    {
        var score = RelevanceScorer.Score(Post(null), [Npu, Quant], 0, new ScoringOptions { MaxTagScore = 3 }, Now);

        Assert.Equal(3, score.Total);
        Assert.Contains("(capped at 3)", score.ToString());
    }

    [Theory]
    [InlineData(0, 0.25)]
    [InlineData(14, 0)]
    [InlineData(400, 0)]
    [InlineData(-2, 0.25)]   // a future date counts as now
    public void Score_Age_RecencyFallsToZero(int ageDays, double expected)
    {
        var score = RelevanceScorer.Score(Post(Now.AddDays(-ageDays)), [], 0, new ScoringOptions(), Now);

        Assert.Equal(expected, score.RecencyBonus);
    }

    [Fact]
    public void Score_NoDate_NoRecencyAndNoLinks()
    {
        var score = RelevanceScorer.Score(Post(null), [], 0, new ScoringOptions(), Now);

        Assert.Equal(0, score.Total);
        Assert.Equal("no tags | source +0 | links +0 | recency +0 = 0", score.ToString());
    }
}
