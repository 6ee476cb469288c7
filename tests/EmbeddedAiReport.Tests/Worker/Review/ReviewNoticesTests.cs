using EmbeddedAiReport.Worker.Review;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker.Review;

/// <summary>The lines the daemon sent in a redirect's <c>?msg=</c>: shown for 10 minutes (README "Security"), 256 kept at most.</summary>
public sealed class ReviewNoticesTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2020, 5, 20, 4, 0, 0, TimeSpan.Zero));

    // README "Security": the line is shown only when the daemon sent it "within 10 minutes" (the clock is the injected one).
    [Fact]
    public void Shown_WithinTenMinutesOfBeingSent_NotAtTenMinutes()
    {
        var notices = new ReviewNotices(_clock);
        notices.Sent("42: title saved");

        _clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        var before = notices.Shown("42: title saved");
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("42: title saved", before);
        Assert.Null(notices.Shown("42: title saved"));
    }

    // Commit 39fbd1b: "kept in memory, 256 at most": the 257th line sent pushes out the oldest, not the others; a line sent
    // again is not counted twice. A daemon that sent thousands of lines (a script posting in a loop) keeps a bounded table.
    [Fact]
    public void Sent_MoreThan256Lines_TheOldestGoesFirst()
    {
        var notices = new ReviewNotices(_clock);
        for (var i = 1; i <= 256; i++) notices.Sent($"{i}: rejected");
        notices.Sent("2: rejected");                            // sent again: still one of the 256
        var beforeFull = notices.Shown("1: rejected");

        notices.Sent("257: rejected");

        Assert.Equal("1: rejected", beforeFull);
        Assert.Null(notices.Shown("1: rejected"));
        Assert.Equal("2: rejected", notices.Shown("2: rejected"));
        Assert.Equal("257: rejected", notices.Shown("257: rejected"));
    }
}
