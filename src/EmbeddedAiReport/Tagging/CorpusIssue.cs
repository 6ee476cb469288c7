using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Tagging;

/// <summary>One published issue of the newsletter as labelled examples: each item as the entry a source would have brought, with the editor's section.</summary>
public sealed record CorpusIssue(string Name, IReadOnlyList<(CandidateEntry Entry, string Section)> Items)
{
    /// <summary>Reads an issue's markdown (the corpus format) with <paramref name="sectionSlugs"/> mapping headings to slugs.</summary>
    public static CorpusIssue Parse(string name, string markdown, IReadOnlyDictionary<string, string> sectionSlugs) =>
        new(name, IssueMarkdownParser.Parse(markdown, sectionSlugs)
            .Select(item => ToEntry(item) is { } entry ? (entry, item.Section) : default)
            .Where(p => p.entry is not null)
            .ToList());

    /// <summary>Every <c>*.md</c> issue in <paramref name="directory"/>, in file-name (date) order.</summary>
    public static IReadOnlyList<CorpusIssue> LoadDirectory(string directory, IReadOnlyDictionary<string, string> sectionSlugs) =>
        Directory.GetFiles(directory, "*.md")
            .Where(path => IssueMarkdownParser.DateOf(Path.GetFileName(path)) is not null)
            .Order(StringComparer.Ordinal)
            .Select(path => Parse(Path.GetFileNameWithoutExtension(path), File.ReadAllText(path), sectionSlugs))
            .ToList();

    /// <summary>
    /// The item as a feed or mirror would deliver it: the title without the editor's <c>| account</c> suffix (that
    /// becomes the account), the summary cut as a feed source cuts it, and the papers and repositories it names.
    /// </summary>
    public static CandidateEntry? ToEntry(IssueItem item)
    {
        if (CanonicalUrl.TryParse(item.Url) is not { } url) return null;
        var key = EntryKey.For(url);
        var (title, account) = IssueMarkdownParser.SplitAccount(item.Title);
        var summary = item.Summary.Length > 0 ? item.Summary : title;
        return new CandidateEntry
        {
            CanonicalKey = key,
            Url = url.AbsoluteUri,
            Title = title,
            Summary = TextCleaner.Truncate(summary, RouterFeatures.SummaryChars),
            Account = account,
            Links = Mentions.Find(key, title, summary, string.Join(' ', item.Links)),
        };
    }
}
