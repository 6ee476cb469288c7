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
}
