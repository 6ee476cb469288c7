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

    [Fact]
    public void IsOverdue_NeverSucceeded_IsOverdue() => Assert.True(Schedules.IsOverdue("6h", null, Now, TimeZoneInfo.Utc));
}
