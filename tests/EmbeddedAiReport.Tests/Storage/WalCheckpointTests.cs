using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>
/// What the poll writer commits reaches the SQLite database file through a checkpoint beside the writer, not by the writer
/// stopping for it (its own threshold, 256 MB of log, is far above what these polls write), and only once the commits
/// since the last checkpoint have written 2,048 pages of log: the log's size is read from its file, frames of 4 KB
/// pages plus a 24-byte header each after a 32-byte file header (sqlite.org/fileformat2.html#walformat).
/// </summary>
public sealed class WalCheckpointTests : IDisposable
{
    private const int PageSize = 4096;
    private const long Threshold = 2048;
    private readonly TestServices _services = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task CommitAsync_PollsBelowTheThreshold_StayInTheLogWhereReadersSeeThem()
    {
        var writer = _services.Get<IngestWriter>();
        var before = await MigratedAndCheckpointedAsync();

        var counts = await writer.CommitAsync(Record(200), Writes(0, 200), null, CancellationToken.None);
        await writer.Checkpointer!.IdleAsync().WaitPatientlyAsync("the background checkpoint");

        Assert.Equal(new StoreCounts(200, 0), counts);
        var frames = LogFrames();
        Assert.InRange(frames, 1, Threshold - 1);
        Assert.Equal(before, new FileInfo(_services.DatabasePath).Length);
        using var connection = DatabaseProbe.Open(_services.Database);
        Assert.Equal(200L, DatabaseProbe.Scalar(connection, "SELECT count(*) FROM entries"));
    }

    [Fact]
    public async Task CommitAsync_PollsPastTwoThousandPagesOfLog_AreCopiedIntoTheDatabaseFileByTheBackgroundCheckpoint()
    {
        var writer = _services.Get<IngestWriter>();
        var before = await MigratedAndCheckpointedAsync();
        var frames = new List<long>();

        // Polls of 200 entries, each with ~5 KB of text, until a checkpoint has copied the log into the file.
        for (var poll = 0; new FileInfo(_services.DatabasePath).Length == before; poll++)
        {
            Assert.True(poll < 60, $"no checkpoint after {poll} polls; the log holds {LogFrames()} frames");
            await writer.CommitAsync(Record(200), Writes(poll * 200, 200), null, CancellationToken.None);
            await writer.Checkpointer!.IdleAsync().WaitPatientlyAsync("the background checkpoint");
            frames.Add(LogFrames());
        }

        // The log only grows until the first checkpoint (it restarts from its start after one): the poll that brought it
        // to the threshold was the first to be copied, and the one before it was left below it.
        Assert.True(frames.Count >= 2, $"copied after the first poll, at {frames[0]} frames");
        Assert.InRange(frames[^2], 1, Threshold - 1);
        Assert.True(frames[^1] >= Threshold, $"copied at {frames[^1]} frames: {string.Join(", ", frames)}");
        Assert.True(new FileInfo(_services.DatabasePath).Length - before > 4 * 1024 * 1024);
        using var connection = DatabaseProbe.Open(_services.Database);
        Assert.Equal(200L * frames.Count, DatabaseProbe.Scalar(connection, "SELECT count(*) FROM entries"));
    }

    [Fact]
    public async Task CommitAsync_AfterOnePollWroteMoreThanSixteenMegabytesOfLog_TheLogFileShrinksBackOnceItIsCopied()
    {
        // A daemon's connections stay open (pooled), so SQLite never deletes its -wal file: without a size limit the file
        // keeps the size of the largest log it ever held (a cold poll, a poll into a large database) until the daemon stops.
        var writer = _services.Get<IngestWriter>();
        await MigratedAndCheckpointedAsync();
        const long limit = 16L * 1024 * 1024;   // README, "How it works": the log is cut back to 16 MB after a checkpoint

        await writer.CommitAsync(Record(5000), Writes(0, 5000), null, CancellationToken.None);
        await writer.Checkpointer!.IdleAsync().WaitPatientlyAsync("the background checkpoint");
        var grown = new FileInfo(_services.DatabasePath + "-wal").Length;
        await writer.CommitAsync(Record(1), Writes(5000, 1), null, CancellationToken.None);
        await writer.Checkpointer!.IdleAsync().WaitPatientlyAsync("the background checkpoint");

        Assert.True(grown > limit, $"the large poll wrote only {grown} bytes of log");
        Assert.InRange(new FileInfo(_services.DatabasePath + "-wal").Length, 1, limit);
        using var connection = DatabaseProbe.Open(_services.Database);
        Assert.Equal(5001L, DatabaseProbe.Scalar(connection, "SELECT count(*) FROM entries"));
    }

    // The schema in the file and an empty log, so that the writer's frames are all the log holds.
    private async Task<long> MigratedAndCheckpointedAsync()
    {
        await _services.Get<ReportDatabase>().MigrateAsync(CancellationToken.None);
        using (var connection = DatabaseProbe.Open(_services.Database, readOnly: false))
            Assert.Equal(0L, DatabaseProbe.Scalar(connection, "PRAGMA wal_checkpoint(TRUNCATE)"));
        Assert.Equal(0L, LogFrames());
        return new FileInfo(_services.DatabasePath).Length;
    }

    private long LogFrames()
    {
        var log = new FileInfo(_services.DatabasePath + "-wal");
        return log.Exists && log.Length > 32 ? (log.Length - 32) / (PageSize + 24) : 0;
    }

    private static List<EntryWrite> Writes(int first, int count) =>
        Enumerable.Range(first, count).Select(i => new EntryWrite(new CandidateEntry
        {
            CanonicalKey = $"url:example.com/post/{i}",
            Url = $"https://example.com/post/{i}",
            Title = $"Post {i} about int{i % 7} quantization",
            Summary = string.Join(' ', Enumerable.Range(0, 600).Select(w => $"p{i}w{w}")),
        }, "feed", "blogs", 0, [])).ToList();

    private FetchRecord Record(int seen) =>
        new("s", "feed", _services.Clock.GetUtcNow(), TimeSpan.Zero, 200, 0, seen, null, new Dictionary<string, HttpValidators>());
}
