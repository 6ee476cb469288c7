using System.Globalization;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Worker;
using EmbeddedAiReport.Worker.Jobs;

namespace EmbeddedAiReport.Tests.Worker;

public sealed class SchedulesTests
{
    private static readonly DateTimeOffset Now = new(2020, 11, 30, 9, 30, 0, TimeSpan.Zero); // a Monday

    // A source is due one interval after its last success: at that very instant it is overdue (one catch-up poll), and
    // its regular trigger then starts a whole interval later; a second earlier it is not.
    [Theory]
    [InlineData(6 * 3600, true)]
    [InlineData(6 * 3600 - 1, false)]
    [InlineData(6 * 3600 + 1, true)]
    public void IsOverdue_Interval_DueExactlyOneIntervalAfterTheLastSuccess(int secondsSinceSuccess, bool overdue) =>
        Assert.Equal(overdue, Schedules.IsOverdue("6h", Now - TimeSpan.FromSeconds(secondsSinceSuccess), Now, TimeZoneInfo.Utc));

    // "0 30 9 ? * MON-FRI" (README's arXiv source): last success Friday 09:30 → next fire Monday 09:30 = now: overdue.
    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, false)]
    public void IsOverdue_Cron_DueAtItsNextFireTime(int secondsAfterMondayFire, bool overdue) =>
        Assert.Equal(overdue, Schedules.IsOverdue("0 30 9 ? * MON-FRI", new DateTimeOffset(2020, 11, 27, 9, 30, 0, TimeSpan.Zero),
            Now + TimeSpan.FromSeconds(secondsAfterMondayFire), TimeZoneInfo.Utc));

    // A paused source's next poll, its firings before the pause's end skipped: "0 30 9 ? * MON-FRI" fires next on Monday
    // 09:30; a pause ending then polls then, half a second later on Tuesday, on Saturday the next Monday. Every 15 s from
    // 09:30: a pause to 09:35 polls at 09:35, a millisecond more at 09:35:15. A pause ending before the next firing changes nothing.
    [Theory]
    [InlineData("0 30 9 ? * MON-FRI", "2020-11-30T09:30:00Z", "2020-11-30T09:30:00Z")]
    [InlineData("0 30 9 ? * MON-FRI", "2020-11-30T09:30:00.5Z", "2020-12-01T09:30:00Z")]
    [InlineData("0 30 9 ? * MON-FRI", "2020-12-05T00:00:00Z", "2020-12-07T09:30:00Z")]
    [InlineData("0 30 9 ? * MON-FRI", "2020-11-28T00:00:00Z", "2020-11-30T09:30:00Z")]
    [InlineData("15s", "2020-11-30T09:35:00Z", "2020-11-30T09:35:00Z")]
    [InlineData("15s", "2020-11-30T09:35:00.001Z", "2020-11-30T09:35:15Z")]
    [InlineData("15s", "2020-11-30T09:29:00Z", "2020-11-30T09:30:00Z")]
    public void FirstFiringFrom_APausesEnd_IsTheFirstFiringAtOrAfterIt(string schedule, string pausedUntil, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture),
            Schedules.FirstFiringFrom(schedule, Now, DateTimeOffset.Parse(pausedUntil, CultureInfo.InvariantCulture), TimeZoneInfo.Utc));

    [Fact]
    public void IsOverdue_NeverSucceeded_IsOverdue() => Assert.True(Schedules.IsOverdue("6h", null, Now, TimeZoneInfo.Utc));

    // What older builds stored for a source as sources.json wrote it (read from their databases after a run of their
    // daemon): b6d20f1 (2026-12-01, before per-source headers) stored 916D00F6…, eb03c9b (2026-12-04) 412DD427…. The
    // first is one of its earlier fingerprints now, the second still its fingerprint.
    [Fact]
    public void EarlierFingerprints_SourceUnchangedSinceAnOlderBuild_HoldWhatThatBuildStored()
    {
        const string json = """
            {"sources": [{"id": "gh-tensorrt", "kind": "github-releases", "repo": "NVIDIA/TensorRT", "baseUrl": "http://127.0.0.1:8391/gh/",
              "schedule": "10/30 * * ? * *", "allowPrivateNetwork": true}]}
            """;
        var (sources, problems) = new SourceCatalog(WorkerHost.SourceKinds()).Parse(json, "sources.json", new DraftOptions().SectionSlugs(), _ => null);
        Assert.Empty(problems);

        Assert.Equal("412DD4273C3960F697061A46C5FC70BA", Schedules.Fingerprint(sources[0]));
        Assert.Equal(["916D00F638B5527B8F94711690E09948"], Schedules.EarlierFingerprints(sources[0]));
    }

    // Headers added to a source in the same upgrade are an edit: what the older build stored for the source without
    // them is none of its fingerprints.
    [Fact]
    public void EarlierFingerprints_HeadersAddedWithTheUpgrade_AreAnEdit()
    {
        static SourceDefinition Source(string fields) => new SourceCatalog(WorkerHost.SourceKinds()).Parse(
            $$"""{"sources": [{"id": "f", "kind": "feed", "url": "https://example.com/feed.xml"{{fields}}}]}""",
            "sources.json", new DraftOptions().SectionSlugs(), _ => null).Sources[0];
        var storedByTheOlderBuild = Schedules.EarlierFingerprints(Source("")).Last();
        var withHeaders = Source(""", "headers": {"User-Agent": "x"}""");

        Assert.DoesNotContain(storedByTheOlderBuild, Schedules.EarlierFingerprints(withHeaders).Append(Schedules.Fingerprint(withHeaders)));
    }
}
