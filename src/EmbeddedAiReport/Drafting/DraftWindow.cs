namespace EmbeddedAiReport.Drafting;

/// <summary>The local dates a draft covers (inclusive) and the UTC range entries are selected from.</summary>
public sealed record DraftWindow(DateOnly First, DateOnly Last, DateTimeOffset FromUtc, DateTimeOffset ToUtc)
{
    /// <summary>The window of inclusive local dates <paramref name="first"/>..<paramref name="last"/> in <paramref name="zone"/>.</summary>
    public static DraftWindow Of(DateOnly first, DateOnly last, TimeZoneInfo zone)
    {
        var (from, to) = UtcRange(first, last, zone);
        return new DraftWindow(first, last, from, to);
    }

    /// <summary>The window of an editorial week.</summary>
    public static DraftWindow Of(EditorialWeek week, TimeZoneInfo zone)
    {
        var (first, last) = week.Dates();
        return Of(first, last, zone);
    }

    /// <summary>
    /// The window after a recorded issue whose window's last day is <paramref name="lastDay"/>, to <paramref name="last"/>:
    /// from the next day's midnight in <paramref name="zone"/> or, for an issue published here, from
    /// <paramref name="windowEnd"/>, where its window ended. The two are the same instant unless Draft:TimeZone changed
    /// since: the new zone's midnight is then hours off the published window's end, and starting there would leave the
    /// hours between (and the late arrivals placed at that end) in no window, or show the published window's last hours again.
    /// </summary>
    public static DraftWindow After(DateOnly lastDay, DateTimeOffset? windowEnd, DateOnly last, TimeZoneInfo zone)
    {
        var window = Of(lastDay.AddDays(1), last, zone);
        return windowEnd is { } end && end < window.ToUtc ? window with { FromUtc = end } : window;
    }

    /// <summary>
    /// The first day of a window published from <paramref name="fromUtc"/> to <paramref name="toUtc"/> whose last day is
    /// <paramref name="lastDay"/>, as the issue called it: <paramref name="fromUtc"/> is a midnight of the zone it was published
    /// in. When that is <paramref name="zone"/>'s (Draft:TimeZone unchanged since), its day there; otherwise the window's
    /// length in days (167 or 169 hours across a daylight-saving switch are 7) counted back from its last day: the new
    /// zone's day of that instant is the day before or after the one the issue named.
    /// </summary>
    public static DateOnly PublishedFirstDay(DateTimeOffset fromUtc, DateTimeOffset toUtc, DateOnly lastDay, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(fromUtc, zone);
        return local.TimeOfDay == TimeSpan.Zero ? DateOnly.FromDateTime(local.DateTime)
            : lastDay.AddDays(1 - (int)Math.Round((toUtc - fromUtc).TotalDays, MidpointRounding.AwayFromZero));
    }

    internal static (DateTimeOffset FromUtc, DateTimeOffset ToUtc) UtcRange(DateOnly first, DateOnly last, TimeZoneInfo zone)
    {
        var start = first.ToDateTime(TimeOnly.MinValue);
        var end = last.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return (new DateTimeOffset(start, zone.GetUtcOffset(start)).ToUniversalTime(), new DateTimeOffset(end, zone.GetUtcOffset(end)).ToUniversalTime());
    }
}
