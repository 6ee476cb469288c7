using System.Globalization;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Review;

/// <summary>Renders the editor's review page: server-side HTML, every value encoded, one small script of our own.</summary>
internal sealed class ReviewPage(LoadedConfig config, Tagging.EntryClassifier classifier)
{
    public const string TokenField = "__RequestVerificationToken";

    /// <summary>Members of a story shown in full under it, the rest behind a link (<c>?story=</c>): a chain of 700 write-ups was megabytes of forms.</summary>
    public const int MembersShown = 5;

    public string Render(ReviewView view)
    {
        var html = new ReviewHtml();
        var token = view.Window.Token;
        var label = view.Window.Label;
        var window = view.Review.Window;
        // A week links to its neighbours; days or since-last to the weeks they start and end in. Not past the weeks the
        // daemon reads (1990-W01 .. 9998-W53): 1990-W01 has no previous page, 9998-W53 no next one.
        var (prev, next) = view.Window.Week is { } week ? Neighbours(week) : (Containing(window.First), Containing(window.Last));
        // The page's own words are English; Chinese values are marked where they appear (ReviewHtml.Lang).
        html.Head($"Review {label} · 嵌入式AI简报")
            .Raw("<body").Attr("data-week", token).Raw(">\n<header id=\"top\"><h1><span lang=\"zh-CN\">嵌入式AI简报</span> · review <span class=\"week\">")
            .Text(label).Raw("</span></h1>").Raw("<nav aria-label=\"Weeks\">");
        if (prev is not null) html.Raw("<a rel=\"prev\"").Attr("href", $"/review/{prev}").Raw(">← ").Text(prev).Raw("</a> ");
        html.Raw("<span class=\"dates\">").Text($"{window.First:yyyy-MM-dd} .. {window.Last:yyyy-MM-dd}").Raw("</span>");
        if (next is not null) html.Raw(" <a rel=\"next\"").Attr("href", $"/review/{next}").Raw(">").Text(next).Raw(" →</a>");
        html.Raw(" · <a class=\"since-last\"").Attr("href", $"/review/{Http.PathWindow.SinceLast}").Raw(">since the last issue</a></nav>")
            // The keys and their switch are the script's (review.js shows them): without it they would promise what nothing does.
            .Raw("<p class=\"keys\" data-script hidden><span class=\"list\">keys: <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>s</kbd> shortlist · <kbd>r</kbd> reject · <kbd>u</kbd> undo the last shortlist or reject · </span>")
            .Raw("<label><input type=\"checkbox\" id=\"keys-on\" checked> single-key shortcuts</label></p>");
        if (token == Http.PathWindow.SinceLast && Cli.ExportCommand.LongSinceLast(window, $"open a week (/review/{next ?? token}) or days (/review/{window.Last.AddDays(-13):yyyy-MM-dd}..{window.Last:yyyy-MM-dd})") is { } note)
            html.Raw("<p class=\"notice\">").Text(note).Raw("</p>");
        if (!view.CanWrite)
            html.Raw("<p class=\"notice\">Read-only: actions are allowed from loopback only, at <code>localhost</code> or <code>127.0.0.1</code>, or with <code>Report:EditorToken</code> set.</p>");
        html.Raw("<p id=\"status\" role=\"status\" aria-live=\"polite\">").Text(view.Notice).Raw("</p></header>\n");

        Counts(html, view);
        // The first words of every section list's name (aria-labelledby: these, then the entry's title), written once.
        html.Raw("<main>\n<div id=\"candidates\">\n<span hidden").Attr("id", SectionOfId).Raw(">Section of</span>\n");
        Notes(html, view, view.Window.Week is null ? null : prev);
        foreach (var section in view.Sections) Section(html, view, section);
        html.Raw("</div>\n");
        Preview(html, view);
        html.Raw("</main>\n<script src=\"/review/assets/review.js\" defer></script>\n</body></html>\n");
        return html.ToString();
    }

