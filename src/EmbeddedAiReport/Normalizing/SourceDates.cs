using System.Globalization;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Normalizing;

/// <summary>Parses the dates feeds write (RFC 822, ISO 8601, and common deviations) without depending on the server's culture or zone.</summary>
public static partial class SourceDates
{
    // US zone abbreviations as RFC 822 defines them. "CST" is US Central here, as in RFC 822; Chinese feeds
    // that mean China Standard Time almost always write +0800 instead.
    private static readonly Dictionary<string, string> ZoneAbbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = "+0000", ["UTC"] = "+0000", ["GMT"] = "+0000", ["Z"] = "+0000",
        ["EST"] = "-0500", ["EDT"] = "-0400", ["CST"] = "-0600", ["CDT"] = "-0500",
        ["MST"] = "-0700", ["MDT"] = "-0600", ["PST"] = "-0800", ["PDT"] = "-0700",
    };

    private static readonly string[] Formats =
    [
        "ddd, d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss zzz", "ddd, d MMM yyyy HH:mm zzz", "d MMM yyyy HH:mm zzz",
        "ddd, d MMM yy HH:mm:ss zzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd HH:mm:sszzz",
        "yyyy-MM-dd HH:mm:ss zzz",
    ];

    /// <summary>The instant <paramref name="text"/> names, in UTC; null when it cannot be read or lies absurdly far off.</summary>
    /// <param name="assumedOffset">Offset for dates that carry none (the zone the source documents); null: UTC.</param>
    /// <param name="now">For rejecting dates more than two days in the future.</param>
    public static DateTimeOffset? Parse(string? text, DateTimeOffset now, TimeSpan? assumedOffset = null)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var value = text.Trim();
        value = TrailingZone().Replace(value, m => ZoneAbbreviations.TryGetValue(m.Groups[1].Value, out var offset) ? " " + offset : m.Value);
        DateTimeOffset parsed;
        if (!DateTimeOffset.TryParseExact(value, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out parsed))
        {
            var styles = DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal;
            if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, styles, out parsed)) return null;
            if (assumedOffset is { } offset && !HasExplicitOffset(value))
                parsed = new DateTimeOffset(parsed.DateTime, offset);
        }
        var utc = parsed.ToUniversalTime();
        if (utc.Year < 1990 || utc > now.AddDays(2)) return null;
        return utc;
    }

    private static bool HasExplicitOffset(string value) => ExplicitOffset().IsMatch(value);

    [GeneratedRegex(@"\s([A-Za-z]{1,3}T?)$")]
    private static partial Regex TrailingZone();

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$")]
    private static partial Regex ExplicitOffset();
}
