using System.Globalization;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>Why a late arrival sits in a later window than its date, as <c>entries --explain</c> and the review page say it.</summary>
internal static class LateArrival
{
    /// <summary>The published issue whose window holds the entry's date, then its first sighting and the window it was moved into.</summary>
    public static async Task<string> DescribeAsync(IssueStore issues, StoredEntry entry, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        string Day(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var dated = Day(entry.Published ?? entry.FirstSeen);
        var seen = TimeZoneInfo.ConvertTime(entry.FirstSeen, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var end = entry.WindowTime!.Value;
        // The issue's days as it named them, and the next window's first day as --since-last names it: after a Draft:TimeZone
        // change the zone's day of the window's instants is the day before or after.
        return await issues.PublishedWindowEndingAsync(end, cancellationToken) is { } issue
            ? $"dated {dated}, inside the window of the issue of {issue.Date:yyyy-MM-dd} "
              + $"({DraftWindow.PublishedFirstDay(issue.FromUtc, end, issue.LastDay, zone):yyyy-MM-dd} .. {issue.LastDay:yyyy-MM-dd}), "
              + $"but first seen {seen}, after that issue was published; moved into the next window, from {issue.LastDay.AddDays(1):yyyy-MM-dd}"
            : $"dated {dated}, inside an issue's window that was already published when it was first seen {seen}; moved into the next window, from {Day(end)}";
    }
}
