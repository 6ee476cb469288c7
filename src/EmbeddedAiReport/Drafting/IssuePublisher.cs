namespace EmbeddedAiReport.Drafting;

/// <summary>Publishes the draft of a window as an issue: the one rule behind <c>publish</c> and the review page's Publish.</summary>
/// <remarks>
/// An issue is dated the day it is published (in the draft time zone), or the date the editor names. Its window ends
/// there: a week still running is cut at the issue date, so what is posted later in that week is left for the next
/// issue, and <c>--since-last</c> starts the day after the window. A window that ended before the issue date is kept
/// whole; the days between it and the issue date are then the next window's first days. An issue date more than one day
/// after today is refused: it would end the window in the future and swallow days nobody has reviewed yet.
/// </remarks>
public sealed class IssuePublisher(DraftExporter exporter, IssueHistory history, DraftOptions options, TimeProvider timeProvider)
{
    /// <summary>What a publish did, or why it did nothing.</summary>
    /// <param name="Window">The window the issue covers (the requested one, cut at the issue date).</param>
    public sealed record Outcome(IssueHistory.ImportResult? Result, DraftWindow? Window, string? Problem);

    /// <summary>Records the draft of <paramref name="requested"/>, cut at the issue date, as published on that date.</summary>
    /// <param name="date">The issue date; null: today in the draft time zone.</param>
    /// <param name="render">The draft as markdown (the configured template), kept with the issue; null: none kept.</param>
    public async Task<Outcome> PublishAsync(DraftWindow requested, DateOnly? date, CancellationToken cancellationToken, Func<Draft, string>? render = null)
    {
        var zone = options.Zone();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), zone).DateTime);
        var issueDate = date ?? today;
        if (issueDate > today.AddDays(1))
            return new Outcome(null, null,
                $"the issue date {issueDate:yyyy-MM-dd} is more than one day after today ({today:yyyy-MM-dd} in {zone.Id}): an issue is dated the day it is sent, or the next day at most");
        if (issueDate < requested.First)
            return new Outcome(null, null, $"the issue date {issueDate:yyyy-MM-dd} is before the window's first day {requested.First:yyyy-MM-dd}: nothing of it can be published yet");
        var window = issueDate < requested.Last ? DraftWindow.Of(requested.First, issueDate, zone) : requested;
        var draft = await exporter.BuildAsync(window, cancellationToken);
        if (draft.Count == 0)
            return new Outcome(null, window, $"the draft of {window.First:yyyy-MM-dd} .. {window.Last:yyyy-MM-dd} has no items: nothing to publish");
        var issue = draft with { Date = issueDate };
        var result = await history.PublishAsync(issue, cancellationToken, render?.Invoke(issue));
        return new Outcome(result, window, null);
    }
}
