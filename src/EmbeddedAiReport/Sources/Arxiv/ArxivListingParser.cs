using System.Globalization;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.Arxiv;

/// <summary>Bytes of an arXiv listing page (<c>/list/CAT/new</c>, <c>/recent</c>, <c>/pastweek</c>) in, the papers on it out; no I/O.</summary>
/// <remarks>
/// Layout of arXiv/arxiv-browse (templates list/new.html, recent.html, list_macros.html): every section is its own
/// <c>dl#articles</c> (the id repeats) with an <c>h3</c> heading, then <c>dt</c>/<c>dd</c> pairs. The <c>dt</c> has the
/// abstract link (no version) and a type marker, "(cross-list from cs.XX)" or "(replaced)"; the <c>dd</c> has
/// <c>.list-title</c>, <c>.list-authors</c>, optional <c>.list-comments</c>, <c>.list-subjects</c> with
/// <c>.primary-subject</c>, and the abstract in <c>p.mathjax</c> on /new only.
/// </remarks>
internal static partial class ArxivListingParser
{
    /// <summary>The papers on the page and its paging line, or the reason it is not a listing page.</summary>
    public static ListingResult Parse(FetchedDocument document)
    {
        IDocument page;
        try
        {
            var (loaded, error) = HtmlDocumentLoader.Load(document);
            if (loaded is null) return ListingResult.Fail(error!);
            page = loaded;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or DomException)
        {
            return ListingResult.Fail($"unreadable HTML: {ex.Message}");
        }

        var sections = page.QuerySelectorAll("dl#articles");
        if (sections.Length == 0)
        {
            var text = page.Body?.TextContent ?? "";
            return text.Contains("No updates today", StringComparison.OrdinalIgnoreCase)
                ? ListingResult.Ok([], [], null)
                : ListingResult.Fail("not an arXiv listing page (no dl#articles; check category and list)");
        }

        // /new names the announcement day once at the top ("Showing new listings for Monday, 27 July 2026");
        // /recent heads each day's section with it ("Mon, 27 Jul 2026 (showing 47 of 47 entries )").
        var pageDate = page.QuerySelectorAll("h3").Select(h => AnnouncementDate(h.TextContent)).FirstOrDefault(d => d is not null);
        var papers = new List<ArxivPaper>();
        var skipped = new List<string>();
        foreach (var section in sections)
        {
            var heading = section.QuerySelector("h3")?.TextContent ?? "";
            var sectionType = SectionType(heading);
            var date = AnnouncementDate(heading) ?? pageDate;
            foreach (var term in section.Children.Where(c => c.LocalName == "dt"))
            {
                var details = term.NextElementSibling is { LocalName: "dd" } dd ? dd : null;
                if (Read(term, details, sectionType, date) is { } paper) papers.Add(paper);
                else skipped.Add($"listing item '{Squash(term.TextContent)}': no arXiv id or title");
            }
        }
        return ListingResult.Ok(papers, skipped, Total(page));
    }

    private static ArxivPaper? Read(IElement term, IElement? details, ArxivAnnouncement sectionType, DateTimeOffset? date)
    {
        var abstractLink = term.QuerySelector("a[title='Abstract']") ?? term.QuerySelector("a[href*='/abs/']");
        var idText = abstractLink?.GetAttribute("id") is { Length: > 0 } idAttribute ? idAttribute
            : abstractLink?.GetAttribute("href") is { } href ? href[(href.IndexOf("/abs/", StringComparison.Ordinal) + 5)..] : null;
        if (ArxivId.TryParse(idText) is not { } id || details is null) return null;

        var title = Field(details, ".list-title");
        if (title.Length == 0) return null;
        var marker = Squash(term.TextContent);
        var announcement = marker.Contains("(replaced)", StringComparison.Ordinal) ? ArxivAnnouncement.Replace
            : CrossList().IsMatch(marker) ? ArxivAnnouncement.Cross
            : sectionType;
        // Listings omit the version. A new submission or a new cross-list is announced as v1; a replacement's
        // number is not on the page, so it stays unknown (and never overwrites a versioned entry).
        if (announcement is ArxivAnnouncement.New or ArxivAnnouncement.Cross) id = id with { Version = id.Version ?? 1 };

        var comments = details.QuerySelector(".list-comments");
        var abstractElement = details.QuerySelector("p.mathjax");
        var primary = details.QuerySelector(".primary-subject")?.TextContent is { } subject && PrimaryCode().Match(subject) is { Success: true } code
            ? code.Groups[1].Value : null;
        var targets = new[] { comments, abstractElement }
            .Where(e => e is not null)
            .SelectMany(e => e!.QuerySelectorAll("a[href]"))
            .Select(a => a.GetAttribute("href")!)
            .Where(h => h.StartsWith("http", StringComparison.OrdinalIgnoreCase))
            .ToList();
        return new ArxivPaper(id, title, abstractElement is null ? "" : Squash(abstractElement.TextContent),
            Field(details, ".list-authors") is { Length: > 0 } authors ? authors : null,
            comments is null ? null : Field(details, ".list-comments"), primary, announcement, date, targets);
    }

