using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>
/// What the poll writer commits reaches the SQLite database file through a checkpoint beside the writer, not by the writer
/// stopping for it: the writer's own threshold (256 MB of log) is far above what these polls write.
/// </summary>
public sealed class WalCheckpointTests : IDisposable
{
    private readonly TestServices _services = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task CommitAsync_APollOfTwoHundredEntries_IsCopiedIntoTheDatabaseFileByTheBackgroundCheckpoint()
    {
        var writer = _services.Get<IngestWriter>();
        await _services.Get<ReportDatabase>().MigrateAsync(CancellationToken.None);
        var file = new FileInfo(_services.DatabasePath);
        var before = file.Exists ? file.Length : 0;
        var writes = Enumerable.Range(1, 200).Select(Write).ToList();

        var counts = await writer.CommitAsync(Record(writes.Count), writes, null, CancellationToken.None);
        await writer.CheckpointIdleAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(new StoreCounts(200, 0), counts);
        file.Refresh();
        // 200 entries of ~1 KB of text each, their signatures and index rows: well over 200 KB, in the file now, with every
        // connection of the pool still open (none has closed and checkpointed on its way out).
        Assert.True(file.Length - before > 200 * 1024, $"database file grew by {file.Length - before} bytes");
        using var connection = DatabaseProbe.Open(_services.Database);
        Assert.Equal(200L, DatabaseProbe.Query(connection, "SELECT count(*) FROM entries", r => r.GetInt64(0)).Single());
    }

    private static EntryWrite Write(int i) =>
        new(new CandidateEntry
        {
            CanonicalKey = $"url:example.com/post/{i}",
            Url = $"https://example.com/post/{i}",
            Title = $"Post {i} about int{i % 7} quantization",
            Summary = string.Join(' ', Enumerable.Range(0, 120).Select(w => $"p{i}w{w}")),
        }, "feed", "blogs", 0, []);

    private FetchRecord Record(int seen) =>
        new("s", "feed", _services.Clock.GetUtcNow(), TimeSpan.Zero, 200, 0, seen, null, new Dictionary<string, HttpValidators>());
}
