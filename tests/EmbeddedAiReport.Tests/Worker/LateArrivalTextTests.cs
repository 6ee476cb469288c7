using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Worker.Cli;

namespace EmbeddedAiReport.Tests.Worker;

// Why a late arrival sits in a later window (entries --explain, the review page), read once per published window a list's
// late arrivals were moved out of.
public sealed class LateArrivalTextTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    // The issue of 2026-12-01 (Shanghai): its window 2026-11-30 00:00 .. 2026-12-02 00:00 Shanghai, in UTC.
    private static readonly DateTimeOffset IssueFrom = new(2026, 11, 29, 16, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset IssueEnd = new(2026, 12, 1, 16, 0, 0, TimeSpan.Zero);
    // A window end no published issue ends at (e.g. an issue deleted since).
    private static readonly DateTimeOffset OtherEnd = new(2026, 12, 8, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Remembering_ThreeLateArrivalsOutOfTwoWindows_AsksOncePerWindowEnd_AndSaysWhatEachAskWould()
    {
        var asked = new List<DateTimeOffset>();
        LateArrival.IssueEnding issues = (end, _) =>
        {
            asked.Add(end);
            return Task.FromResult(end == IssueEnd ? (new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 1), IssueFrom, IssueEnd.AddHours(2)) : ((DateOnly, DateOnly, DateTimeOffset, DateTimeOffset)?)null);
        };
        var remembering = LateArrival.Remembering(issues);
        var monday = Late(1, new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero), seen: new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero), IssueEnd);
        var tuesday = Late(2, new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero), seen: new(2026, 12, 3, 11, 30, 0, TimeSpan.Zero), IssueEnd);
        var orphan = Late(3, new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero), seen: new(2026, 12, 9, 1, 0, 0, TimeSpan.Zero), OtherEnd);

        var said = new List<string>();
        foreach (var entry in new[] { monday, tuesday, orphan, monday })
            said.Add(await LateArrival.DescribeAsync(remembering, entry, Shanghai, CancellationToken.None));

        Assert.Equal([IssueEnd, OtherEnd], asked);
        // Worked out by hand from the instants above in Shanghai (UTC+8): the texts entries --explain printed before (PreviewAndPublishTests).
        Assert.Equal([
            "dated 2026-11-30, inside the window of the issue of 2026-12-01 (2026-11-30 .. 2026-12-01), but first seen 2026-12-03 18:00, "
                + "after that issue was published; moved into the next window, from 2026-12-02",
            "dated 2026-12-01, inside the window of the issue of 2026-12-01 (2026-11-30 .. 2026-12-01), but first seen 2026-12-03 19:30, "
                + "after that issue was published; moved into the next window, from 2026-12-02",
            "dated 2026-12-07, inside an issue's window that was already published when it was first seen 2026-12-09 09:00; "
                + "moved into the next window, from 2026-12-09",
            said[0]], said);
    }

    [Fact]
    public async Task Remembering_TwoLateArrivalsOutOfAWindowNoIssueEnds_AsksOnce()
    {
        // No published issue ends there (it was deleted since): "none" is an answer too, remembered as the others are, or
        // a page of such late arrivals costs a query a row again.
        var asked = 0;
        LateArrival.IssueEnding issues = (_, _) =>
        {
            asked++;
            return Task.FromResult<(DateOnly, DateOnly, DateTimeOffset, DateTimeOffset)?>(null);
        };
        var remembering = LateArrival.Remembering(issues);
        var first = Late(3, new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero), seen: new(2026, 12, 9, 1, 0, 0, TimeSpan.Zero), OtherEnd);
        var second = Late(4, new(2026, 12, 7, 5, 0, 0, TimeSpan.Zero), seen: new(2026, 12, 9, 2, 0, 0, TimeSpan.Zero), OtherEnd);

        await LateArrival.DescribeAsync(remembering, first, Shanghai, CancellationToken.None);
        var said = await LateArrival.DescribeAsync(remembering, second, Shanghai, CancellationToken.None);

        Assert.Equal(1, asked);
        // By hand, in Shanghai (UTC+8): dated 12-07 13:00, first seen 12-09 10:00, the window ending 12-08 16:00 UTC = 12-09 00:00.
        Assert.Equal("dated 2026-12-07, inside an issue's window that was already published when it was first seen 2026-12-09 10:00; "
            + "moved into the next window, from 2026-12-09", said);
    }

    private static StoredEntry Late(long id, DateTimeOffset published, DateTimeOffset seen, DateTimeOffset windowEnd) =>
        new(id, "feed", "post", $"url:https://example.org/{id}", $"https://example.org/{id}", $"Post {id}", "", null, published, seen,
            "blogs", null, null, 0.5, "candidate", null, []) { WindowTime = windowEnd };
}
