using System.Text.RegularExpressions;
using Quartz;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>Checks the Quartz cron expressions of the config files and says what is wrong in the config's words, not Quartz's API.</summary>
/// <remarks>
/// The common mistake is the Unix crontab form (5 fields, minutes first). Quartz's own message ends with a C# call
/// (<c>CronExpression.Parse(…, CronFormat.Unix)</c>) that an operator editing JSON cannot use, so a 5-field expression
/// gets its own message with the 6-field expression it most likely means.
/// </remarks>
internal static partial class CronText
{
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

    /// <summary>What is wrong with <paramref name="expression"/>, or null when Quartz accepts it.</summary>
    public static string? Problem(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length == 5)
        {
            var meant = FromUnix(fields);
            return $"'{expression}' has 5 fields, the Unix crontab form; Quartz cron has 6 or 7 with seconds first (second minute hour "
                + "day-of-month month day-of-week [year]), '?' in day-of-month or day-of-week, and days of week SUN-SAT (or 1-7 from Sunday)"
                + (meant is null ? "" : $": write '{meant}'");
        }
        CronExpression cron;
        try
        {
            cron = new CronExpression(expression);
        }
        catch (FormatException ex)
        {
            return $"not a Quartz cron expression: '{expression}' ({WithoutApiHints(ex.Message)})";
        }
        // Quartz parses a date no calendar has (February 30, April 31) but refuses to schedule it, which stopped the
        // daemon at start (or a reload) on a config that validate had passed.
        return cron.GetNextValidTimeAfter(DateTimeOffset.UnixEpoch) is null
            ? $"'{expression}' never fires: no date matches its day-of-month, month and year fields"
            : null;
    }

    // "m h dom mon dow" → "0 m h dom mon dow" with '?' where Quartz needs it and day numbers as names (Unix counts 0-6 from Sunday).
    private static string? FromUnix(string[] fields)
    {
        var (minute, hour, dayOfMonth, month, dayOfWeek) = (fields[0], fields[1], fields[2], fields[3], fields[4]);
        string? quartz = null;
        if (dayOfWeek == "*") quartz = $"0 {minute} {hour} {dayOfMonth} {month} ?";
        else if (dayOfMonth == "*" && DayNames(dayOfWeek) is { } days) quartz = $"0 {minute} {hour} ? {month} {days}";
        if (quartz is null) return null;   // both days restricted: Unix means either, Quartz cannot say that
        try
        {
            _ = new CronExpression(quartz);
            return quartz;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? DayNames(string field)
    {
        var failed = false;
        var named = UnixDay().Replace(field, m =>
        {
            // A number beyond int (or in other digits, which the pattern leaves out) is no day either.
            if (!int.TryParse(m.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var day) || day > 7) failed = true;
            return failed ? m.Value : Days[day];
        });
        return failed ? null : named.ToUpperInvariant();
    }

    private static string WithoutApiHints(string message)
    {
        var plain = ApiHint().Replace(message, "").Trim();
        return string.Join(" ", SentenceEnd().Split(plain).Where(s => !s.Contains("CronExpression", StringComparison.Ordinal) && !s.Contains("CronFormat", StringComparison.Ordinal)));
    }

    // Day numbers, but not step values ("*/2", "1-5/2": the number after '/').
    [GeneratedRegex(@"(?<!/)\b[0-9]+\b")]
    private static partial Regex UnixDay();

    [GeneratedRegex(@",?\s*[Oo]r read (?:the expression|it) as written[^.]*?CronFormat\.Unix\)\.?")]
    private static partial Regex ApiHint();

    [GeneratedRegex(@"(?<=\.)\s+")]
    private static partial Regex SentenceEnd();
}
