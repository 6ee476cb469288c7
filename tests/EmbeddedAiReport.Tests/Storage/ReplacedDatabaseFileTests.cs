using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>
/// A SQLite file deleted or replaced (<c>mv other.db report.db</c>) under a running process: it is not used any more, rather
/// than written into through connections that still hold the old file (lost when they close) or made anew, empty, at the path.
/// </summary>
public sealed class ReplacedDatabaseFileTests : IDisposable
{
    private readonly TestServices _services = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task CommitAsync_AfterTheFileIsReplaced_FailsNamingItInsteadOfWritingIntoTheOldFile()
    {
        var writer = _services.Get<IngestWriter>();
        await writer.CommitAsync(IngestWrites.Record(_services, "a", 1), [IngestWrites.Write("a", 1)], null, CancellationToken.None);   // the writer now keeps its connection
        var other = Path.Combine(Path.GetDirectoryName(_services.DatabasePath)!, "other.db");
        await using (var database = new ReportDatabase(other)) await database.MigrateAsync(CancellationToken.None);
        SqlitePools.Clear(other);
        File.Move(other, _services.DatabasePath, overwrite: true);

        var failed = await Assert.ThrowsAsync<DatabaseReplacedException>(() => writer.CommitAsync(IngestWrites.Record(_services, "b", 1), [IngestWrites.Write("b", 1)], null, CancellationToken.None));

        // Not read back from the new file: the old file's -wal, still at the path, would be replayed into it by any reader.
        Assert.StartsWith($"{_services.DatabasePath}: the database file was replaced after this process opened it", failed.Message);
    }

    [Fact]
    public async Task OpenAsync_AfterTheFileIsDeleted_FailsAndMakesNoEmptyFileInItsPlace()
    {
        var database = _services.Get<ReportDatabase>();
        await using (await database.OpenAsync(CancellationToken.None))
        {
        }
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_services.DatabasePath + suffix);

        var failed = await Assert.ThrowsAsync<DatabaseReplacedException>(() => database.OpenAsync(CancellationToken.None));

        Assert.StartsWith($"{_services.DatabasePath}: the database file was deleted after this process opened it", failed.Message);
        Assert.False(File.Exists(_services.DatabasePath));
    }
}
