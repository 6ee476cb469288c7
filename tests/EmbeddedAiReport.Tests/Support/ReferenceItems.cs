using System.Text.Json;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Drafting;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// The issue format as the reference parser reads it, independent of the product's <see cref="IssueMarkdownParser"/>:
/// expected items of the corpus come from its checked-in output (Fixtures/corpus-items, written by
/// ../shared/tools/report_items.py), and drafts are read back by the same rules ported here, so a parser bug cannot
/// hide itself on both sides of a test.
/// </summary>
public static partial class ReferenceItems
{
    private static readonly (string Heading, string Slug)[] Sections = [("业界新闻", "news"), ("论文", "papers"), ("开源项目", "opensource"), ("博文", "blogs")];

    /// <summary>The items of a corpus issue (<c>2020-05-15.md</c>) as the reference parser listed them.</summary>
    public static IReadOnlyList<IssueItem> Corpus(string issueFile) =>
        File.ReadLines(Fixtures.PathOf(Path.Combine("corpus-items", Path.ChangeExtension(issueFile, ".jsonl"))))
            .Where(line => line.Length > 0)
            .Select(line =>
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                return new IssueItem(root.GetProperty("section").GetString()!, root.GetProperty("title").GetString()!, root.GetProperty("url").GetString()!,
                    root.GetProperty("prefix").GetString(), root.GetProperty("summary").GetString()!,
                    root.GetProperty("links").EnumerateArray().Select(l => l.GetString()!).ToList());
            })
            .ToList();

    /// <summary>The items of <paramref name="markdown"/> (a draft or an issue), by the reference parser's rules.</summary>
    public static IReadOnlyList<IssueItem> Read(string markdown)
    {
        var items = new List<IssueItem>();
        string? section = null;
        foreach (var line in markdown.Split('\n'))
        {
            if (Heading().Match(line) is { Success: true } heading)
            {
                section = Sections.FirstOrDefault(s => heading.Groups[1].Value.Contains(s.Heading, StringComparison.Ordinal)).Slug;
                continue;
            }
            if (section is null || Item().Match(line) is not { Success: true } item) continue;
            var prefix = Prefix().Match(line);
            items.Add(new IssueItem(section, item.Groups["title"].Value.Trim(), item.Groups["url"].Value.Trim(),
                prefix.Success ? prefix.Groups["prefix"].Value : null, "", []));
        }
        return items;
    }

    [GeneratedRegex(@"^##\s+(.+?)\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*[-*]\s+(?:\[[^\]]*\]\s*)?\[(?<title>.+?)\]\((?<url>[^)\s]*)\)")]
    private static partial Regex Item();

    [GeneratedRegex(@"^\s*[-*]\s+\[(?<prefix>[^\]]+)\]\s+\[")]
    private static partial Regex Prefix();
}
