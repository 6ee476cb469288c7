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
    public void TryParse_NotAWeek_IsNull(string text) => Assert.Null(EditorialWeek.TryParse(text));

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