    /// <summary>The text of a meta field without its "Title:" / "Comments:" descriptor.</summary>
    private static string Field(IElement details, string selector)
    {
        if (details.QuerySelector(selector) is not { } element) return "";
        var copy = (IElement)element.Clone();
        foreach (var descriptor in copy.QuerySelectorAll(".descriptor").ToList()) descriptor.Remove();
        return Squash(copy.TextContent);
    }

    private static ArxivAnnouncement SectionType(string heading) =>
        heading.StartsWith("Cross", StringComparison.OrdinalIgnoreCase) ? ArxivAnnouncement.Cross
        : heading.StartsWith("Replace", StringComparison.OrdinalIgnoreCase) ? ArxivAnnouncement.Replace
        : ArxivAnnouncement.New;

    /// <summary>
    /// The announcement day a heading names, as midnight US Eastern in UTC: arXiv's pages print dates with no zone,
    /// and its RSS dates the same announcement at midnight Eastern, so both kinds file a paper in the same week.
    /// </summary>
    internal static DateTimeOffset? AnnouncementDate(string heading)
    {
        var match = HeadingDate().Match(heading);
        if (!match.Success) return null;
        var text = $"{match.Groups["day"].Value} {match.Groups["month"].Value[..3]} {match.Groups["year"].Value}";
        if (!DateTime.TryParseExact(text, "d MMM yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return null;
        return new DateTimeOffset(day, Eastern.Value.GetUtcOffset(day)).ToUniversalTime();
    }

    private static int? Total(IDocument page) =>
        page.QuerySelector(".paging")?.TextContent is { } paging && TotalEntries().Match(paging) is { Success: true } total
            && int.TryParse(total.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;

    private static string Squash(string text) => TextCleaner.CollapseWhiteSpace(text);

    private static readonly Lazy<TimeZoneInfo> Eastern = new(() =>
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("America/New_York"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.CreateCustomTimeZone("EST", TimeSpan.FromHours(-5), "EST", "EST"); }
    });

    [GeneratedRegex(@"\(cross-list from [^)]+\)")]
    private static partial Regex CrossList();

    [GeneratedRegex(@"\(([a-z][a-z\-]*(?:\.[A-Za-z\-]+)?)\)\s*$")]
    private static partial Regex PrimaryCode();

    [GeneratedRegex(@"Total of ([0-9]+) entries")]
    private static partial Regex TotalEntries();

    [GeneratedRegex(@"(?<day>\d{1,2}) (?<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (?<year>\d{4})")]
    private static partial Regex HeadingDate();

    /// <summary>Papers read from a listing page, or why none could be.</summary>
    /// <param name="Total">The page's "Total of N entries", for paging; null when absent.</param>
    internal sealed record ListingResult(IReadOnlyList<ArxivPaper> Papers, IReadOnlyList<string> Skipped, int? Total, string? Error)
    {
        public static ListingResult Ok(IReadOnlyList<ArxivPaper> papers, IReadOnlyList<string> skipped, int? total) => new(papers, skipped, total, null);
        public static ListingResult Fail(string error) => new([], [], null, error);
    }
}
