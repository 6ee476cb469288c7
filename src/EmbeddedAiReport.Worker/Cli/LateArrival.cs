using System.Globalization;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using PublishedWindow = (System.DateOnly Date, System.DateOnly LastDay, System.DateTimeOffset FromUtc, System.DateTimeOffset Recorded);

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>Why a late arrival sits in a later window than its date, as <c>entries --explain</c> and the review page say it.</summary>
internal static class LateArrival
{
    /// <summary>The published issue whose window ends at an instant (see <see cref="IssueStore.PublishedWindowEndingAsync"/>).</summary>
    public delegate Task<PublishedWindow?> IssueEnding(DateTimeOffset windowEndUtc, CancellationToken cancellationToken);

    /// <summary>
    /// The published issue whose window holds the entry's date (looked up by <paramref name="issueEnding"/>: a
    /// <see cref="Remembering"/> one for a list), then its first sighting and the window it was moved into.
    /// </summary>
    public static async Task<string> DescribeAsync(IssueEnding issueEnding, StoredEntry entry, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        string Day(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var dated = Day(entry.Published ?? entry.FirstSeen);
        var seen = TimeZoneInfo.ConvertTime(entry.FirstSeen, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var end = entry.WindowTime!.Value;
        // The issue's days as it named them, and the next window's first day as --since-last names it: after a Draft:TimeZone
        // change the zone's day of the window's instants is the day before or after.
        return await issueEnding(end, cancellationToken) is { } issue
            ? $"dated {dated}, inside the window of the issue of {issue.Date:yyyy-MM-dd} "
              + $"({DraftWindow.PublishedFirstDay(issue.FromUtc, end, issue.LastDay, zone):yyyy-MM-dd} .. {issue.LastDay:yyyy-MM-dd}), "
              + $"but first seen {seen}, after that issue was published; moved into the next window, from {issue.LastDay.AddDays(1):yyyy-MM-dd}"
            : $"dated {dated}, inside an issue's window that was already published when it was first seen {seen}; moved into the next window, from {Day(end)}";
    }

    /// <summary>
    /// A lookup that asks <paramref name="issueEnding"/> once per window end and remembers the answer: a page of late arrivals
    /// moved out of one published window (they share its end) costs one query, not one a row. For one page or command only.
    /// </summary>
    public static IssueEnding Remembering(IssueEnding issueEnding)
    {
        var known = new Dictionary<DateTimeOffset, PublishedWindow?>();
        return async (end, cancellationToken) =>
        {
            if (!known.TryGetValue(end, out var issue)) known[end] = issue = await issueEnding(end, cancellationToken);
            return issue;
        };
    }
}
