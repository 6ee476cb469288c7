namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>A parsed feed: its title, its link and its items.</summary>
public sealed record FeedDocument(string? Title, string? Link, IReadOnlyList<FeedEntry> Items);
