using System.Globalization;
using System.Numerics;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>A whole number a request names (a limit, a place, an entry id): ASCII digits only, within its type's range.</summary>
internal static class RequestNumber
{
    /// <summary>
    /// The number <paramref name="text"/> names, or null; <paramref name="tooLarge"/> tells digits past
    /// <typeparamref name="T"/>'s largest value (99999999999 for an int) from no number at all, so the refusal can say which.
    /// </summary>
    public static T? Parse<T>(string? text, out bool tooLarge) where T : struct, IBinaryInteger<T>
    {
        tooLarge = false;
        if (T.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return value;
        tooLarge = !string.IsNullOrEmpty(text) && text.All(char.IsAsciiDigit);
        return null;
    }
}
