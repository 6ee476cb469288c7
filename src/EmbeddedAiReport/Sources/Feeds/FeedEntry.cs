namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>One feed item with the fields every kind reads.</summary>
/// <param name="Published">Publication date string as written (RSS pubDate, Atom published).</param>
/// <param name="Updated">The date to use when <paramref name="Published"/> is missing or unreadable: Atom updated (GitHub
/// releases carry only this), JSON Feed date_modified or RSS 2.0 dc:date; or null.</param>
/// <param name="Creator">RSS 2.0 <c>dc:creator</c> (arXiv's authors), or null.</param>
/// <param name="Extensions">The text of the item's first child element of each name outside its default namespace, by
/// <see cref="ExtensionKey"/> (arXiv's <c>arxiv:announce_type</c>), or null when it has none.</param>
public sealed record FeedEntry(
    string? Id,
    string? Title,
    string? Link,
    string? Description,
    string? Content,
    string? Author,
    string? Published,
    string? Updated,
    IReadOnlyList<string> Categories,
    string? Creator = null,
    IReadOnlyDictionary<string, string>? Extensions = null)
{
    /// <summary>The key of an extension element: <c>{namespace}localName</c>.</summary>
    public static string ExtensionKey(string ns, string localName) => "{" + ns + "}" + localName;

    /// <summary>The text of the item's first child element <paramref name="localName"/> in <paramref name="ns"/>, or null.</summary>
    public string? Extension(string ns, string localName) => Extensions?.GetValueOrDefault(ExtensionKey(ns, localName));
}
