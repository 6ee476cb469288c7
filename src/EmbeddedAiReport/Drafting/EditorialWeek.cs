using System.Globalization;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Drafting;

/// <summary>An ISO week (<c>2020-W48</c>) read in the editorial time zone.</summary>
public readonly partial record struct EditorialWeek(int Year, int Week)
{
    /// <summary>The week as <c>YYYY-Www</c>, the name of its draft file.</summary>
    public override string ToString() => $"{Year:D4}-W{Week:D2}";

    /// <summary>Reads <c>2020-W48</c> (or <c>2020w48</c>); null when it is not an existing ISO week.</summary>
    public static EditorialWeek? TryParse(string? text)
    {
        var match = text is null ? null : Pattern().Match(text.Trim());
        if (match is null || !match.Success) return null;
        var year = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var week = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        return year is >= FirstYear and <= LastYear && week >= 1 && week <= ISOWeek.GetWeeksInYear(year) ? new EditorialWeek(year, week) : null;
    }

    /// <summary>
    /// Why <paramref name="text"/>, written as a week, names none: the year's last week when the week is past it (2025 has
    /// 52 ISO weeks, 2026 has 53), the years weeks are read in, or week 0; null when it is not written as a week at all.
    /// </summary>
    public static string? Reason(string? text)
    {
        var match = text is null ? null : Pattern().Match(text.Trim());
        if (match is null || !match.Success) return null;
        var year = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var week = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (year is < FirstYear or > LastYear) return $"weeks run from {FirstYear}-W01 to {LastYear}-W{ISOWeek.GetWeeksInYear(LastYear)}";
        var weeks = ISOWeek.GetWeeksInYear(year);
        return week < 1 || week > weeks ? $"{year} has {weeks} ISO weeks ({year}-W01 .. {year}-W{weeks})" : null;
    }

    /// <summary>The first year a week (or a <c>--from/--to</c> day) may be in: feeds' dates before it are not believed either.</summary>
    public const int FirstYear = 1990;

    /// <summary>The last year a week (or a day) may be in: the day after its last week's Sunday is still a date.</summary>
    public const int LastYear = 9998;

    /// <summary>The week that contains <paramref name="instant"/> in <paramref name="zone"/>.</summary>
    public static EditorialWeek Containing(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone).DateTime;
        return new EditorialWeek(ISOWeek.GetYear(local), ISOWeek.GetWeekOfYear(local));
    }

    /// <summary>The first (Monday) and last (Sunday) local dates of the week.</summary>
    public (DateOnly First, DateOnly Last) Dates()
    {
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(Year, Week, DayOfWeek.Monday));
        return (monday, monday.AddDays(6));
    }

    /// <summary>The half-open UTC range [Monday 00:00, next Monday 00:00) in <paramref name="zone"/>; 2020-W48 in Shanghai starts 2020-11-22T16:00Z.</summary>
    public (DateTimeOffset FromUtc, DateTimeOffset ToUtc) UtcRange(TimeZoneInfo zone)
    {
        var (first, last) = Dates();
        return DraftWindow.UtcRange(first, last, zone);
    }

    // [0-9], not \d: \d also takes full-width digits (２０２６), which int.Parse does not read.
    [GeneratedRegex(@"^([0-9]{4})-?[Ww]([0-9]{1,2})$")]
    private static partial Regex Pattern();
}
