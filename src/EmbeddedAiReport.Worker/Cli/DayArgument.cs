using System.Globalization;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>An optional day given on the command line as <c>yyyy-MM-dd</c> (<c>publish --date</c>, <c>issue DATE</c>).</summary>
internal static class DayArgument
{
    /// <summary>Reads <paramref name="text"/> (null: no day given); false after one line on stderr naming <paramref name="name"/>.</summary>
    public static bool TryRead(CliContext context, string? text, string name, out DateOnly? day)
    {
        day = null;
        if (text is null) return true;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            context.Error.WriteLine($"{name}: '{text}' is not a date yyyy-MM-dd");
            return false;
        }
        day = parsed;
        return true;
    }
}
