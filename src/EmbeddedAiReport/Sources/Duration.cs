using System.Globalization;

namespace EmbeddedAiReport.Sources;

/// <summary>Reads the durations config files use: <c>90s</c>, <c>30m</c>, <c>6h</c>, <c>1d</c>, or <c>hh:mm:ss</c>.</summary>
public static class Duration
{
    /// <summary>The duration <paramref name="text"/> names, or null when it is not one.</summary>
    public static TimeSpan? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var value = text.Trim();
        var unit = value[^1];
        if (char.IsLetter(unit) && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0)
        {
            return char.ToLowerInvariant(unit) switch
            {
                's' => TimeSpan.FromSeconds(number),
                'm' => TimeSpan.FromMinutes(number),
                'h' => TimeSpan.FromHours(number),
                'd' => TimeSpan.FromDays(number),
                _ => null,
            };
        }
        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null;
    }
}
