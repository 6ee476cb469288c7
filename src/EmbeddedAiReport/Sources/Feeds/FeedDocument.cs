namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>A parsed feed: its title, its link and its items.</summary>
/// <param name="Language">The language it says it is in (RSS <c>&lt;language&gt;</c>, Atom <c>xml:lang</c>, JSON Feed <c>language</c>), as written; null when none.</param>
public sealed record FeedDocument(string? Title, string? Link, IReadOnlyList<FeedEntry> Items, string? Language = null);
