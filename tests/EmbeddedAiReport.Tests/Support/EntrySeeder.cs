using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>Stores entries through the real commit path, as a poll of one source would.</summary>
public static class EntrySeeder
{
    public static Task<StoreCounts> SeedAsync(TestServices services, string sourceId, params EntryWrite[] entries) =>
        services.Get<SourceStore>().CommitFetchAsync(
            new FetchRecord(sourceId, "feed", services.Clock.GetUtcNow(), TimeSpan.Zero, 200, 0, entries.Length, null, new Dictionary<string, HttpValidators>()),
            entries, CancellationToken.None);

    public static EntryWrite Entry(string key, string title, string section, DateTimeOffset published, double score = 0, string? account = null,
        string summary = "", string? prefix = null, string? url = null, IReadOnlyList<EntryLink>? links = null) =>
        new(new CandidateEntry
        {
            CanonicalKey = key, Url = url ?? (key.StartsWith("url:", StringComparison.Ordinal) ? "https://" + key[4..] : "https://example.com/" + key.Replace(':', '/')), Title = title, Summary = summary, Account = account,
            Published = published, Prefix = prefix, Links = links ?? [],
        }, "feed", section, score, []);
}