    // What an editor should know before the entries, in the part the script re-reads after an action: an issue already published
    // from this window, and a window that has nothing to review or publish, with where to look instead.
    private static void Notes(ReviewHtml html, ReviewView view, string? previous)
    {
        foreach (var (date, note) in view.PublishedFrom ?? [])
            html.Raw("<p class=\"notice\">").Text($"{note} · ").Raw("<a").Attr("href", $"/issues/{date:yyyy-MM-dd}.md").Raw(">")
                .Text($"the issue of {date:yyyy-MM-dd} as it went out").Raw("</a></p>\n");
        var window = view.Review.Window;
        if (view.Review.Entries.Count == 0)
        {
            html.Raw("<p class=\"notice empty\">").Text($"No entries are dated {window.First:yyyy-MM-dd} .. {window.Last:yyyy-MM-dd} yet: nothing to review or publish here. "
                + "Polls bring the sources' posts as they come (").Raw("<a href=\"/sources\">/sources</a>").Text(" says when each was polled and why one fails)");
            if (previous is not null) html.Text("; the week before is ").Raw("<a").Attr("href", $"/review/{previous}").Raw(">").Text(previous).Raw("</a>");
            html.Raw(".</p>\n");
        }
        else if (view.Review.Draft.Count == 0 && view.PublishedFrom is not { Count: > 0 })
        {
            var count = view.Review.Entries.Count;
            html.Raw("<p class=\"notice empty\">").Text($"The draft is empty: {(count == 1 ? "the window's one entry is" : $"all {count} entries of the window are")} "
                + "out of it, each saying why; shortlist one to put it in.").Raw("</p>\n");
        }
    }

    private static void Counts(ReviewHtml html, ReviewView view)
    {
        html.Raw("<nav id=\"counts\" aria-label=\"Sections\">");
        foreach (var section in view.Sections.Where(s => s.Slug != ReviewLayout.OtherSlug))
        {
            html.Raw("<a").Attr("href", $"#sec-{section.Slug}").Attr("class", section.InDraft > section.Quota ? "count over" : "count").Lang(section.Name).Raw(">")
                .Text(section.Name).Raw(" <b>").Text(section.InDraft.ToString(CultureInfo.InvariantCulture)).Raw("</b>/")
                .Text(section.Quota.ToString(CultureInfo.InvariantCulture)).Raw("</a> ");
        }
        html.Raw("<span class=\"total\">").Text($"{view.Review.Draft.Count} in the draft of {view.Review.Entries.Count} entries").Raw("</span>")
            // The preview (Copy, Download, Publish) follows every entry's controls: eight Tabs an entry away without this link.
            .Raw(" <a class=\"jump\" href=\"#preview\">Draft preview</a></nav>\n");
    }

    private void Section(ReviewHtml html, ReviewView view, ReviewSection section)
    {
        html.Raw("<section class=\"section\"").Attr("id", $"sec-{section.Slug}").Raw("><h2").Lang(section.Name).Raw(">").Text(section.Name);
        if (section.Slug != ReviewLayout.OtherSlug)
            html.Raw(" <span class=\"count\">").Text($"{section.InDraft} / {section.Quota}").Raw("</span>");
        html.Raw("</h2>\n");
        var lineDrawn = section.Slug == ReviewLayout.OtherSlug;
        foreach (var row in section.Rows)
        {
            if (!lineDrawn && row.Rank is null)
            {
                QuotaLine(html, section);
                lineDrawn = true;
            }
            Row(html, view, row, member: false);
        }
        if (!lineDrawn) QuotaLine(html, section);
        if (section.Paging is { } paging && (paging.Offset > 0 || paging.Shown < paging.Total)) More(html, view, section, paging);
        html.Raw("</section>\n");
    }

