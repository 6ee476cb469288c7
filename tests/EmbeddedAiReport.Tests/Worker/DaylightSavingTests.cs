using System.Globalization;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Worker.Jobs;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// An operator in Europe or America (<c>Draft:TimeZone</c> Europe/Berlin, America/New_York) meets two nights a year that
/// Shanghai has not: 2026-03-29 and 2026-10-25 in Berlin (02:00 → 03:00, 03:00 → 02:00), 2026-03-08 and 2026-11-01 in New
/// York (02:00 → 03:00, 02:00 → 01:00). The expected instants are the tz database's offsets, counted by hand.
/// </summary>
public sealed class DaylightSavingTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    // A week holding a switch is a day of 23 or 25 hours short of or past 168: Monday 00:00 to Monday 00:00 on the clock.
    [Theory]
    [InlineData("Europe/Berlin", "2026-W13", "2026-03-22T23:00:00Z", "2026-03-29T22:00:00Z", 167)]
    [InlineData("Europe/Berlin", "2026-W43", "2026-10-18T22:00:00Z", "2026-10-25T23:00:00Z", 169)]
    [InlineData("Europe/Berlin", "2026-W44", "2026-10-25T23:00:00Z", "2026-11-01T23:00:00Z", 168)]
    [InlineData("America/New_York", "2026-W10", "2026-03-02T05:00:00Z", "2026-03-09T04:00:00Z", 167)]
    [InlineData("America/New_York", "2026-W44", "2026-10-26T04:00:00Z", "2026-11-02T05:00:00Z", 169)]
    [InlineData("Asia/Shanghai", "2026-W13", "2026-03-22T16:00:00Z", "2026-03-29T16:00:00Z", 168)]
    public void Window_OfAWeekWithASwitch_RunsFromMondayMidnightToMondayMidnightOnTheClock(string zone, string week, string from, string to, int hours)
    {
        var window = DraftWindow.Of(EditorialWeek.TryParse(week)!.Value, Zone(zone));

        Assert.Equal((At(from), At(to)), (window.FromUtc, window.ToUtc));
        Assert.Equal(hours, (window.ToUtc - window.FromUtc).TotalHours);
    }

    // The boundary second of a week after a switch: Sunday 23:59:59 is the week of the switch, Monday 00:00:00 the next.
    [Theory]
    [InlineData("2026-03-29T21:59:59Z", 13)]
    [InlineData("2026-03-29T22:00:00Z", 14)]
    [InlineData("2026-10-25T22:59:59Z", 43)]
    [InlineData("2026-10-25T23:00:00Z", 44)]
    public void Containing_TheSecondsAroundTheMidnightAfterASwitch_AreInTheirWeeksOnTheClock(string instant, int week) =>
        Assert.Equal(new EditorialWeek(2026, week), EditorialWeek.Containing(At(instant), Berlin));

    // A source polled at 02:30: the night that skips 02:30 polls once, at 03:00 (the first time after the gap); the night
    // that has 02:30 twice polls once, at the first. The days around keep 02:30 on the clock.
    [Theory]
    [InlineData("Europe/Berlin", "2026-03-27T12:00:00Z", "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z")]
    [InlineData("Europe/Berlin", "2026-10-23T12:00:00Z", "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z")]
    [InlineData("America/New_York", "2026-03-06T12:00:00Z", "2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z")]
    public void SourceCron_AtTwoThirtyOnTheNightsOfASwitch_FiresOnceANight(string zone, string now, string before, string night, string after)
    {
        var trigger = Schedules.SourceTrigger(new SourceDefinition { Id = "blog", Kind = "feed", Schedule = "0 30 2 * * ?" }, null, At(now), Zone(zone), "sources");

        Assert.Equal([At(before), At(night), At(after)], Firings(trigger, At(now), 3));
    }

    // New York's 01:30 comes twice on 2026-11-01 (05:30 and 06:30 UTC): the first only.
    [Fact]
    public void SourceCron_InTheHourThatComesTwice_FiresAtItsFirstPassOnly()
    {
        var trigger = Schedules.SourceTrigger(new SourceDefinition { Id = "blog", Kind = "feed", Schedule = "0 30 1 * * ?" }, null,
            At("2026-10-31T12:00:00Z"), NewYork, "sources");

        Assert.Equal([At("2026-11-01T05:30:00Z"), At("2026-11-02T06:30:00Z")], Firings(trigger, At("2026-10-31T12:00:00Z"), 2));
    }

    // A source that polled at the first 02:30 of Berlin's long night is not overdue at the second (a restart then catches
    // nothing up), and the weekly export set to Sunday 02:30 is due once over that weekend: a restart on Monday writes it once.
    [Fact]
    public void CatchUp_AfterTheFirstPassOfTheRepeatedHour_FindsNothingDueTwice()
    {
        var first = At("2026-10-25T00:30:00Z");   // 02:30 +02:00

        Assert.False(Schedules.IsOverdue("0 30 2 * * ?", first, At("2026-10-25T01:45:00Z"), Berlin));   // 02:45 +01:00
        Assert.True(Schedules.IsOverdue("0 30 2 * * ?", first, At("2026-10-26T01:30:00Z"), Berlin));    // Monday 02:30 +01:00
        Assert.Equal(first, Schedules.LastDue("0 30 2 ? * SUN", Berlin, At("2026-10-24T12:00:00Z"), At("2026-10-26T08:00:00Z")));
        Assert.Equal(At("2026-03-29T01:00:00Z"), Schedules.LastDue("0 30 2 ? * SUN", Berlin, At("2026-03-28T12:00:00Z"), At("2026-03-30T08:00:00Z")));
    }

    // An interval is hours, not the clock: "1d" after a success on Saturday 09:00 +01:00 polls Sunday 10:00 +02:00 (24 h later),
    // as README's schedule says; a cron keeps its hour on the clock.
    [Fact]
    public void IntervalOfADay_AcrossTheSpringSwitch_IsTwentyFourHours()
    {
        var trigger = Schedules.SourceTrigger(new SourceDefinition { Id = "blog", Kind = "feed", Schedule = "1d" }, At("2026-03-28T08:00:00Z"),
            At("2026-03-28T12:00:00Z"), Berlin, "sources");

        Assert.Equal([At("2026-03-29T08:00:00Z"), At("2026-03-30T08:00:00Z")], Firings(trigger, At("2026-03-28T12:00:00Z"), 2));
    }

    // Times worded for people carry the offset of their own side of the switch.
    [Theory]
    [InlineData("2026-03-29T00:59:59Z", "2026-03-29 01:59:59 +01:00")]
    [InlineData("2026-03-29T01:00:00Z", "2026-03-29 03:00:00 +02:00")]
    [InlineData("2026-10-25T00:30:00Z", "2026-10-25 02:30:00 +02:00")]
    [InlineData("2026-10-25T01:30:00Z", "2026-10-25 02:30:00 +01:00")]
    public void WordedTime_OnEitherSideOfASwitch_HasThatSidesOffset(string instant, string worded) =>
        Assert.Equal(worded, SourceStatus.Time(At(instant), Berlin));

    private static List<DateTimeOffset> Firings(Quartz.ITrigger trigger, DateTimeOffset after, int count)
    {
        var firings = new List<DateTimeOffset>();
        for (var next = trigger.GetFireTimeAfter(after); next is { } at && firings.Count < count; next = trigger.GetFireTimeAfter(at)) firings.Add(at);
        return firings;
    }
}
