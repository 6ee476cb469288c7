using System.Globalization;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Normalizing;

/// <summary>Parses the dates feeds write (RFC 822, ISO 8601, and common deviations) without depending on the server's culture or zone.</summary>
public static partial class SourceDates
{
    // RFC 822's US zone names first. "CST" is US Central here, as in RFC 822, unless the source is in China (see China):
    // Java, Go and PHP print China Standard Time as "CST" in Asia/Shanghai. The rest are the abbreviations the IANA tz
    // database prints for zones whose feeds write them in place of an offset; an ambiguous one takes its most common
    // meaning in feeds (IST India, BST British Summer Time). Names ambiguous beyond that (AST, SST, PT, ET) are left out:
    // no date beats a wrong one.
    private static readonly Dictionary<string, string> ZoneAbbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = "+0000", ["UTC"] = "+0000", ["GMT"] = "+0000", ["Z"] = "+0000",
        ["EST"] = "-0500", ["EDT"] = "-0400", ["CST"] = "-0600", ["CDT"] = "-0500",
        ["MST"] = "-0700", ["MDT"] = "-0600", ["PST"] = "-0800", ["PDT"] = "-0700",
        ["AKST"] = "-0900", ["AKDT"] = "-0800", ["HST"] = "-1000",
        ["WET"] = "+0000", ["WEST"] = "+0100", ["BST"] = "+0100", ["CET"] = "+0100", ["CEST"] = "+0200",
        ["EET"] = "+0200", ["EEST"] = "+0300", ["MSK"] = "+0300", ["IST"] = "+0530",
        ["HKT"] = "+0800", ["SGT"] = "+0800", ["AWST"] = "+0800", ["JST"] = "+0900", ["KST"] = "+0900",
        ["ACST"] = "+0930", ["AEST"] = "+1000", ["AEDT"] = "+1100", ["NZST"] = "+1200", ["NZDT"] = "+1300",
    };

    /// <summary>
    /// The offset of a source in China (a WeChat mirror): its dates without a zone are China's, and its "CST" is China
    /// Standard Time (+08:00), as Java, Go and PHP print it in Asia/Shanghai, not RFC 822's US Central.
    /// </summary>
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>
    /// The offset of the dates without a zone of a feed that says it is in <paramref name="language"/> (RSS
    /// <c>&lt;language&gt;</c>, Atom <c>xml:lang</c>): <see cref="China"/> for Chinese (<c>zh</c>, <c>zh-cn</c>,
    /// <c>zh-Hans</c>, <c>zh-TW</c> …: the mainland, Hong Kong, Macau, Taiwan and Singapore all keep +08:00 the year round),
    /// which also reads its "CST" as China's; null (UTC) for any other language or none.
    /// </summary>
    public static TimeSpan? OffsetOfLanguage(string? language) =>
        language is { } code && (code.Equals("zh", StringComparison.OrdinalIgnoreCase)
            || code.StartsWith("zh-", StringComparison.OrdinalIgnoreCase) || code.StartsWith("zh_", StringComparison.OrdinalIgnoreCase))
            ? China : null;

    private static readonly string[] Formats =
    [
        "ddd, d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss zzz", "ddd, d MMM yyyy HH:mm zzz", "d MMM yyyy HH:mm zzz",
        "ddd, d MMM yy HH:mm:ss zzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd HH:mm:sszzz",
        "yyyy-MM-dd HH:mm:ss zzz",
    ];

    // What Deviant leaves: the RFC 822 forms without their weekday, and JavaScript's Date.toString() order.
    private static readonly string[] DeviantFormats =
        ["d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm zzz", "d MMM yy HH:mm:ss zzz", "MMM d yyyy HH:mm:ss zzz", "MMM d yyyy HH:mm zzz"];

    /// <summary>The instant <paramref name="text"/> names, in UTC; null when it cannot be read or lies absurdly far off.</summary>
    /// <param name="assumedOffset">
    /// Offset for dates that carry none (the zone the source documents); null: UTC. <see cref="China"/> also reads "CST" as China's.
    /// </param>
    /// <param name="now">For rejecting dates more than two days in the future.</param>
    public static DateTimeOffset? Parse(string? text, DateTimeOffset now, TimeSpan? assumedOffset = null)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var china = assumedOffset == China;
        var value = ZoneNames(text.Trim(), china);
        // The forms nearly every feed writes parse here; the rewriting below runs only for the rest, and never for ISO 8601
        // (a year first), which has none of the deviations it knows and goes straight to the general parse.
        if (!DateTimeOffset.TryParseExact(value, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var parsed)
            && (StartsWithYear(value)
                || !DateTimeOffset.TryParseExact(Deviant(text.Trim(), china), DeviantFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out parsed)))
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

    private static string ZoneNames(string value, bool china) =>
        TrailingZone().Replace(value, m => china && m.Groups[1].Value.Equals("CST", StringComparison.OrdinalIgnoreCase) ? " +0800"
            : ZoneAbbreviations.TryGetValue(m.Groups[1].Value, out var offset) ? " " + offset : m.Value);

    // Rewrites the deviations feeds in the wild write into a form DeviantFormats read, each with its offset kept:
    // "Mon May 04 2020 10:00:00 GMT+0800 (China Standard Time)" (JavaScript), "… +0000 (UTC)", "… GMT+8" and "… GMT+0800"
    // (common on Chinese sites), "… +0800 GMT" (the numeric offset wins over the name), Java's Date.toString() ("Tue May 12
    // 12:21:09 CST 2020": the zone's name before the year), and a weekday name that does not match the date, which is
    // dropped as miniflux and other mature readers ignore it.
    private static string Deviant(string value, bool china)
    {
        value = TrailingComment().Replace(value, "");
        value = LeadingWeekday().Replace(value, "");
        value = ZoneBeforeYear().Replace(value, "$1 $4 $2 $3");
        value = PrefixedOffset().Replace(value, m =>
            $" {m.Groups[1].Value}{m.Groups[2].Value.PadLeft(2, '0')}:{(m.Groups[3].Success ? m.Groups[3].Value : "00")}");
        value = NameAfterOffset().Replace(value, "");
        return ZoneNames(value, china);
    }

    private static bool StartsWithYear(string value) => value.Length > 4 && char.IsAsciiDigit(value[0]) && char.IsAsciiDigit(value[3]) && value[4] == '-';

    private static bool HasExplicitOffset(string value) => ExplicitOffset().IsMatch(value);

    [GeneratedRegex(@"\s([A-Za-z]{1,3}T?)$")]
    private static partial Regex TrailingZone();

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$")]
    private static partial Regex ExplicitOffset();

    [GeneratedRegex(@"\s*\([^()]*\)$")]
    private static partial Regex TrailingComment();

    [GeneratedRegex(@"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingWeekday();

    // GMT+8, GMT+0800, UTC+08:00, GMT -5: the offset a zone name prefixes, as +HH:MM.
    [GeneratedRegex(@"\s(?:GMT|UTC|UT)\s*([+-])(\d{1,2})(?::?(\d{2}))?$", RegexOptions.IgnoreCase)]
    private static partial Regex PrefixedOffset();

    // Java's "May 12 12:21:09 CST 2020" (its weekday gone): month and day, time, zone name, year.
    [GeneratedRegex(@"^([A-Za-z]{3}\s+\d{1,2})\s+(\d{1,2}:\d{2}(?::\d{2})?)\s+([A-Za-z]{1,4})\s+(\d{4})$")]
    private static partial Regex ZoneBeforeYear();

    [GeneratedRegex(@"(?<=[+-]\d{2}:?\d{2})\s+[A-Za-z]{1,5}$")]
    private static partial Regex NameAfterOffset();
}
