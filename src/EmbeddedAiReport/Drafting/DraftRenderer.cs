using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using EmbeddedAiReport.Normalizing;
using Fluid;

namespace EmbeddedAiReport.Drafting;

/// <summary>Renders a <see cref="Draft"/> through the Fluid (Liquid) template editors keep in config/templates.</summary>
/// <remarks>
/// The template sees snake_case members: <c>date</c>, <c>count</c>, <c>from</c>, <c>to</c>, <c>past_issues</c> (the dates,
/// <c>yyyy-MM-dd</c>, of the recorded issues before this one, newest first: the 2019 issues' 往期回顾 list), <c>issue_grid</c> (the
/// same dates and this issue's, by year, newest first: <c>year</c>, <c>digits</c> and <c>rows</c> of four <c>cells</c>, a date or an
/// empty text, the first row filled from the right: the 2020 issues' 往期回顾 table), <c>sections</c>
/// (<c>slug</c>, <c>name</c>, <c>short_name</c>, <c>note</c>, <c>items</c>, <c>highlights</c>: the top titles for the 导读 line) and per item
/// <c>title</c>, <c>account</c>, <c>url</c>, <c>prefix</c>, <c>summary</c>, <c>links</c> (<c>kind</c>, <c>target</c>, <c>url</c>, <c>title</c>)
/// and <c>writeups</c> (<c>title</c>, <c>account</c>, <c>url</c>). Titles, accounts and prefixes arrive escaped for link text
/// (<c>[ ] ( ) | ` * _ ~</c> and backslash), URLs with spaces and parentheses encoded, summaries from sources on one line, so that
/// every item stays one valid markdown link whatever the source wrote; the editor's own summary is markdown kept as written, its
/// later lines indented into the list item.
/// <threadsafety>Thread-safe after construction.</threadsafety>
/// </remarks>
public sealed class DraftRenderer
{
    private static readonly FluidParser Parser = new();
    private static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    }.With();

    private readonly IFluidTemplate _template;
    private readonly TemplateOptions _options;
    private readonly string _name;
    private readonly int _maxLinksPerItem;

    /// <param name="maxLinksPerItem">Draft:MaxLinksPerItem: most links and most write-ups an item lists (<see cref="DraftOptions.MaxLinksPerItem"/>).</param>
    /// <exception cref="DraftTemplateException">The template does not parse (the message gives the line and column) or includes another file.</exception>
    public DraftRenderer(string templateSource, string templateName = "draft.md.liquid", int maxLinksPerItem = DraftOptions.DefaultMaxLinksPerItem)
    {
        _maxLinksPerItem = maxLinksPerItem;
        if (!Parser.TryParse(templateSource, out var template, out var error))
            throw DraftTemplateException.ParseFailed(templateName, templateSource, error, Parser.RegisteredTags.Keys);
        if (TemplateCheck.IncludeProblem(template, templateSource, templateName) is { } include) throw new DraftTemplateException(include);
        _template = template;
        _name = templateName;
        _options = new TemplateOptions();
        var model = new TemplateModel(typeof(DraftView))
            .ListOf<DraftView, SectionView>("sections").ListOf<DraftView, string>("past_issues")
            .ListOf<DraftView, YearView>("issue_grid").ListOf<YearView, string>("digits").ListOf<YearView, RowView>("rows").ListOf<RowView, string>("cells")
            .ListOf<SectionView, ItemView>("items").ListOf<SectionView, string>("highlights")
            .ListOf<ItemView, LinkView>("links").ListOf<ItemView, WriteupView>("writeups");
        _options.Register<DraftView>(model, ("date", v => v.Date), ("from", v => v.From), ("to", v => v.To), ("count", v => v.Count), ("sections", v => v.Sections),
            ("past_issues", v => v.PastIssues), ("issue_grid", v => v.IssueGrid));
        _options.Register<YearView>(model, ("year", v => v.Year), ("digits", v => v.Digits), ("rows", v => v.Rows));
        _options.Register<RowView>(model, ("cells", v => v.Cells));
        _options.Register<SectionView>(model, ("slug", v => v.Slug), ("name", v => v.Name), ("short_name", v => v.ShortName), ("note", v => v.Note),
            ("items", v => v.Items), ("highlights", v => v.Highlights));
        _options.Register<ItemView>(model, ("title", v => v.Title), ("account", v => v.Account), ("url", v => v.Url), ("prefix", v => v.Prefix),
            ("summary", v => v.Summary), ("links", v => v.Links), ("writeups", v => v.Writeups), ("more", v => v.More));
        _options.Register<LinkView>(model, ("kind", v => v.Kind), ("target", v => v.Target), ("url", v => v.Url), ("title", v => v.Title));
        _options.Register<WriteupView>(model, ("title", v => v.Title), ("account", v => v.Account), ("url", v => v.Url));
        UnknownMembers = TemplateCheck.Find(template, templateSource, model, _options.Filters);
    }

    /// <summary>
    /// The variables and members the template reads that drafts do not have (a misspelt <c>item.titel</c>): each would
    /// render as empty text. The configuration reports them as problems (<c>validate</c>, and every command that loads it).
    /// </summary>
    public IReadOnlyList<UnknownTemplateMember> UnknownMembers { get; }

    /// <summary>The draft as markdown.</summary>
    /// <exception cref="DraftTemplateException">The template failed while rendering (a filter's arithmetic or argument); the message names the template.</exception>
    public string Render(Draft draft)
    {
        var context = new TemplateContext(DraftView.Of(draft, _maxLinksPerItem), _options);
        try
        {
            return _template.Render(context, NullEncoder.Default).ReplaceLineEndings("\n");
        }
        catch (Exception ex) when (DraftTemplateException.IsRenderFailure(ex))
        {
            throw DraftTemplateException.RenderingFailed(_name, ex);
        }
    }

    /// <summary>
    /// Why the template fails to render a draft with <paramref name="sections"/> (<see cref="DraftSample"/>: a full week and
    /// an empty one), or null when it renders both. Fluid gives no line for a failure while rendering.
    /// </summary>
    public string? SampleProblem(IReadOnlyList<DraftSection> sections)
    {
        foreach (var draft in DraftSample.For(sections))
        {
            try
            {
                Render(draft);
            }
            catch (DraftTemplateException ex)
            {
                var week = draft.Count > 0 ? $"a sample week with {Counted.Of(draft.Count, "item", "items")} in {Counted.Of(draft.Sections.Count, "section", "sections")} and past issues" : "an empty week with no past issue";
                return $"{ex.Message} (on {week}: export and the weekly draft would fail the same way)";
            }
        }
        return null;
    }

    /// <summary>The draft as JSON for other tools (raw text, not escaped for markdown).</summary>
    public static string RenderJson(Draft draft)
    {
        var model = new DraftJson(Day(draft.Date), Day(draft.Window.First),
            Day(draft.Window.Last), draft.Count,
            draft.Sections.Select(s => new DraftJsonSection(s.Slug, s.Name, s.Items.Select(i => new DraftJsonItem(
                i.EntryId, i.CanonicalKey, i.Title, i.Account, i.Url, i.Prefix, i.Summary, i.Score, i.Links, i.Writeups)))));
        return JsonSerializer.Serialize(model, JsonOptions.For<DraftJson>()) + "\n";
    }

    /// <summary>Escapes text for use inside a markdown link's brackets, on one line.</summary>
    /// <remarks>
    /// CommonMark backslash escapes for what would end or split the link (<c>[ ] ( )</c>, <c>|</c> in a table) and for
    /// inline markup that would change the text: a <c>`</c> opens a code span that swallows the link's closing bracket,
    /// <c>* _ ~</c> make emphasis or strikethrough of words such as <c>**NPU**</c> or <c>_ONNX Runtime_</c>.
    /// </remarks>
    public static string EscapeLinkText(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\' or '[' or ']' or '(' or ')' or '|' or '`' or '*' or '_' or '~':
                    builder.Append('\\').Append(c);
                    break;
                case '<':
                    builder.Append("&lt;");   // never let a title open an HTML tag in the rendered page
                    break;
                case '\r' or '\n' or '\t':
                    builder.Append(' ');
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }
        return builder.ToString().Trim();
    }

    /// <summary>Makes a URL safe as a markdown link target: no spaces, parentheses or angle brackets.</summary>
    public static string EscapeUrl(string url) =>
        url.Replace(" ", "%20").Replace("(", "%28").Replace(")", "%29").Replace("<", "%3C").Replace(">", "%3E");

    /// <summary>
    /// Summary text on one line that carries no markup: no HTML (<c>&lt;</c> escaped) and no link or image syntax
    /// (<c>](</c> broken), so a feed cannot smuggle a <c>javascript:</c> link into the draft. A leading '#', '-', '>' or
    /// digit-dot is harmless after 摘要：.
    /// </summary>
    internal static string OneLine(string text) => text.ReplaceLineEndings(" ").Replace("<", "&lt;").Replace("](", "]\\(").Trim();

    /// <summary>
    /// The editor's own summary, markdown the editor wrote (links, HTML, lists), kept as written: only its later lines are
    /// indented by the list item's two columns, so that they stay inside the item (as in the past issues, where a 摘要's
    /// numbered points sit under the item), and each line break is a hard break (two trailing spaces) as the template's lines
    /// are. Feed text never comes here: it is untrusted and goes through <see cref="OneLine"/>.
    /// </summary>
    internal static string EditorText(string text)
    {
        var lines = text.Trim().ReplaceLineEndings("\n").Split('\n');
        var builder = new StringBuilder(text.Length + lines.Length * 4);
        builder.Append(lines[0].TrimEnd());
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd();
            if (line.Length > 0 && lines[i - 1].Trim().Length > 0) builder.Append("  ");
            builder.Append('\n');
            if (line.Length > 0) builder.Append("  ").Append(line);
        }
        return builder.ToString();
    }

    private sealed record DraftView(string Date, string From, string To, int Count, IReadOnlyList<SectionView> Sections, IReadOnlyList<string> PastIssues,
        IReadOnlyList<YearView> IssueGrid)
    {
        public static DraftView Of(Draft draft, int maxLinksPerItem)
        {
            // Before this issue only: a draft of a date already published (a second publish, a re-export) does not list itself.
            var past = draft.RecordedIssues.Where(d => d < draft.Date).Distinct().OrderDescending().ToList();
            return new(
                Day(draft.Date), Day(draft.Window.First), Day(draft.Window.Last), draft.Count,
                draft.Sections.Select(s => new SectionView(s.Slug, s.Name, s.ShortName, s.Note, s.Items.Select(i => ItemView.Of(i, maxLinksPerItem)).ToList(),
                    s.Items.Take(HighlightCount).Select(i => EscapeLinkText(Highlight(i.Title))).ToList())).ToList(),
                past.Select(Day).ToList(), YearView.Grid([draft.Date, .. past]));
        }
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>One year of the 往期回顾 table: its digits as a row, then its issues four to a row.</summary>
    private sealed record YearView(string Year, IReadOnlyList<string> Digits, IReadOnlyList<RowView> Rows)
    {
        /// <summary>How many issues a row of the table holds (the 2020 issues' table has four columns).</summary>
        private const int Columns = 4;

        /// <param name="dates">Newest first.</param>
        /// <remarks>
        /// As the 2020 issues kept it: a year's newest issues stand in its first row, which fills from the right (the
        /// columns before them empty), so that each later row is a full four and the year ends at the bottom right.
        /// </remarks>
        public static IReadOnlyList<YearView> Grid(IEnumerable<DateOnly> dates) =>
            dates.GroupBy(d => d.Year).Select(year =>
            {
                var days = year.Select(Day).ToList();
                var cells = Enumerable.Repeat("", (Columns - days.Count % Columns) % Columns).Concat(days);
                var text = year.Key.ToString(CultureInfo.InvariantCulture);
                return new YearView(text, text.Select(c => c.ToString()).ToList(),
                    cells.Chunk(Columns).Select(row => new RowView(row)).ToList());
            }).ToList();
    }

    private sealed record RowView(IReadOnlyList<string> Cells);

    /// <summary>How many top titles of a section the 导读 line names.</summary>
    private const int HighlightCount = 3;

    /// <summary>A title shortened for the 导读 line: no "| account" tail, at most 40 characters.</summary>
    private static string Highlight(string title) => TextCleaner.Truncate(title.Replace('\n', ' ').Trim(), 40);

    private sealed record SectionView(string Slug, string Name, string ShortName, string? Note, IReadOnlyList<ItemView> Items, IReadOnlyList<string> Highlights);

    /// <param name="More">How many of the story's links and write-ups the item does not list (beyond Draft:MaxLinksPerItem of each).</param>
    private sealed record ItemView(string Title, string? Account, string Url, string? Prefix, string Summary, IReadOnlyList<LinkView> Links,
        IReadOnlyList<WriteupView> Writeups, int More)
    {
        public static ItemView Of(DraftItem item, int maxLinksPerItem) => new(
            EscapeLinkText(item.Title), item.Account is null ? null : EscapeLinkText(item.Account), EscapeUrl(item.Url),
            item.Prefix is null ? null : EscapeLinkText(item.Prefix), item.EditorSummary ? EditorText(item.Summary) : OneLine(item.Summary),
            item.Links.Take(maxLinksPerItem).Select(l => new LinkView(l.Kind, l.Target, EscapeUrl(l.Url),
                item.LinkTitles.TryGetValue(l.Target, out var title) ? OneLine(title) : null)).ToList(),
            item.Writeups.Take(maxLinksPerItem).Select(w => new WriteupView(EscapeLinkText(w.Title), w.Account is null ? null : EscapeLinkText(w.Account), EscapeUrl(w.Url))).ToList(),
            Math.Max(0, item.Links.Count - maxLinksPerItem) + Math.Max(0, item.Writeups.Count - maxLinksPerItem));
    }

    /// <param name="Title">The linked paper's or repository's own title when its entry is in the item's story, else null.</param>
    private sealed record LinkView(string Kind, string Target, string Url, string? Title);

    private sealed record WriteupView(string Title, string? Account, string Url);
}
