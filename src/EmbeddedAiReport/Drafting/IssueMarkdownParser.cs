using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Drafting;

/// <summary>Reads a newsletter issue (the corpus markdown format) back into its items, as the reference parser report_items.py does.</summary>
/// <remarks>
/// Items are <c>- [title](url)</c> or <c>- [prefix] [title](url)</c> lines under the four section headings;
/// following non-empty lines (摘要：…, 链接：…) belong to the item. Anything outside a known section is ignored.
/// </remarks>
public static partial class IssueMarkdownParser
{
    /// <summary>The items of <paramref name="markdown"/>; <paramref name="sectionSlugs"/> maps heading names to slugs (substring match, as the editor decorates headings).</summary>
    public static IReadOnlyList<IssueItem> Parse(string markdown, IReadOnlyDictionary<string, string> sectionSlugs)
    {
        var items = new List<IssueItem>();
        string? section = null;
        IssueItem? current = null;
        var names = sectionSlugs.Where(p => !string.Equals(p.Key, p.Value, StringComparison.OrdinalIgnoreCase) || p.Key.Any(c => c > 127)).ToList();
        foreach (var line in markdown.ReplaceLineEndings("\n").Split('\n'))
        {
            var heading = Heading().Match(line);
            if (heading.Success)
            {
                var name = heading.Groups[1].Value;
                section = names.FirstOrDefault(p => name.Contains(p.Key, StringComparison.Ordinal)).Value;
                current = null;
                continue;
            }
            if (section is null) continue;
            var item = Item().Match(line);
            if (item.Success)
            {
                current = new IssueItem(section, item.Groups["title"].Value.Trim(), item.Groups["url"].Value.Trim(),
                    PrefixPattern().Match(line) is { Success: true } prefix ? prefix.Groups["prefix"].Value : null, "", Links(line));
                items.Add(current);
                continue;
            }
            if (current is not null && line.Trim().Length > 0)
            {
                var text = SummaryLabel().Replace(line.Trim(), "");
                var updated = current with
                {
                    Summary = (current.Summary + " " + text).Trim(),
                    Links = [.. current.Links, .. Links(line)],
                };
                items[^1] = updated;
                current = updated;
            }
        }
        return items;
    }

    /// <summary>The issue date from a file name or heading (<c>2020-05-15</c>), or null.</summary>
    public static DateOnly? DateOf(string nameOrMarkdown)
    {
        var match = IssueDate().Match(nameOrMarkdown);
        return match.Success && DateOnly.TryParse(match.Value, out var date) ? date : null;
    }

    /// <summary>The date in the issue's title heading (<c># 嵌入式AI简报 (2020-05-15)</c>, the first level-1 heading with a date), or null.</summary>
    public static DateOnly? HeadingDate(string markdown)
    {
        foreach (var line in markdown.AsSpan().EnumerateLines())
            if (line.StartsWith("# ") && DateOf(line.ToString()) is { } date) return date;
        return null;
    }

    /// <summary>
    /// Splits the editor's <c>title | account</c> into its parts: the last <c>| name</c> of at most 30 characters is the
    /// account, as replay.py's split_account reads it; (title, null) when there is none.
    /// </summary>
    public static (string Title, string? Account) SplitAccount(string title) =>
        AccountSuffix().Match(title) is { Success: true } match
            ? (match.Groups["title"].Value.Trim(), match.Groups["account"].Value.Trim())
            : (title.Trim(), null);

    private static IReadOnlyList<string> Links(string line) => UrlPattern().Matches(line).Select(m => m.Value).ToList();

    [GeneratedRegex(@"^##\s+(.+?)\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*[-*]\s+(?:\[[^\]]*\]\s*)?\[(?<title>.+?)\]\((?<url>[^)\s]*)\)")]
    private static partial Regex Item();

    [GeneratedRegex(@"^\s*[-*]\s+\[(?<prefix>[^\]]+)\]\s+\[")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex(@"^摘要[：:]?")]
    private static partial Regex SummaryLabel();

    [GeneratedRegex(@"https?://[^\s)\]]+")]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"^(?<title>.*?)\s*\|\s*(?<account>[^|]{1,30})$")]
    private static partial Regex AccountSuffix();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}")]
    private static partial Regex IssueDate();
}

/// <summary>One item of a published issue.</summary>
/// <param name="Section">Section slug.</param>
/// <param name="Prefix">The label before the link (an arXiv id, a venue such as CVPR 2020), or null.</param>
/// <param name="Links">Every URL on the item's lines, the item link first.</param>
public sealed record IssueItem(string Section, string Title, string Url, string? Prefix, string Summary, IReadOnlyList<string> Links);