    // A page of the entries out of the draft (ReviewLayout.Paged), and plain links to the pages beside it: they work without the script.
    private static void More(ReviewHtml html, ReviewView view, ReviewSection section, ReviewPaging paging)
    {
        string Href(int offset) =>
            $"/review/{view.Window.Token}{(offset == 0 ? "" : $"?{new ReviewMore(section.Slug, offset).Query}")}#sec-{section.Slug}";
        html.Raw("<p class=\"more\">").Text(paging.Shown > 0
            ? $"out of the draft: {paging.Offset + 1}–{paging.Offset + paging.Shown} of {paging.Total} shown"
            : $"out of the draft: none past {paging.Offset} ({paging.Total} in all)");
        if (paging.Offset > 0) html.Raw(" · <a").Attr("href", Href(0)).Raw(">").Text($"show the first {ReviewLayout.PageSize}").Raw("</a>");
        var next = paging.Offset + paging.Shown;
        if (paging.Shown > 0 && next < paging.Total)
            html.Raw(" · <a").Attr("href", Href(next)).Raw(">")
                .Text($"show the next {Math.Min(ReviewLayout.PageSize, paging.Total - next)} (of {paging.Total})").Raw("</a>");
        html.Raw("</p>\n");
    }

    private static void QuotaLine(ReviewHtml html, ReviewSection section) =>
        html.Raw("<div class=\"quota-line\">").Text($"quota {section.Quota} · {section.InDraft} in the draft").Raw("</div>\n");

