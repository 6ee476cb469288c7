namespace EmbeddedAiReport.Drafting;

// The shape of `export --format json` (DraftRenderer.RenderJson), property order as written: snake case on output.
internal sealed record DraftJson(string Date, string From, string To, int Count, IEnumerable<DraftJsonSection> Sections);

internal sealed record DraftJsonSection(string Slug, string Name, IEnumerable<DraftJsonItem> Items);

internal sealed record DraftJsonItem(long Id, string Key, string Title, string? Account, string Url, string? Prefix, string Summary,
    double Score, IReadOnlyList<EntryLink> Links, IReadOnlyList<DraftWriteup> Writeups);
