using System.Globalization;
using System.Numerics;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>A whole number a request names (a limit, a place, an entry id): ASCII digits only, within its type's range.</summary>
internal static class RequestNumber
{
    /// <summary>
    /// The number <paramref name="text"/> names, or null; <paramref name="tooLarge"/> tells digits past
    /// <typeparamref name="T"/>'s range (99999999999 for an int) from no number at all, so the refusal can say which.
    /// </summary>
    /// <param name="signed">A leading '-' or '+' is taken (the CLI's options); a request's numbers have none.</param>
    public static T? Parse<T>(string? text, out bool tooLarge, bool signed = false) where T : struct, IBinaryInteger<T>
    {
        tooLarge = false;
        if (T.TryParse(text, signed ? NumberStyles.AllowLeadingSign : NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return value;
        var digits = signed && text is ['-' or '+', .. var rest] ? rest : text;
        tooLarge = !string.IsNullOrEmpty(digits) && digits.All(char.IsAsciiDigit);
        return null;
    }
}