    // actions: false for the members of a story folded away, which carry only their Edit (a link to the entry's page, where
    // their actions are: the script takes them from there when the story is unfolded).
    private void Row(ReviewHtml html, ReviewView view, ReviewRow row, bool member, bool actions = true)
    {
        var entry = row.Entry.Entry;
        // The status is data-status (the style and the script read it), not a class too: 17 bytes a row.
        var classes = $"entry {(row.Decision.InDraft ? "in" : "out")}{(member ? " member" : "")}";
        html.Raw("<article").Attr("class", classes).Attr("id", $"e{entry.Id}").Attr("data-id", entry.Id.ToString(CultureInfo.InvariantCulture))
            .Attr("data-status", entry.Status).Raw(">\n");
        // Each entry is a heading under its section's (a story member one level further down): a reader jumps entry to entry.
        var heading = member ? "h4" : "h3";
        html.Raw($"<{heading} class=\"head\">");
        if (row.Rank is { } rank) html.Raw("<span class=\"rank\">#").Text(rank.ToString(CultureInfo.InvariantCulture)).Raw("</span> ");
        // The original opens in a new tab, the list staying where the editor is (as miniflux does), and the link says so (WCAG
        // G201): a mark to the eye (the style's, out of the link's name: 36 bytes a row as markup), words to a screen reader.
        // The title alone is .title, which names the entry's buttons. noreferrer implies noopener (HTML, "link types").
        if (IsWebLink(entry.Url)) html.Raw("<a").Attr("href", entry.Url).Raw(" target=\"_blank\" rel=\"noreferrer\">");
        html.Raw("<span class=\"title\"").Attr("id", TitleId(entry.Id)).Lang(entry.Title).Raw(">").Text(entry.Title).Raw("</span>");
        if (IsWebLink(entry.Url)) html.Raw("<span class=\"visually-hidden\"> (opens in a new tab)</span></a>");
        if (row.Entry.IsEdited) html.Raw(" <span class=\"badge edited\" title=\"edited by the editor\">edited</span>");
        if (entry.IsLateArrival)
            html.Raw(" <span class=\"badge late\">late arrival</span>");
        html.Raw($"</{heading}>\n");
        // After a form post without the script the page opens here (#e42): the line about this entry is where the editor is.
        if (view.NoticeAt == entry.Id) html.Raw("<p class=\"said\">").Text(view.Notice).Raw("</p>\n");
        html.Raw("<div class=\"meta\"><span class=\"account\"").Lang(entry.Account).Raw(">").Text(entry.Account ?? entry.SourceId).Raw("</span> · <time>")
            .Text(TimeZoneInfo.ConvertTime(entry.Published ?? entry.FirstSeen, config.Draft.Zone()).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Raw("</time> · <span class=\"score\">score ").Text(entry.Score.ToString("0.00", CultureInfo.InvariantCulture)).Raw("</span> · <span class=\"status\">")
            .Text(entry.Status).Raw("</span>");
        // A list of tags (a screen reader counts them), 9 bytes a tag of markup, not 26: an entry may carry a dozen.
        if (row.Entry.Tags.Count > 0)
        {
            html.Raw(" <ul class=\"tags\">");
            foreach (var tag in row.Entry.Tags) html.Raw("<li").Lang(tag.Tag).Raw(">").Text(tag.Tag).Raw("</li>");
            html.Raw("</ul>");
        }
        html.Raw("</div>\n<div class=\"why\">").Text(Why(row)).Raw("</div>\n<div class=\"decision\">").Text(row.Decision.Text).Raw("</div>\n");
        if (view.LateArrivals?.GetValueOrDefault(entry.Id) is { } late) html.Raw("<div class=\"late-why\">").Text("late arrival: " + late).Raw("</div>\n");
        if (entry.Summary.Length > 0 && !member)
            html.Raw("<p class=\"summary\"").Lang(entry.Summary).Raw(">").Text(Normalizing.TextCleaner.Truncate(entry.Summary, 200)).Raw("</p>\n");
        // What an issue already carries never comes back: marking, editing or moving it could only fail or do nothing.
        if (view.CanWrite && entry.Status != "published" && row.Entry.CoveredBy is null) Actions(html, view, row, actions);
        if (row.Members.Count > 0)
        {
            var members = ShownMembers(view, row);
            // Open when a member is where the page opens: its refused edit waits in its form (view.Kept), or its line is shown.
            // Only an open story's members carry their actions: folded, they were 437 of a flooded week's 877 rows' forms.
            var open = view.Story == entry.Id || row.Members.Any(m => OpensAt(view, m));
            html.Raw("<details class=\"members\"").Raw(open ? " open" : "").Raw("><summary>").Text($"{row.Members.Count} more in this story").Raw("</summary>\n");
            foreach (var m in members) Row(html, view, m, member: true, actions: open);
            if (members.Count < row.Members.Count)
            {
                var href = $"/review/{view.Window.Token}?{(view.More is { } more ? $"{more.Query}&" : "")}story={entry.Id}#e{entry.Id}";
                html.Raw("<p class=\"more-members\">").Text($"{row.Members.Count - members.Count} more not shown").Raw(" · <a").Attr("href", href).Raw(">")
                    .Text($"show all {row.Members.Count}").Raw("</a></p>\n");
            }
            html.Raw("</details>\n");
        }
        html.Raw("</article>\n");
    }

    /// <summary>Every row the page shows: each section's rows and, under each, the members of its story it shows (<see cref="ShownMembers"/>).</summary>
    public static IEnumerable<ReviewRow> Shown(ReviewView view) =>
        view.Sections.SelectMany(s => s.Rows).SelectMany(r => ShownMembers(view, r).Prepend(r));

    /// <summary>
    /// The members of <paramref name="row"/>'s story shown under it: the first <see cref="MembersShown"/>, every one when the
    /// page asks for this story (<c>?story=</c>), and the one where the page opens wherever it is.
    /// </summary>
    public static IReadOnlyList<ReviewRow> ShownMembers(ReviewView view, ReviewRow row)
    {
        var all = view.Story == row.Entry.Entry.Id;
        return row.Members.Where((m, i) => all || i < MembersShown || OpensAt(view, m)).ToList();
    }

    // The row where the page opens: its refused edit waits in its form (view.Kept), or the line a form post sent is shown there.
    private static bool OpensAt(ReviewView view, ReviewRow row) => row.Entry.Entry.Id == view.Kept?.Id || row.Entry.Entry.Id == view.NoticeAt;

    private void Actions(ReviewHtml html, ReviewView view, ReviewRow row, bool buttons)
    {
        var entry = row.Entry.Entry;
        // On a page of entries out of the draft (?more=) its forms name it: a plain post goes back there (ReviewEndpoints.Reply).
        var action = ActionPath(view.Window.Token, entry.Id, view.More);
        if (buttons) ActionsForm(html, entry, row.Rank, action, view.FormToken);
        Edit(html, view, row.Entry, action);
    }

    private static string ActionPath(string window, long id, ReviewMore? more) => $"/review/{window}/entries/{id}{(more is { } m ? $"?{m.Query}" : "")}";

    // The buttons of a row; a story member's also on the entry's page (RenderEdit), whence the script takes them when its
    // story is unfolded. The section's list is not here but beside the edit form (MoveForm): 312 bytes a row, ~900 rows.
    private static void ActionsForm(ReviewHtml html, StoredEntry entry, int? rank, string action, string formToken)
    {
        html.Raw("<form method=\"post\" class=\"actions\" data-review").Attr("action", action).Raw(">")
            .Raw("<input type=\"hidden\"").Attr("name", TokenField).Attr("value", formToken).Raw(">");
        if (entry.Status != "shortlisted") Button(html, entry.Id, "shortlisted", "Shortlist", key: "s");
        if (entry.Status != "rejected") Button(html, entry.Id, "rejected", "Reject", key: "r");
        if (entry.Status != "candidate") Button(html, entry.Id, "candidate", "Reset");
        if (entry.StoryId is not null && !entry.IsStoryPrimary) Button(html, entry.Id, "primary", "Make primary");
        if (rank is { } place)
        {
            html.Raw("<input type=\"hidden\" name=\"place\"").Attr("value", place.ToString(CultureInfo.InvariantCulture)).Raw(">");
            Button(html, entry.Id, "up", "↑", "Move up");
            Button(html, entry.Id, "down", "↓", "Move down");
        }
        html.Raw("</form>\n");
    }

    // The section's list and Move, a form of their own on the entry's page and in the row's fetched edit fold: on every row
    // they were 12 % of a flooded week's page, for a move made now and then.
    private void MoveForm(ReviewHtml html, StoredEntry entry, string action, string formToken)
    {
        html.Raw("<form method=\"post\" class=\"move\" data-review").Attr("action", action).Raw(">")
            .Raw("<input type=\"hidden\"").Attr("name", TokenField).Attr("value", formToken).Raw(">");
        // Sections named in Chinese (the shipped ones) mark the list, not each of its options: one lang, not five.
        var chinese = config.Draft.EffectiveSections.All(s => ReviewHtml.IsChinese(s.Name));
        html.Raw("<select name=\"section\"").Attr("aria-labelledby", $"{SectionOfId} {TitleId(entry.Id)}").Raw(chinese ? " lang=\"zh-CN\">" : ">");
        foreach (var section in config.Draft.EffectiveSections)
        {
            html.Raw("<option").Attr("value", section.Slug);
            if (!chinese) html.Lang(section.Name);
            if (string.Equals(section.Slug, entry.Section, StringComparison.OrdinalIgnoreCase)) html.Raw(" selected");
            html.Raw(">").Text(section.Name).Raw("</option>");
        }
        html.Raw("<option value=\"auto\"").Raw(chinese ? " lang=\"en\"" : "").Raw(">(pipeline's choice)</option></select>");
        Button(html, entry.Id, "section", "Move");
        html.Raw("</form>");
    }

    /// <summary>The no-script page of one entry's edit form (<c>GET …/entries/{id}/edit</c>), whose row links to it; the script fetches it and inlines its form.</summary>
    public const string EditPath = "edit";

    // A row carries a link to its edit form, not the form: the form (its summary's copy in the textarea, a second anti-forgery
    // token) was a third of a flooded week's page, ~1.2 KB a row that few rows are ever edited in. Without the script the link
    // opens the form's own page; with it the script fetches that page and puts its form in the row, in a fold as here. A save
    // refused as stale without the script comes back in the row itself, open, with what was typed (view.Kept).
    private void Edit(ReviewHtml html, ReviewView view, ReviewEntry entry, string action)
    {
        var id = entry.Entry.Id;
        if (view.Kept is not { } kept || kept.Id != id)
        {
            var more = view.More is { } m ? $"?{m.Query}" : "";
            html.Raw("<a class=\"edit button\"").Attr("href", $"/review/{view.Window.Token}/entries/{id}/{EditPath}{more}").Attr("id", ControlId(id, "form"))
                .Attr("aria-labelledby", $"{ControlId(id, "form")} {TitleId(id)}").Raw(">Edit</a>\n");
            return;
        }
        html.Raw("<details class=\"edit\" open><summary").Attr("id", ControlId(id, "form"))
            .Attr("aria-labelledby", $"{ControlId(id, "form")} {TitleId(id)}").Raw(">Edit</summary>");
        MoveForm(html, entry.Entry, action, view.FormToken);
        EditForm(html, entry, action, view.FormToken, kept, view.Notice);
        html.Raw("</details>\n");
    }

    // The title and summary in a form of their own: Enter in the title field submits a form with its first button, which was
    // Shortlist while they shared the actions' form. A save refused as stale shows what was typed (kept) and the refusal.
    private static void EditForm(ReviewHtml html, ReviewEntry row, string action, string formToken, ReviewActions.Typed? kept = null, string? refusal = null)
    {
        var entry = row.Entry;
        var (title, summary) = (kept?.Title ?? entry.Title, kept?.Summary ?? entry.Summary);
        html.Raw("<form method=\"post\" class=\"edit\" data-review").Attr("action", action).Raw(">")
            .Raw("<input type=\"hidden\"").Attr("name", TokenField).Attr("value", formToken).Raw(">")
            // A fingerprint of what the form shows, posted back with the fields: a field left as shown is not an edit, and one
            // whose text changed since is not saved over (ReviewActions). The script compares the fields with their defaultValue.
            .Raw("<input type=\"hidden\"").Attr("name", ReviewActions.ShownField).Attr("value", ReviewActions.ShownText(entry.Title, entry.Summary)).Raw(">");
        // The refusal beside the field it concerns, which takes the focus: the page is the answer to the post, not a redirect to the entry.
        if (kept is not null) html.Raw("<p class=\"notice\"").Attr("id", $"k{entry.Id}").Raw(">").Text(refusal).Raw("</p>");
        html.Raw("<label>Title <input name=\"title\"").Attr("value", title).Lang(title);
        Refused(html, kept, kept?.Title is not null, kept?.Title is null ? null : entry.Title);
        html.Raw(" placeholder=\"empty: the source's title\"></label><label>Summary <textarea name=\"summary\" rows=\"4\"").Lang(summary);
        Refused(html, kept, kept is { Title: null, Summary: not null }, kept?.Summary is null ? null : entry.Summary);
        html.Raw(" placeholder=\"empty: the source's summary\">").Text(summary).Raw("</textarea></label>");
        Button(html, entry.Id, "edit", "Save");
        if (row.SourceTitle is { } sourceTitle)
            html.Raw("<p class=\"source\">source title: <span").Lang(sourceTitle).Raw(">").Text(sourceTitle).Raw("</span></p>");
        html.Raw("</form>");
    }

    /// <summary>
    /// The page of one entry: its title, its actions (no places: those are the draft's, on its row), its section, its edit
    /// form (all posted as the row's own, back to the review page at the row) and the way back. No script: the review
    /// page's fetches it and takes the section and edit forms into the row's edit fold, a folded story member's actions
    /// into its row when the story is unfolded.
    /// </summary>
    public string RenderEdit(Http.PathWindow window, ReviewEntry entry, ReviewMore? more, string formToken)
    {
        var id = entry.Entry.Id;
        var query = more is { } m ? $"?{m.Query}" : "";
        var action = ActionPath(window.Token, id, more);
        var html = new ReviewHtml().Head($"Edit {entry.Entry.Title} · review")
            .Raw("<body class=\"edit-page\"><h1>Edit <span class=\"title\"").Attr("id", TitleId(id)).Lang(entry.Entry.Title).Raw(">").Text(entry.Entry.Title).Raw("</span></h1>\n")
            .Raw("<span hidden").Attr("id", SectionOfId).Raw(">Section of</span>\n");
        ActionsForm(html, entry.Entry, null, action, formToken);
        MoveForm(html, entry.Entry, action, formToken);
        EditForm(html, entry, action, formToken);
        return html.Raw("\n<p><a").Attr("href", $"/review/{window.Token}{query}#e{id}").Raw(">Back to the review page, saving nothing</a></p>\n</body></html>\n").ToString();
    }

    // The first field a refused save changed takes the focus (the page opens there), described by the refusal beside it. A
    // field holding what was typed says what the entry's text is now (data-shown): to the script that text is the field's
    // own, so the typed one counts as unsaved (Escape asks before dropping it, and dropped it puts that text back).
    private static void Refused(ReviewHtml html, ReviewActions.Typed? kept, bool first, string? now)
    {
        if (kept is not null && first) html.Raw(" autofocus").Attr("aria-describedby", $"k{kept.Id}");
        if (kept is not null && now is not null) html.Attr("data-shown", now);
    }

    // A button named by what it does and which entry (aria-labelledby: itself, then the entry's title), "Reject CUDA 11 …":
    // forty buttons all named "Reject" say nothing in a screen reader's list of controls.
    private static void Button(ReviewHtml html, long id, string value, string text, string? label = null, string? key = null)
    {
        var control = ControlId(id, value);
        html.Raw("<button name=\"action\"").Attr("value", value).Attr("id", control).Attr("aria-labelledby", $"{control} {TitleId(id)}");
        if (label is not null) html.Attr("title", label).Attr("aria-label", label);
        if (key is not null) html.Attr("data-key", key);
        html.Raw(">").Text(text).Raw("</button>");
    }

    private static string TitleId(long id) => $"t{id}";

    // A control's id, a letter for what it does and the entry's id (r42: Reject of 42): each is written twice a control (id
    // and aria-labelledby), eight controls a row, ~900 rows on a flooded week's page ("a42-shortlisted" was 16 bytes).
    private static string ControlId(long id, string action) => action switch
    {
        "shortlisted" => "s", "rejected" => "r", "candidate" => "c", "primary" => "p", "up" => "u", "down" => "d", "section" => "m", "edit" => "v",
        "form" => "f",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "no control of an entry does that"),
    } + id.ToString(CultureInfo.InvariantCulture);

