using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Drafting;

/// <summary>Publishes the draft of a window as an issue: the one rule behind <c>publish</c> and the review page's Publish.</summary>
/// <remarks>
/// An issue is dated the day it is published (in the draft time zone), or the date the editor names. Its window ends
/// there: a week still running is cut at the issue date, so what is posted later in that week is left for the next
/// issue, and <c>--since-last</c> starts the day after the window. A window that ended before the issue date is kept
/// whole; the days between it and the issue date are then the next window's first days. An issue date more than one day
/// after today is refused: it would end the window in the future and swallow days nobody has reviewed yet.
/// </remarks>
public sealed class IssuePublisher(DraftExporter exporter, IssueHistory history, DraftOptions options, TimeProvider timeProvider, ReportDatabase database)
{
    /// <summary>What a publish did, or why it did nothing.</summary>
    /// <param name="Window">The window the issue covers (the requested one, cut at the issue date).</param>
    /// <param name="Changed">True when nothing was published because the draft is no longer the one the editor was shown.</param>
    /// <param name="Issue">The issue <see cref="PreviewAsync"/> found would be recorded (dated, its window cut); null from a publish.</param>
    /// <param name="Shown">With <paramref name="Issue"/>: the fingerprint a confirmed publish passes as its <c>shown</c> to record that issue or nothing.</param>
    public sealed record Outcome(IssueHistory.ImportResult? Result, DraftWindow? Window, string? Problem, bool Changed = false, Draft? Issue = null,
        string? Shown = null);

    /// <summary>Records the draft of <paramref name="requested"/>, cut at the issue date, as published on that date.</summary>
    /// <param name="date">The issue date; null: today in the draft time zone.</param>
    /// <param name="render">The draft as rendered for the issue (the configured template), kept with the issue; null: none kept.</param>
    /// <param name="shown">
    /// The <see cref="Draft.Fingerprint"/> of the draft of <paramref name="requested"/> the editor was shown (the review page);
    /// when the draft is another now (a poll, another editor's mark, edit or publish), nothing is published. Null: no check.
    /// </param>
    /// <remarks>
    /// The draft is built and recorded while this publish holds the database's write lock: no poll, mark or other publish
    /// commits in between, so what the check compared is what is recorded, and an entry a poll stores meanwhile waits and is
    /// stored after the issue (a late arrival, placed in the next window) instead of being left out of both.
    /// </remarks>
    public async Task<Outcome> PublishAsync(DraftWindow requested, DateOnly? date, CancellationToken cancellationToken, Func<Draft, string>? render = null,
        string? shown = null)
    {
        var (issueDate, window, refused) = Dated(requested, date);
        if (refused is not null) return refused;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var checkedDraft = await CheckAsync(requested, window, shown, cancellationToken);
        if (checkedDraft.Issue is not { } draft) return checkedDraft;
        var issue = draft with { Date = issueDate };
        var result = await history.PublishAsync(connection, transaction, issue, cancellationToken, render?.Invoke(issue));
        await transaction.CommitAsync(cancellationToken);
        return new Outcome(result, window, null);
    }

    /// <summary>
    /// What <see cref="PublishAsync"/> with the same arguments (dated today) would record now, or why it would record nothing,
    /// by the same checks; nothing is written (the review page's confirmation before a publish without its script).
    /// </summary>
    public async Task<Outcome> PreviewAsync(DraftWindow requested, string? shown, CancellationToken cancellationToken)
    {
        var (issueDate, window, refused) = Dated(requested, null);
        if (refused is not null) return refused;
        // A publish given `shown` compares it with the requested window's draft, not the cut one's: without a draft shown (a
        // client other than the page), the confirmation carries that draft's, taken before the issue is built, so that a
        // change in between is refused rather than published unseen. That draft is the one the check compares: built once.
        Draft? built = null;
        if (shown is null)
        {
            built = await exporter.BuildAsync(requested, cancellationToken);
            shown = built.Fingerprint();
        }
        var checkedDraft = await CheckAsync(requested, window, shown, cancellationToken, built);
        return checkedDraft.Issue is { } draft ? checkedDraft with { Issue = draft with { Date = issueDate }, Shown = shown } : checkedDraft;
    }

    // The issue date and the window it cuts, or why there is no issue of that date (Refused).
    private (DateOnly Date, DraftWindow Window, Outcome? Refused) Dated(DraftWindow requested, DateOnly? date)
    {
        var zone = options.Zone();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), zone).DateTime);
        var issueDate = date ?? today;
        if (issueDate > today.AddDays(1))
            return (issueDate, requested, new Outcome(null, null,
                $"the issue date {issueDate:yyyy-MM-dd} is more than one day after today ({today:yyyy-MM-dd} in {zone.Id}): an issue is dated the day it is sent, or the next day at most"));
        if (issueDate < requested.First)
            return (issueDate, requested, new Outcome(null, null, $"the issue date {issueDate:yyyy-MM-dd} is before the window's first day {requested.First:yyyy-MM-dd}: nothing of it can be published yet"));
        return (issueDate, issueDate < requested.Last ? DraftWindow.Of(requested.First, issueDate, zone) : requested, null);
    }

    // The draft of the cut window (Issue), or why it is not published: it is not the one shown, or it has no items.
    // requestedDraft: the draft of requested when the caller has just built it, shown being its fingerprint.
    private async Task<Outcome> CheckAsync(DraftWindow requested, DraftWindow window, string? shown, CancellationToken cancellationToken,
        Draft? requestedDraft = null)
    {
        // The draft is read on other connections, which see what was committed before the lock (if any) was taken.
        var draft = requestedDraft ?? await exporter.BuildAsync(shown is null ? window : requested, cancellationToken);
        if (shown is not null)
        {
            if (draft.Fingerprint() != shown)
                return new Outcome(null, window,
                    $"the draft of {requested.First:yyyy-MM-dd} .. {requested.Last:yyyy-MM-dd} changed since it was shown (a poll, another editor's action or "
                    + $"publish; it has {Counted.Of(draft.Count, "item", "items")} now): nothing was published; check the draft as it is now and publish again", Changed: true);
            if (window != requested) draft = await exporter.BuildAsync(window, cancellationToken);
        }
        if (draft.Count == 0)
            return new Outcome(null, window, $"the draft of {window.First:yyyy-MM-dd} .. {window.Last:yyyy-MM-dd} has no items: nothing to publish");
        return new Outcome(null, window, null, Issue: draft);
    }
}
