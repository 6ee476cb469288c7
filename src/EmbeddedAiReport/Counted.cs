using System.Globalization;

namespace EmbeddedAiReport;

/// <summary>A count with its noun for lines people read: "1 entry", "2 entries", "0 entries".</summary>
public static class Counted
{
    public static string Of(long count, string one, string many) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);
}
