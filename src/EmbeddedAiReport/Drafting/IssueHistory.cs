using EmbeddedAiReport.Normalizing;
using System.Data.Common;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Drafting;

/// <summary>Records published issues, imported from past newsletters or from an exported draft, so later drafts skip what was published.</summary>
/// <remarks>
/// An item is recorded under the canonical key of its link and of every paper and repository its lines name
/// (an item about a WeChat post with a 链接 to the arXiv paper covers the paper too).
/// </remarks>
public sealed class IssueHistory(IssueStore issues, DraftOptions options)
{
    /// <summary>Imports one issue in the corpus format; its date comes from <paramref name="name"/> or the heading.</summary>
    /// <returns>The issue date and counts, or null with a reason when the file has no date or no items.</returns>
    public async Task<ImportResult> ImportAsync(string markdown, string name, CancellationToken cancellationToken)
    {
        var named = IssueMarkdownParser.DateOf(Path.GetFileName(name));
        var headed = IssueMarkdownParser.HeadingDate(markdown);
        // Two dates that disagree would record the issue under the wrong one (or twice, imported again renamed): the editor says which.
        if (named is { } fromName && headed is { } fromHeading && fromName != fromHeading)
            return ImportResult.Fail($"{name}: the file name says {fromName:yyyy-MM-dd} but the issue's heading says {fromHeading:yyyy-MM-dd}; "
                + "rename the file or correct the heading (the issue is recorded under its date)");
        var date = named ?? headed ?? IssueMarkdownParser.DateOf(markdown);
        if (date is null) return ImportResult.Fail($"{name}: no issue date in the file name or the '# 嵌入式AI简报 (YYYY-MM-DD)' heading");
        var items = IssueMarkdownParser.Parse(markdown, options.IssueSectionSlugs());
        if (items.Count == 0) return ImportResult.Fail($"{name}: no items under the section headings");

        var published = new List<PublishedItem>();
        foreach (var item in items)
        {
            if (CanonicalUrl.TryParse(item.Url) is not { } url) continue;
            var key = EntryKey.For(url);
            var (title, account) = IssueMarkdownParser.SplitAccount(item.Title);
            published.Add(new PublishedItem(key, item.Section, title, url.AbsoluteUri, item.Summary, account));
            foreach (var link in Mentions.Find(key, string.Join(' ', item.Links)))
                published.Add(new PublishedItem(link.Target, item.Section, item.Title, link.Url));
        }
        var (added, marked) = await issues.RecordAsync(date.Value, Path.GetFileName(name), "imported", published, cancellationToken, markdown: markdown);
        return new ImportResult(date, items.Count, added, marked, null);
    }

    /// <summary>
    /// Records <paramref name="draft"/> as published on its date, in the caller's write transaction, which commits it; the issue
    /// covers the draft's window (see <see cref="IssuePublisher"/>).
    /// </summary>
    /// <param name="markdown">The draft as rendered for the issue, kept with it (<c>export --issue</c>); null: none kept.</param>
    public async Task<ImportResult> PublishAsync(DbConnection connection, DbTransaction transaction, Draft draft, CancellationToken cancellationToken,
        string? markdown = null)
    {
        var published = draft.Sections
            .SelectMany(s => s.Items.SelectMany(i => (IEnumerable<PublishedItem>)
                [new PublishedItem(i.CanonicalKey, s.Slug, i.Title, i.Url, i.Summary, i.Account), .. i.Links.Select(l => new PublishedItem(l.Target, s.Slug, i.Title, l.Url))]))
            .ToList();
        var (added, marked) = await issues.RecordAsync(connection, transaction, draft.Date, $"draft {draft.Window.First:yyyy-MM-dd}..{draft.Window.Last:yyyy-MM-dd}", "published", published, cancellationToken,
            draft.Window.Last, (draft.Window.FromUtc, draft.Window.ToUtc), markdown);
        return new ImportResult(draft.Date, draft.Count, added, marked, null);
    }

    /// <summary>What an import or publish did.</summary>
    /// <param name="Items">Items found in the issue.</param>
    /// <param name="NewKeys">Keys recorded for the first time (items and the papers/repos they name).</param>
    /// <param name="EntriesPublished">Stored entries that became <c>published</c>.</param>
    public sealed record ImportResult(DateOnly? Date, int Items, int NewKeys, int EntriesPublished, string? Error)
    {
        public static ImportResult Fail(string error) => new(null, 0, 0, 0, error);
    }
}
