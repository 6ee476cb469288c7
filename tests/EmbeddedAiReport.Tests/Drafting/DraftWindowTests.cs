using EmbeddedAiReport.Drafting;

namespace EmbeddedAiReport.Tests.Drafting;

/// <summary>
/// <see cref="DraftWindow.After"/>: where the window after the last recorded issue starts, for <c>export --since-last</c>
/// and the rescoring of the entries no issue holds yet. Expected instants worked out by hand from the zones' offsets.
/// </summary>
public sealed class DraftWindowTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly DateOnly LastDay = new(2027, 1, 3);
    private static readonly DateOnly Today = new(2027, 1, 6);

    [Fact]
    public void After_AnImportedIssue_StartsAtTheNextDaysMidnightInTheZone()
    {
        // Shanghai is +08:00: 2027-01-04 00:00 there is 2027-01-03 16:00 UTC; 2027-01-07 00:00 is 01-06 16:00 UTC.
        Assert.Equal(new DraftWindow(new DateOnly(2027, 1, 4), Today, new DateTimeOffset(2027, 1, 3, 16, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2027, 1, 6, 16, 0, 0, TimeSpan.Zero)), DraftWindow.After(LastDay, null, Today, Shanghai));
    }

    [Fact]
    public void After_AnIssuePublishedInTheSameZone_StartsWhereItsWindowEnded()
    {
        var end = new DateTimeOffset(2027, 1, 3, 16, 0, 0, TimeSpan.Zero);   // Shanghai's midnight after 01-03

        Assert.Equal(end, DraftWindow.After(LastDay, end, Today, Shanghai).FromUtc);
    }

    [Fact]
    public void After_TheZoneMovedWest_StartsWhereThePublishedWindowEndedHoursBeforeTheNewMidnight()
    {
        // Published in Shanghai (ended 01-03 16:00 UTC); New York is -05:00 in January: its 01-04 00:00 is 05:00 UTC,
        // 13 hours later. The window keeps the new zone's days and ends at New York's midnight after 01-06 (01-07 05:00 UTC).
        var end = new DateTimeOffset(2027, 1, 3, 16, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DraftWindow(new DateOnly(2027, 1, 4), Today, end, new DateTimeOffset(2027, 1, 7, 5, 0, 0, TimeSpan.Zero)),
            DraftWindow.After(LastDay, end, Today, NewYork));
    }

    [Fact]
    public void After_TheZoneMovedEast_StartsWhereThePublishedWindowEndedNotInItsLastHours()
    {
        // Published in New York (ended 01-04 05:00 UTC); Shanghai's 01-04 00:00 is 01-03 16:00 UTC, inside the published window.
        var end = new DateTimeOffset(2027, 1, 4, 5, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DraftWindow(new DateOnly(2027, 1, 4), Today, end, new DateTimeOffset(2027, 1, 6, 16, 0, 0, TimeSpan.Zero)),
            DraftWindow.After(LastDay, end, Today, Shanghai));
    }

    [Fact]
    public void After_APublishedEndPastTheWholeWindow_KeepsTheZonesMidnight()
    {
        // Published at -12:00 (Etc/GMT+12): its window ended 01-04 12:00 UTC, after the whole of Kiritimati's (+14:00) 01-04
        // (01-03 10:00 .. 01-04 10:00 UTC): a window cannot start after it ends, so it keeps the zone's midnight.
        var kiritimati = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati");
        var end = new DateTimeOffset(2027, 1, 4, 12, 0, 0, TimeSpan.Zero);
        var first = new DateOnly(2027, 1, 4);

        Assert.Equal(new DraftWindow(first, first, new DateTimeOffset(2027, 1, 3, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 4, 10, 0, 0, TimeSpan.Zero)),
            DraftWindow.After(LastDay, end, first, kiritimati));
    }
}

/// <summary><see cref="DraftWindow.PublishedFirstDay"/>: a published window's first day as the issue called it, in whatever zone it was published.</summary>
public sealed class PublishedFirstDayTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    // 2026-W53 published in Shanghai: 2026-12-28 00:00 +08:00 .. 2027-01-04 00:00 +08:00.
    private static readonly DateTimeOffset W53From = new(2026, 12, 27, 16, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset W53To = new(2027, 1, 3, 16, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Asia/Shanghai")]
    [InlineData("America/New_York")]   // 12-27 11:00 there
    [InlineData("Etc/UTC")]            // 12-27 16:00
    [InlineData("Pacific/Kiritimati")] // 12-28 06:00: the same day, not at midnight
    [InlineData("Asia/Tokyo")]         // 12-28 01:00
    public void PublishedFirstDay_OfAWeekPublishedInShanghai_IsItsMondayInAnyZone(string zone) =>
        Assert.Equal(new DateOnly(2026, 12, 28), DraftWindow.PublishedFirstDay(W53From, W53To, new DateOnly(2027, 1, 3), TimeZoneInfo.FindSystemTimeZoneById(zone)));

    [Fact]
    public void PublishedFirstDay_OfABerlinWeekHoldingTheSpringSwitch_CountsItsSevenDaysFromShanghai()
    {
        // 2027-W12 in Berlin: Monday 03-22 00:00 +01:00 (03-21 23:00 UTC) .. Monday 03-29 00:00 +02:00 (03-28 22:00 UTC), 167 hours.
        Assert.Equal(new DateOnly(2027, 3, 22), DraftWindow.PublishedFirstDay(new DateTimeOffset(2027, 3, 21, 23, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2027, 3, 28, 22, 0, 0, TimeSpan.Zero), new DateOnly(2027, 3, 28), Shanghai));
        Assert.Equal(new DateOnly(2027, 3, 22), DraftWindow.PublishedFirstDay(new DateTimeOffset(2027, 3, 21, 23, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2027, 3, 28, 22, 0, 0, TimeSpan.Zero), new DateOnly(2027, 3, 28), Berlin));
    }

    [Fact]
    public void PublishedFirstDay_InTheZoneItWasPublishedIn_IsThatDayWhateverTheRecordedLastDay()
    {
        // A week published on the date an issue of it was imported first: the issue's last day is its date (12-08), not the window's (12-06).
        Assert.Equal(new DateOnly(2026, 11, 30), DraftWindow.PublishedFirstDay(new DateTimeOffset(2026, 11, 30, 5, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 12, 7, 5, 0, 0, TimeSpan.Zero), new DateOnly(2026, 12, 8), NewYork));
    }
}
