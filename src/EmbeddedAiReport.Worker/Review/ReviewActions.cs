using System.Globalization;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Worker.Cli;
using EmbeddedAiReport.Worker.Http;

namespace EmbeddedAiReport.Worker.Review;

/// <summary>
/// The review page's actions, each the twin of a command (<c>mark</c>, <c>mark --primary</c>, <c>edit</c>, <c>move</c>,
/// <c>publish</c>): they call the same core services, so the page keeps no state of its own.
/// </summary>
internal sealed class ReviewActions(EntryStore entries, EditorStore editor, StoryAssigner stories, DraftReview review, IssuePublisher publisher,
    LoadedConfig config, ModelRetraining retraining, ILogger<ReviewActions> logger)
{
    /// <summary>
    /// The outcome of an action: an HTTP status and a line for the editor; for an edit refused as stale, what was typed; for a
    /// Publish not confirmed yet, what it would record (the line is then the question).
    /// </summary>
    public sealed record Outcome(int Status, string Message, Typed? Kept = null, Confirmation? Asked = null)
    {
        public bool Ok => Status < 300;
    }

    /// <summary>
    /// The fields an editor changed in an edit that was refused because the text changed since the page showed it (409): the
    /// page shows them again in the entry's form, to be checked against the text as it is now and saved again (null: not changed).
    /// </summary>
    public sealed record Typed(long Id, string? Title, string? Summary);

    /// <summary>
    /// A Publish posted without the script, before the editor confirmed it: the issue it would record now and the
    /// <see cref="Draft.Fingerprint"/> the confirmation carries, so that it publishes that draft or nothing.
    /// </summary>
    public sealed record Confirmation(Draft Issue, string Shown);

    /// <summary>Applies the form's <c>action</c> to the entry the path names (<paramref name="idText"/>) within the draft of <paramref name="window"/>.</summary>
    public async Task<Outcome> ApplyAsync(Http.PathWindow window, string idText, IFormCollection form, CancellationToken cancellationToken)
    {
        // Ids are SQLite/PostgreSQL row ids (Int64): a longer number names no entry, as a missing one does.
        var action = form["action"].ToString();
        if (RequestNumber.Parse<long>(idText, out var tooLarge) is not { } id)
        {
            var none = new Outcome(StatusCodes.Status404NotFound, tooLarge
                ? $"no entry with id {Echoed.Of(idText)}: ids run to {long.MaxValue}"
                : $"'{Echoed.Of(idText)}' is not an entry id, a number such as 42");
            logger.Acted(window.Token, Echoed.Of(action), Echoed.Of(idText), none.Message);
            return none;
        }
        var outcome = action switch
        {
            "shortlisted" or "rejected" or "candidate" => await entries.SetStatusAsync([id], action, cancellationToken) switch
            {
                { Set.Count: > 0 } => Done($"{id}: {action}"),
                { Published.Count: > 0 } => Bad($"{id}: published in an issue; its status stays"),
                _ => NoEntry(id),
            },
            "primary" => await PinPrimaryAsync(id, cancellationToken),
            "edit" => await EditAsync(id, form, cancellationToken),
            "section" => await MoveSectionAsync(id, form["section"].ToString(), cancellationToken),
            "up" or "down" or "position" => await PlaceAsync(window.Window, id, action, form, cancellationToken),
            _ => Bad($"unknown action '{Echoed.Of(action)}' (shortlisted, rejected, candidate, primary, edit, section, up, down, position)"),
        };
        logger.Acted(window.Token, action, id.ToString(CultureInfo.InvariantCulture), outcome.Message);
        return outcome;
    }

    /// <summary>
    /// Records the window's draft as a published issue dated today, by the same rule as <c>publish --week</c>,
    /// <c>--from/--to</c> or <c>--since-last</c> (<see cref="IssuePublisher"/>).
    /// </summary>
    /// <remarks>
    /// The form carries the draft the page showed (<see cref="ShownDraftField"/>): when it changed since (a poll brought an
    /// item, another editor marked, edited or published), nothing is published (409) and the page shows the draft as it is now.
    /// A publish cannot be taken back from the page, so it is asked first: by the page's script (<paramref name="asked"/>), else
    /// by a confirmation page (<see cref="Outcome.Asked"/>, after the same checks) whose form says so (<see cref="ConfirmedField"/>).
    /// Sent again (the browser's back and resend) it publishes nothing: a publish takes its items out of the draft, so the
    /// draft is not the one it carries any more.
    /// </remarks>
    public async Task<Outcome> PublishAsync(Http.PathWindow named, IFormCollection form, bool asked, CancellationToken cancellationToken)
    {
        var shown = form[ShownDraftField].FirstOrDefault() is { Length: > 0 } posted ? posted : null;
        if (!asked && form[ConfirmedField] != ConfirmedValue)
        {
            var pending = await publisher.PreviewAsync(named.Window, shown, cancellationToken);
            if (pending.Changed) return new Outcome(StatusCodes.Status409Conflict, pending.Problem!);
            if (pending is not { Issue: { } issue, Window: { } cut, Shown: { } confirmed }) return Bad(pending.Problem ?? "nothing to publish");
            return new Outcome(StatusCodes.Status200OK,
                $"Publish the draft of {named.Label} as the issue of {issue.Date:yyyy-MM-dd}: {Counted.Of(issue.Count, "item", "items")} of {cut.First:yyyy-MM-dd} .. {cut.Last:yyyy-MM-dd}?",
                Asked: new Confirmation(issue, confirmed));
        }
        var outcome = await publisher.PublishAsync(named.Window, null, cancellationToken, config.Renderer.Render, shown);
        if (outcome.Changed) return new Outcome(StatusCodes.Status409Conflict, outcome.Problem!);
        if (outcome is not { Result: { } result, Window: { } window }) return Bad(outcome.Problem ?? "nothing to publish");
        logger.Published(named.Token, $"{result.Date:yyyy-MM-dd}", result.Items);
        var retrained = await retraining.AfterPublishAsync(cancellationToken);
        return Done($"published issue {result.Date:yyyy-MM-dd} ({window.First:yyyy-MM-dd} .. {window.Last:yyyy-MM-dd}): {Counted.Of(result.Items, "item", "items")}, {Counted.Of(result.EntriesPublished, "entry", "entries")} marked published{(retrained is null ? "" : $"; {retrained}")}");
    }

    /// <summary>The confirmation page's field (with <see cref="ConfirmedValue"/>) that says the editor confirmed the publish.</summary>
    public const string ConfirmedField = "confirmed";

    /// <summary>The value of <see cref="ConfirmedField"/>.</summary>
    public const string ConfirmedValue = "yes";

    /// <summary>The Publish form's field carrying the <see cref="Draft.Fingerprint"/> of the draft the page showed.</summary>
    public const string ShownDraftField = "shown_draft";

    /// <summary>
    /// The edit form's field carrying <see cref="ShownText"/> of the title and summary the page showed: a fingerprint, not
    /// the text (a flooded week's page carried every arXiv abstract twice, 1.4 KB a row).
    /// </summary>
    public const string ShownField = "shown";

    // The fields the edit form posted before ShownField: a page of an earlier daemon (whose anti-forgery token died with its
    // restart anyway) or a client written against it. Refused (400) rather than read as "nothing shown", which would save
    // over a text changed since without a word.
    private static readonly string[] OldShownFields = ["shown_title", "shown_summary"];

    /// <summary>
    /// The fingerprint of a title and summary as a page shows them (<c>TITLE.SUMMARY</c>, 64 bits of SHA-256 each, of the
    /// text as compared: line breaks a browser adds or drops are no difference), which <see cref="ShownField"/> posts back.
    /// </summary>
    public static string ShownText(string title, string summary) => $"{Hash(title, singleLine: true)}.{Hash(summary, singleLine: false)}";

    private static string Hash(string text, bool singleLine) =>
        Normalizing.TextDigest.Sha256HexLower(Comparable(text, singleLine), 8);

    // A field the editor left as the page showed it (the same fingerprint) is not an edit. Storing it would freeze the text
    // shown then as the editor's, although a re-poll may have changed the source's since.
    // A field the editor changed whose text changed since the page showed it (another editor saved it, a re-poll brought the
    // source's new one) is not saved over: that text was never seen (409).
    private async Task<Outcome> EditAsync(long id, IFormCollection form, CancellationToken cancellationToken)
    {
        if (OldShownFields.FirstOrDefault(form.ContainsKey) is { } old)
            return Bad($"{id}: {old} is no longer read (the page now posts {ShownField}, a fingerprint of the text it showed): reload the page; nothing was saved");
        var posted = form[ShownField].FirstOrDefault();
        var shown = posted?.Split('.') is [{ Length: 16 } t, { Length: 16 } s] ? (Title: t, Summary: s) : ((string Title, string Summary)?)null;
        if (posted is not null && shown is null)
            return Bad($"{id}: {ShownField}: '{Echoed.Of(posted)}' is not a fingerprint of the text the page showed (TITLE.SUMMARY); nothing was saved");
        var title = Changed(form["title"].FirstOrDefault(), shown?.Title, singleLine: true);
        var summary = Changed(form["summary"].FirstOrDefault(), shown?.Summary, singleLine: false);
        // Compared with the text as it is when the save holds the write lock: two editors saving from one page at once
        // both passed a look taken before either saved, and the second overwrote the first.
        string? Stale((string Title, string Summary) now)
        {
            var moved = new[]
            {
                title is not null && shown is { } t && Hash(now.Title, singleLine: true) != t.Title ? "title" : null,
                summary is not null && shown is { } s && Hash(now.Summary, singleLine: false) != s.Summary ? "summary" : null,
            }.OfType<string>().ToList();
            return moved.Count == 0 ? null : $"{id}: the {string.Join(" and ", moved)} changed since the page showed it "
                + "(another editor's edit or a re-poll): nothing was saved; check the text as it is now and save again";
        }
        var (found, stale) = await editor.SetTextAsync(id, title, summary, cancellationToken, Stale);
        if (!found) return NoEntry(id);
        if (stale is not null) return new Outcome(StatusCodes.Status409Conflict, stale, new Typed(id, title, summary));
        return Done((title, summary) switch
        {
            (null, null) => $"{id}: nothing changed",
            (not null, null) => $"{id}: title saved",
            (null, not null) => $"{id}: summary saved",
            _ => $"{id}: title and summary saved",
        });
    }

    // Null when the posted value is what the page showed (its fingerprint, shown). A browser sends a textarea's line breaks
    // as CRLF and drops line breaks from a text input, so those differences are not edits.
    private static string? Changed(string? posted, string? shown, bool singleLine)
    {
        if (posted is null || shown is null) return posted;
        return Hash(posted, singleLine) == shown ? null : posted;
    }

    private static string Comparable(string text, bool singleLine) =>
        (singleLine ? text.Replace("\r", "").Replace("\n", "") : text.ReplaceLineEndings("\n")).Trim();

    private async Task<Outcome> PinPrimaryAsync(long id, CancellationToken cancellationToken)
    {
        if (await stories.PinPrimaryAsync(id, cancellationToken)) return Done($"{id}: primary of its story");
        return await editor.TextAsync(id, cancellationToken) is null ? NoEntry(id) : Bad($"{id}: not in a story, nothing to pin");
    }

    private async Task<Outcome> MoveSectionAsync(long id, string section, CancellationToken cancellationToken)
    {
        string? slug = null;
        if (section != MoveCommand.AutoSection && !config.Draft.SectionSlugs().TryGetValue(section, out slug))
            return Bad($"unknown section '{Echoed.Of(section)}'");
        return await editor.SetSectionAsync(id, slug, cancellationToken) ? Done($"{id}: section {slug ?? "from the pipeline"}") : NoEntry(id);
    }

    private async Task<Outcome> PlaceAsync(DraftWindow window, long id, string action, IFormCollection form, CancellationToken cancellationToken)
    {
        var field = action == "position" ? "position" : "place";
        var text = form[field].ToString();
        if (RequestNumber.Parse<int>(text, out var tooLarge) is not { } place || place < 1)
            return Bad(tooLarge
                ? $"{field}: '{Echoed.Of(text)}' is past the last place taken, {int.MaxValue} (a place past the section's end puts the item last)"
                : $"{field}: a place from 1 on is required");
        var target = action switch { "up" => Math.Max(1, place - 1), "down" => place + 1, _ => place };
        var moved = await review.MoveToAsync(id, target, window, cancellationToken);
        return moved.Problem is { } problem ? Bad(problem) : Done(moved.Describe(id));
    }

    private static Outcome Done(string message) => new(StatusCodes.Status200OK, message);

    private static Outcome Bad(string message) => new(StatusCodes.Status400BadRequest, message);

    private static Outcome NoEntry(long id) => new(StatusCodes.Status404NotFound, $"no entry with id {id}");
}
