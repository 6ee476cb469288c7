using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>Polls handed to the <see cref="IngestWriter"/> directly, without a source: entries with distinct texts and their fetch record.</summary>
public static class IngestWrites
{
    /// <summary>Entry <paramref name="i"/> of <paramref name="source"/>: a text no other entry shares (no two share a story).</summary>
    public static EntryWrite Write(string source, int i) =>
        new(new CandidateEntry
        {
            CanonicalKey = $"url:example.com/{source}/{i}",
            Url = $"https://example.com/{source}/{i}",
            Title = $"Entry {i} of source {source}",
            Summary = string.Join(' ', Enumerable.Range(0, 20).Select(w => $"{source}{i}word{w}")),
        }, "feed", "blogs", 0, []);

    /// <summary>A successful fetch of <paramref name="source"/> now, having seen <paramref name="seen"/> entries.</summary>
    public static FetchRecord Record(TestServices services, string source, int seen) =>
        new(source, "feed", services.Clock.GetUtcNow(), TimeSpan.Zero, 200, 0, seen, null, new Dictionary<string, HttpValidators>());
}
