using System.Text;
using System.Xml;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources.Arxiv;
using EmbeddedAiReport.Sources.GitHub;

namespace EmbeddedAiReport.Sources.Opml;

/// <summary>Writes sources as an OPML 2.0 subscription list that feed readers (newsboat <c>-i</c>, miniflux, FreshRSS) and <see cref="OpmlParser"/> read.</summary>
/// <remarks>
/// One outline per address a poll fetches (a source of several repos or accounts gives one each), in the sources' order:
/// <c>xmlUrl</c> the address, <c>htmlUrl</c> the page it comes from where the kind says (an arXiv category's listing, a
/// repository's releases), <c>category</c> the source's kind, <c>section</c> and <c>schedule</c> the source's own when it
/// has them, <c>enabled="false"</c> for a disabled one, and its <c>keep</c>, <c>days</c>, <c>limit</c> and <c>weight</c> as
/// attributes of <see cref="OpmlOutline.Namespace"/> (OPML lets an outline carry attributes of its own; readers pass them
/// by, <see cref="OpmlParser"/> reads them back so an import of the list into another sources.json keeps them). The title is the account's or source's display name when
/// it has one, else the source id (with the repo or account of a source of several). The output is the same for the same
/// sources: no date is written.
/// </remarks>
public static class OpmlWriter
{
    /// <summary>The OPML text of <paramref name="sources"/>, read with <paramref name="kinds"/> (by kind name); <paramref name="title"/> heads it.</summary>
    public static string Write(IEnumerable<SourceDefinition> sources, IReadOnlyDictionary<string, ISourceKind> kinds, string title)
    {
        var text = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", OmitXmlDeclaration = true, NewLineChars = "\n" };
        text.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        using (var writer = XmlWriter.Create(text, settings))
        {
            writer.WriteStartElement("opml");
            writer.WriteAttributeString("version", "2.0");
            writer.WriteStartElement("head");
            writer.WriteElementString("title", title);
            writer.WriteEndElement();
            writer.WriteStartElement("body");
            foreach (var source in sources)
            {
                var requests = kinds[source.Kind].Requests(source);
                foreach (var request in requests)
                {
                    var name = request.Account ?? source.Account ?? (requests.Count > 1 && request.Label is { } label ? $"{source.Id}: {label}" : source.Id);
                    writer.WriteStartElement("outline");
                    writer.WriteAttributeString("type", "rss");
                    writer.WriteAttributeString("text", name);
                    writer.WriteAttributeString("title", name);
                    writer.WriteAttributeString("xmlUrl", request.Uri.AbsoluteUri);
                    if (HtmlUrl(source, request) is { } html) writer.WriteAttributeString("htmlUrl", html);
                    writer.WriteAttributeString("category", source.Kind);
                    if (source.Section is { } section) writer.WriteAttributeString("section", section);
                    if (source.Schedule != SourceDefinition.DefaultSchedule) writer.WriteAttributeString("schedule", source.Schedule);
                    if (!source.Enabled) writer.WriteAttributeString("enabled", "false");
                    foreach (var (field, value) in Settings(source))
                        writer.WriteAttributeString(OpmlOutline.Prefix, field, OpmlOutline.Namespace, value);
                    writer.WriteEndElement();
                }
            }
            writer.WriteEndElement();
            writer.WriteEndElement();
        }
        return text.Append('\n').ToString();
    }

    // keep, days, limit and weight where the source names them, as sources.json writes them: a list of names joined by
    // commas, a number as written. No address carries them; an import reads them back (SourcesOpmlCommand).
    private static IEnumerable<(string Field, string Value)> Settings(SourceDefinition source)
    {
        foreach (var field in OpmlOutline.SettingNames)
        {
            if (field == "weight")
            {
                if (source.Weight != 0) yield return (field, source.Weight.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }
            if (!source.Settings.TryGetValue(field, out var value)) continue;
            yield return (field, value.ValueKind switch
            {
                System.Text.Json.JsonValueKind.String => value.GetString()!,
                System.Text.Json.JsonValueKind.Array => string.Join(",", source.GetStrings(field)),
                _ => value.GetRawText(),
            });
        }
    }

    // The page a reader opens for the feed, where the kind names one without a request: the category's listing on arXiv,
    // the repository's releases on GitHub. A feed's own site is in the feed, not in sources.json.
    private static string? HtmlUrl(SourceDefinition source, SourceRequest request) => source.Kind switch
    {
        ArxivRssSource.KindName when source.Url is null && source.GetStrings(ArxivCategory.Field) is [var category] => $"https://arxiv.org/list/{category}/recent",
        GitHubReleasesSource.KindName when GitHubRepo.TryParse(request.Label) is { } repo => repo.Url + "/releases",
        _ => null,
    };
}
