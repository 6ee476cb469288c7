using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tests.Sources;

/// <summary>The state and note <c>sources</c> and <c>GET /sources</c> show for a source (README: "sources").</summary>
public sealed class SourceStatusTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Of_AWarningAndPapersLeftOut_StaysAWarning_TheNoteSaysBothWarningFirst()
    {
        // README: what the last poll left out follows the warning or the stale note, "; left out: …" (mutation audit 15: only an
        // ok source's note, the left-out words alone, was seen; another separator survived).
        var source = new SourceDefinition { Id = "api", Kind = "arxiv-api" };
        var health = new SourceHealth("api", "arxiv-api", Now, Now, null, 0, null, Now, 3)
        {
            LastWarning = "page 2 of 3 not read: HTTP 503",
            LastLeftOut = "10 paper(s) submitted before 2025-05-02 (outside 'days')",
        };

        var status = SourceStatus.Of(source, health, kind: null, Now, TimeZoneInfo.Utc);

        Assert.Equal("warning", status.State);
        Assert.Equal("page 2 of 3 not read: HTTP 503; left out: 10 paper(s) submitted before 2025-05-02 (outside 'days')", status.Note);
    }

    // The pause after failures is shown while it runs (`sources`: "(paused until …)"); at its end or after, none is, though the
    // stored health still has the time (mutation audit 18: a status with the pause over still said it).
    [Theory]
    [InlineData(1, true)]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    public void Of_AFailingSource_IsPausedUntilThePausesEndOnly(int minutesLeft, bool paused)
    {
        var source = new SourceDefinition { Id = "feed", Kind = "feed" };
        var until = Now.AddMinutes(minutesLeft);
        var health = new SourceHealth("feed", "feed", Now.AddMinutes(-5), Now.AddDays(-1), "HTTP 503", 2, until, Now.AddDays(-1), 3);

        var status = SourceStatus.Of(source, health, kind: null, Now, TimeZoneInfo.Utc);

        Assert.Equal("failing", status.State);
        Assert.Equal(paused ? until : null, status.PausedUntil);
    }
}
