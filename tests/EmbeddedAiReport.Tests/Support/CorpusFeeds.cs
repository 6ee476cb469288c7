using System.Globalization;
using System.Text;
using System.Xml.Linq;
using EmbeddedAiReport.Drafting;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>Turns a real past issue into the RSS feeds an editor would have polled: one feed per section, items dated in a given week.</summary>
public static class CorpusFeeds
{
    public static readonly IReadOnlyDictionary<string, string> Sections = new DraftOptions().SectionSlugs();

    /// <summary>The issue's items with http(s) links, one per URL, as the reference parser read them (<see cref="ReferenceItems"/>).</summary>
    public static IReadOnlyList<IssueItem> Items(string issueFile) =>
        ReferenceItems.Corpus(issueFile)
            .Where(i => i.Url.StartsWith("http", StringComparison.Ordinal))
            .DistinctBy(i => i.Url)
            .ToList();

    /// <summary>An RSS 2.0 document of <paramref name="items"/>: the title without its "| account" suffix, which goes to &lt;author&gt;.</summary>
    public static byte[] Rss(string title, IEnumerable<IssueItem> items, DateTimeOffset published)
    {
        var channel = new XElement("channel", new XElement("title", title), new XElement("link", "https://example.org/"), new XElement("description", title));
        var minute = 0;
        foreach (var item in items)
        {
            var (text, account) = IssueMarkdownParser.SplitAccount(item.Title);
            var element = new XElement("item",
                new XElement("title", text),
                new XElement("link", item.Url),
                new XElement("description", item.Summary),
                new XElement("guid", new XAttribute("isPermaLink", "false"), item.Url),
                new XElement("pubDate", published.AddMinutes(minute++).ToString("r", CultureInfo.InvariantCulture)));
            if (account is not null) element.Add(new XElement("author", account));
            channel.Add(element);
        }
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("rss", new XAttribute("version", "2.0"), channel));
        return Encoding.UTF8.GetBytes(document.Declaration + "\n" + document.Root);
    }

    /// <summary>
    /// Serves <paramref name="items"/> on <paramref name="server"/> as one feed per section (so section quotas see the
    /// editor's own split) and returns the matching sources.json text.
    /// </summary>
    public static string ServeBySection(LoopbackServer server, IEnumerable<IssueItem> items, DateTimeOffset published, string schedule = "1h")
    {
        var sources = new List<string>();
        foreach (var group in items.GroupBy(i => i.Section))
        {
            server.MapFile($"{group.Key}.xml", Rss(group.Key, group, published));
            sources.Add($$"""{"id": "{{group.Key}}", "kind": "feed", "url": "{{server.Url(group.Key + ".xml")}}", "section": "{{group.Key}}", "schedule": "{{schedule}}", "allowPrivateNetwork": true}""");
        }
        return $$"""{"sources": [{{string.Join(",", sources)}}]}""";
    }
}
