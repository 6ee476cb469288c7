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

    internal static (DateTimeOffset FromUtc, DateTimeOffset ToUtc) UtcRange(DateOnly first, DateOnly last, TimeZoneInfo zone)
    {
        var start = first.ToDateTime(TimeOnly.MinValue);
        var end = last.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return (new DateTimeOffset(start, zone.GetUtcOffset(start)).ToUniversalTime(), new DateTimeOffset(end, zone.GetUtcOffset(end)).ToUniversalTime());
    }
}
