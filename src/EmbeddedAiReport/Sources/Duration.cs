using System.Globalization;

namespace EmbeddedAiReport.Sources;

/// <summary>Reads the durations config files use: <c>90s</c>, <c>30m</c>, <c>6h</c>, <c>1d</c>, <c>1w</c>, or <c>hh:mm:ss</c> (<c>d.hh:mm:ss</c>).</summary>
/// <remarks>
/// A bare number is not a duration: .NET would read <c>"30"</c> as 30 days, and an operator who meant seconds would wait
/// a month. Every config reader reports it with <see cref="Problem"/>, which names the accepted forms.
/// </remarks>
public static class Duration
{
    /// <summary>The accepted forms, as messages name them.</summary>
    public const string Forms = "30s, 5m, 1h, 1d, 1w or hh:mm:ss";

    /// <summary>The duration <paramref name="text"/> names, or null when it is not one (a bare number included).</summary>
    public static TimeSpan? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var value = text.Trim();
        // No sign: "-0s" and "-00:00:00" would read as zero (-0 is not below 0), taken where a value of 0 is allowed.
        if (value[0] == '-') return null;
        var unit = value[^1];
        if (char.IsLetter(unit))
        {
            // "NaN" and "Infinity" parse as numbers too.
            if (!double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number < 0 || !double.IsFinite(number)) return null;
            try
            {
                return char.ToLowerInvariant(unit) switch
                {
                    's' => TimeSpan.FromSeconds(number),
                    'm' => TimeSpan.FromMinutes(number),
                    'h' => TimeSpan.FromHours(number),
                    'd' => TimeSpan.FromDays(number),
                    'w' => TimeSpan.FromDays(number * 7),
                    _ => null,
                };
            }
            catch (OverflowException)
            {
                return null;
            }
        }
        // Only the clock form: TimeSpan.TryParse alone would also take "30" (days).
        return value.Contains(':') && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null;
    }

    /// <summary>
    /// <paramref name="span"/> as config files write it, in the largest of <c>d</c>, <c>h</c>, <c>m</c>, <c>s</c> it is a whole
    /// number of (<c>3d</c>, <c>36h</c>, <c>90s</c>; zero as <c>0s</c>), under a minute in seconds with their fraction
    /// (<c>0.1s</c>), else <c>d.hh:mm:ss.fffffff</c>: <see cref="TryParse"/> reads each back.
    /// </summary>
    public static string Format(TimeSpan span)
    {
        if (span == TimeSpan.Zero) return "0s";
        foreach (var (unit, length) in Units)
            if (span.Ticks % length.Ticks == 0) return (span.Ticks / length.Ticks).ToString(CultureInfo.InvariantCulture) + unit;
        // A range message's 0.1 s read "00:00:00.1000000" in the clock form.
        if (span.Duration() < TimeSpan.FromMinutes(1)) return span.TotalSeconds.ToString("0.#######", CultureInfo.InvariantCulture) + "s";
        return span.ToString("c", CultureInfo.InvariantCulture);
    }

    private static readonly (char Unit, TimeSpan Length)[] Units =
        [('d', TimeSpan.FromDays(1)), ('h', TimeSpan.FromHours(1)), ('m', TimeSpan.FromMinutes(1)), ('s', TimeSpan.FromSeconds(1))];

    /// <summary>Why <paramref name="text"/> is not a duration, naming the accepted forms (the caller names the field).</summary>
    /// <remarks>
    /// A duration with a minus (<c>-5m</c>, <c>-00:05:00</c>) is said to be negative: it is written right but for the sign; a
    /// minus zero (<c>-0s</c>) is said to have a sign it should not.
    /// </remarks>
    public static string Problem(string text)
    {
        var value = text.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return $"'{text}' has no unit; write a duration as {Forms}";
        return value.StartsWith('-') && TryParse(value[1..]) is { } unsigned
            ? unsigned == TimeSpan.Zero
                ? $"'{text}' has a minus sign; a duration is written without one, as {Forms}"
                : $"'{text}' is negative; a duration must be positive, written as {Forms}"
            : $"'{text}' is not a duration; write it as {Forms}";
    }
}
