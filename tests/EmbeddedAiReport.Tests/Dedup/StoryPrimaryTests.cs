using EmbeddedAiReport.Dedup;

namespace EmbeddedAiReport.Tests.Dedup;

public sealed class StoryPrimaryTests
{
    private static readonly StoryPrimary Rule = new(new DedupOptions());
    private static readonly DateTimeOffset Monday = new(2020, 1, 13, 0, 0, 0, TimeSpan.Zero);

    private static StoryPrimary.Member Member(long id, string key, int day, string? account = null) =>
        new(id, key, key, "", account, Monday.AddDays(day));

    [Fact]
    public void Choose_ReleasesOfOneRepository_TheNewestRelease()
    {
        var primary = Rule.Choose([
            Member(1, "gh:tencent/ncnn@20200106", 0), Member(2, "gh:tencent/ncnn@20200118", 5), Member(3, "gh:tencent/ncnn@20200110", 2),
            Member(4, "wx:post-about-ncnn", 6, "机器之心")]);

        Assert.Equal("gh:tencent/ncnn@20200118", primary.CanonicalKey);
    }

    [Fact]
    public void Choose_PaperAndItsCodeRelease_TheEarliestOriginal()
    {
        var primary = Rule.Choose([Member(1, "gh:mit-han-lab/once-for-all@v1", 3), Member(2, "arxiv:1908.09791", 1)]);

        Assert.Equal("arxiv:1908.09791", primary.CanonicalKey);
    }

    [Fact]
    public void Choose_PostsOnly_TheFirstHandAccountBeforeTheRepost()
    {
        var primary = Rule.Choose([Member(1, "wx:repost", 0, "转载精选"), Member(2, "wx:original", 1, "量子位")]);

        Assert.Equal("wx:original", primary.CanonicalKey);
    }

    // A marker anywhere in title or summary, in any case, makes a post a repost (Dedup:AggregatorMarkers); none configured,
    // none is; an empty one (as string.Contains has it) is in every text.
    [Theory]
    [InlineData("Quantized LLMs on phones", "REPOSTED FROM the authors' blog.", 2)]
    [InlineData("端侧大模型量化", "本文转载自公众号量子位，略有删改。", 2)]
    [InlineData("【转自机器之心】端侧推理", "", 2)]
    [InlineData("端侧大模型量化", "原创：转发与载入模型的技巧", 1)]
    [InlineData("Repost policy for NPUs", "reposted fro m nowhere", 1)]
    public void Origin_AggregatorMarkers_AnyCaseInTitleOrSummary(string title, string summary, int expected)
    {
        var member = new StoryPrimary.Member(1, "wx:post", title, summary, "量子位", Monday);

        Assert.Equal(expected, Rule.Origin(member));
        Assert.Equal(1, new StoryPrimary(new DedupOptions { AggregatorMarkers = [] }).Origin(member));
        Assert.Equal(2, new StoryPrimary(new DedupOptions { AggregatorMarkers = ["转载自", ""] }).Origin(member));   // an empty marker is in every text
    }

    // Story passes choose a grown story's primary among its kept members and the newcomers only (StoryPass): that must be
    // the choice over all members, for stories grown one entry at a time and for two stories merged. Random stories mix
    // papers, a repository, releases of two repositories, first-hand posts and reposts, with ties in time.
    [Fact]
    public void Keep_RandomStories_DecidesTheChoiceOfEveryLargerStory()
    {
        var random = new Random(14);
        for (var trial = 0; trial < 2000; trial++)
        {
            var story = Members(random, 1 + random.Next(8), 0);
            var more = Members(random, random.Next(6), 100);
            var other = Members(random, 1 + random.Next(6), 200);

            Assert.Equal(Rule.Choose([.. story, .. more]).Id, Rule.Choose([.. Rule.Keep(story), .. more]).Id);
            Assert.Equal(Rule.Choose([.. story, .. other, .. more]).Id, Rule.Choose([.. Rule.Keep(story), .. Rule.Keep(other), .. more]).Id);
            Assert.Equal(Rule.Choose([.. story, .. more]).Id, Rule.Choose(Rule.Keep([.. Rule.Keep(story), .. more])).Id);
        }
    }

    // The rule as the README states it, written as orderings over the whole story: the lowest origin; among several
    // releases of one repository the newest (then the highest id); otherwise the earliest, then the longest summary, then
    // the lowest id. Random stories with ties in time and in summary length.
    [Fact]
    public void Choose_RandomStories_TheRuleAsOrderings()
    {
        var random = new Random(19);
        for (var trial = 0; trial < 2000; trial++)
        {
            var story = Members(random, 1 + random.Next(10), 0);
            var origin = story.Min(Rule.Origin);
            var best = story.Where(m => Rule.Origin(m) == origin).ToList();
            var repositories = best.Select(m => m.CanonicalKey.StartsWith("gh:", StringComparison.Ordinal) && m.CanonicalKey.Contains('@')
                ? m.CanonicalKey[..m.CanonicalKey.IndexOf('@')] : null).ToList();
            var expected = best.Count > 1 && repositories.All(r => r is not null) && repositories.Distinct().Count() == 1
                ? best.OrderByDescending(m => m.Time).ThenByDescending(m => m.Id).First()
                : best.OrderBy(m => m.Time).ThenByDescending(m => m.Summary.Length).ThenBy(m => m.Id).First();

            Assert.Equal(expected.Id, Rule.Choose(story).Id);
        }
    }

    private static List<StoryPrimary.Member> Members(Random random, int count, int firstId)
    {
        var start = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);
        return Enumerable.Range(firstId, count).Select(id =>
        {
            var (key, account, title) = random.Next(7) switch
            {
                0 => ($"arxiv:2405.{id:D5}", (string?)"作者", "A paper"),
                1 => ("gh:tencent/ncnn", "Tencent", "Tencent/ncnn"),
                2 or 3 => ($"gh:tencent/ncnn@v{id}", "Tencent", $"ncnn {id}"),
                4 => ($"gh:alibaba/mnn@v{id}", "alibaba", $"MNN {id}"),
                5 => ($"wx:{id}", "转载精选", "重磅｜转载"),
                _ => ($"url:blog.example.org/{id}", "博客", "解读"),
            };
            return new StoryPrimary.Member(id, key, title, new string('文', random.Next(3) * 40), account, start.AddHours(random.Next(6)));
        }).ToList();
    }
}