    private const string SectionOfId = "section-of";

    private static void Preview(ReviewHtml html, ReviewView view)
    {
        var token = view.Window.Token;
        // The file is named by its days unless it is a week's, so that a since-last download keeps saying what it covers.
        var file = view.Window.Week is null ? $"{view.Review.Window.First:yyyy-MM-dd}..{view.Review.Window.Last:yyyy-MM-dd}" : token;
        html.Raw("<aside id=\"preview\"><h2>Draft preview</h2><div class=\"tools\">")
            .Raw("<button type=\"button\" id=\"copy\" data-script hidden>Copy markdown</button> ")
            .Raw("<a class=\"button\"").Attr("href", $"/drafts/{file}.md").Attr("download", $"{file}.md").Raw(">Download .md</a> ");
        // An empty draft is never published (IssuePublisher): no button asks to confirm what can only be refused.
        if (view.CanWrite && view.Review.Draft.Count == 0)
            html.Raw("<span class=\"nothing\">Nothing to publish: the draft has no items</span>");
        else if (view.CanWrite)
        {
            html.Raw("<form method=\"post\" class=\"publish\" data-review").Attr("action", $"/review/{token}/publish")
                .Attr("data-confirm", $"Publish the draft of {view.Window.Label}? Its items never appear in a later draft.").Raw(">")
                .Raw("<input type=\"hidden\"").Attr("name", TokenField).Attr("value", view.FormToken).Raw(">")
                // The draft shown: Publish refuses one that changed since (ReviewActions.PublishAsync).
                .Raw("<input type=\"hidden\"").Attr("name", ReviewActions.ShownDraftField).Attr("value", view.Review.Draft.Fingerprint()).Raw(">")
                .Raw("<button name=\"action\" value=\"publish\">Publish</button></form>");
        }
        html.Raw("</div>\n<pre id=\"draft-md\" lang=\"zh-CN\">").Text(view.Markdown).Raw("</pre></aside>\n");
    }

