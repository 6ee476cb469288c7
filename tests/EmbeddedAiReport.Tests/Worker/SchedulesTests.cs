using System.Globalization;
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
}
