using System.Globalization;

namespace EmbeddedAiReport;

/// <summary>A count with its noun for lines people read: "1 entry", "2 entries", "0 entries".</summary>
public static class Counted
{
    public static string Of(long count, string one, string many) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);

    /// <summary>
    /// The first <paramref name="most"/> of <paramref name="names"/>, comma-separated, then "and N more" when there are
    /// more: "a, b, c and 396 more". A line naming 406 sources ran to 7.5 KB.
    /// </summary>
    public static string Named(IReadOnlyCollection<string> names, int most = 10) =>
        names.Count <= most
            ? string.Join(", ", names)
            : string.Join(", ", names.Take(most)) + $" and {(names.Count - most).ToString(CultureInfo.InvariantCulture)} more";
}
