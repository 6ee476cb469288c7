using System.Globalization;

namespace EmbeddedAiReport.Storage;

/// <summary>The one format instants are stored in: UTC, ISO-8601, fixed width, so text order is time order.</summary>
internal static class SqliteTime
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string Write(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static object WriteOrNull(DateTimeOffset? value) => value is { } v ? Write(v) : DBNull.Value;

    /// <summary>The instant <paramref name="text"/> (in the stored format) names; a <see cref="FormatException"/> when it is not one.</summary>
    /// <remarks>
    /// The stored form has fixed positions, so its digits are read directly (a poll reads tens of thousands of these when it
    /// loads the near-duplicate index); any other text, or a date that does not exist, goes to
    /// <see cref="DateTimeOffset.ParseExact(string, string, IFormatProvider, DateTimeStyles)"/>, which returns or throws as before.
    /// </remarks>
    public static DateTimeOffset Read(string text)
    {
        if (text.Length == 24 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' && text[16] == ':' && text[19] == '.'
            && text[23] == 'Z'
            && Digits(text, 0, 4, out var year) && Digits(text, 5, 2, out var month) && Digits(text, 8, 2, out var day)
            && Digits(text, 11, 2, out var hour) && Digits(text, 14, 2, out var minute) && Digits(text, 17, 2, out var second)
            && Digits(text, 20, 3, out var millisecond)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) && hour < 24 && minute < 60 && second < 60)
            return new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero);
        return DateTimeOffset.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    // The ASCII digits text[start..start+count] as a number; false when one is not a digit.
    private static bool Digits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if ((uint)digit > 9) return false;
            value = (value * 10) + digit;
        }
        return true;
    }

    public static DateTimeOffset? ReadOrNull(object value) => value is string s ? Read(s) : null;

    /// <summary>The instant as stored: UTC, whole milliseconds (what <see cref="Read"/> gives back after <see cref="Write"/>).</summary>
    public static DateTimeOffset Stored(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }
}
