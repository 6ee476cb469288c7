using EmbeddedAiReport.Drafting;

namespace EmbeddedAiReport.Tests.Drafting;

public sealed class EditorialWeekTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Theory]
    [InlineData("2020-W48", 2020, 48)]
    [InlineData("2020w48", 2020, 48)]
    [InlineData("2020-W53", 2020, 53)]
    [InlineData("2021-W01", 2021, 1)]
    public void TryParse_IsoWeek_Reads(string text, int year, int week) => Assert.Equal(new EditorialWeek(year, week), EditorialWeek.TryParse(text));

    [Theory]
    [InlineData("2021-W53")]   // 2021 has 52 ISO weeks
    [InlineData("2020-W00")]
    [InlineData("2020-48")]
    [InlineData("")]
    [InlineData("２０２６-W49")]   // full-width digits (a Chinese input method): a Unicode digit int.Parse does not read
    [InlineData("2026-W４９")]
    public void TryParse_NotAWeek_IsNull(string text) => Assert.Null(EditorialWeek.TryParse(text));

    // 2026 is the product's first year with a week 53 (ISO: a year has 53 weeks when it starts on a Thursday, or is a leap year starting on a Wednesday).
    [Theory]
    [InlineData("2025-W53", "2025 has 52 ISO weeks (2025-W01 .. 2025-W52)")]
    [InlineData("2026-W54", "2026 has 53 ISO weeks (2026-W01 .. 2026-W53)")]
    [InlineData("2026-W00", "2026 has 53 ISO weeks (2026-W01 .. 2026-W53)")]
    [InlineData("1989-W52", "weeks run from 1990-W01 to 9998-W53")]   // 9998-12-28 .. 9999-01-03, the last week TryParse reads
    [InlineData("9999-W01", "weeks run from 1990-W01 to 9998-W53")]
    [InlineData("9998-W53", null)]
    [InlineData("2026-W53", null)]
    [InlineData("2026-12-28", null)]   // not written as a week: the callers' own message
    [InlineData("２０２６-W49", null)]
    public void Reason_AWeekTheYearHasNot_SaysHowManyWeeksItHas(string text, string? reason) => Assert.Equal(reason, EditorialWeek.Reason(text));

    [Fact]
    public void UtcRange_2020W48InShanghai_StartsSundayAt16Utc()
    {
        var (from, to) = new EditorialWeek(2020, 48).UtcRange(Shanghai);

        Assert.Equal(new DateTimeOffset(2020, 11, 22, 16, 0, 0, TimeSpan.Zero), from);
        Assert.Equal(new DateTimeOffset(2020, 11, 29, 16, 0, 0, TimeSpan.Zero), to);
    }

    [Theory]
    [InlineData("2020-11-22T15:59:59Z", 2020, 47)]   // Sunday 23:59:59 in Shanghai
    [InlineData("2020-11-22T16:00:00Z", 2020, 48)]   // Monday 00:00 in Shanghai
    [InlineData("2021-01-03T15:00:00Z", 2020, 53)]
    [InlineData("2021-01-03T16:00:00Z", 2021, 1)]
    public void Containing_AroundMidnight_UsesShanghaiTime(string instant, int year, int week) =>
        Assert.Equal(new EditorialWeek(year, week), EditorialWeek.Containing(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), Shanghai));
}
