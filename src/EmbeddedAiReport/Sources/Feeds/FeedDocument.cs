using CodeHollow.FeedReader.Feeds;

namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>A parsed feed: its title and items, with the library's format-specific item kept for kinds that need more fields.</summary>
public sealed record FeedDocument(string? Title, string? Link, IReadOnlyList<FeedEntry> Items);

/// <summary>One feed item with the fields every kind reads; <see cref="Specific"/> is FeedReader's RSS/Atom-specific item.</summary>
/// <param name="Published">Publication date string as written (RSS pubDate, Atom published).</param>
/// <param name="Updated">Atom updated (GitHub releases carry only this), or null.</param>
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
    BaseFeedItem? Specific);