    /// <summary>
    /// The answer to a Publish posted without the script: the question (<paramref name="question"/>: the window, the issue
    /// date, the item count), the issue as it would be recorded, and a second Publish that confirms it, or the way back.
    /// </summary>
    public string RenderConfirmation(Http.PathWindow window, string question, ReviewActions.Confirmation confirmation, string formToken)
    {
        var page = $"/review/{window.Token}";
        var html = new ReviewHtml().Head($"Publish {window.Label}? · 嵌入式AI简报")
            .Raw("<body class=\"confirm\"><h1><span lang=\"zh-CN\">嵌入式AI简报</span> · publish?</h1>\n<p>").Text(question).Raw("</p>\n")
            .Raw("<p>Its items never appear in a later draft, and the page cannot take a publish back.</p>\n")
            .Raw("<form method=\"post\" class=\"publish\"").Attr("action", $"{page}/publish").Raw(">")
            .Raw("<input type=\"hidden\"").Attr("name", TokenField).Attr("value", formToken).Raw(">")
            // The draft confirmed: a draft that changed since this page, or this form sent again after it published, records nothing.
            .Raw("<input type=\"hidden\"").Attr("name", ReviewActions.ShownDraftField).Attr("value", confirmation.Shown).Raw(">")
            .Raw("<input type=\"hidden\"").Attr("name", ReviewActions.ConfirmedField).Attr("value", ReviewActions.ConfirmedValue).Raw(">")
            .Raw("<button name=\"action\" value=\"publish\">").Text($"Publish {Counted.Of(confirmation.Issue.Count, "item", "items")}").Raw("</button> ")
            .Raw("<a").Attr("href", page).Raw(">Back to the review page, publishing nothing</a></form>\n")
            .Raw("<h2>The issue as it will be recorded</h2>\n<pre id=\"draft-md\" lang=\"zh-CN\">").Text(config.Renderer.Render(confirmation.Issue)).Raw("</pre>\n</body></html>\n");
        return html.ToString();
    }

    // The same explanation as entries --explain: the loaded model's reasons (the keyword score's parts without a model).
    private string Why(ReviewRow row) => Cli.EntryRelevance.Explain(classifier, config, row.Entry.Entry);

    // Only web links become href: a feed must not smuggle a javascript: URL into the page.
    private static bool IsWebLink(string url) =>
        url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    private static (string? Previous, string? Next) Neighbours(EditorialWeek week)
    {
        var (monday, _) = week.Dates();
        return (Containing(monday.AddDays(-7)), Containing(monday.AddDays(7)));
    }

    // The week of the day, or null when it is outside the weeks a path may name (EditorialWeek.TryParse).
    private static string? Containing(DateOnly day) =>
        EditorialWeek.Containing(new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero), TimeZoneInfo.Utc) is var week
        && week.Year is >= EditorialWeek.FirstYear and <= EditorialWeek.LastYear ? week.ToString() : null;
}
