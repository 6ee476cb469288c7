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
}
