using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>
/// A pooled SQLite connection that refuses writes as read-only (SQLite opened the file read-only while it was
/// write-protected, and the connection stays so after the mode is put back) is not handed out again once a write failed on
/// it: the next write opens the file afresh and is stored, without a restart.
/// </summary>
public sealed class ReadOnlyConnectionTests : IDisposable
{
    private readonly TestServices _services = new();

    public void Dispose() => _services.Dispose();

    // What the other tests stand on (SqlitePools.LeaveReadOnly): query_only refuses a write with SQLITE_READONLY, as a
    // connection to a file SQLite opened read-only does ("attempt to write a readonly database", sqlite.org/rescode.html
    // #readonly), and the pool hands the connection out again with the setting kept.
    [Fact]
    public async Task QueryOnly_OnAPooledConnection_RefusesWritesAsReadOnly_AndThePoolKeepsItSo()
    {
        var database = _services.Get<ReportDatabase>();
        await using (await database.OpenAsync(CancellationToken.None))
        {
        }
        SqlitePools.LeaveReadOnly(_services.DatabasePath, count: 1);

        await using var again = await database.OpenAsync(CancellationToken.None);
        await using var setting = again.CreateCommand(null, "PRAGMA query_only");
        var kept = Convert.ToInt64(await setting.ExecuteScalarAsync());
        var refused = await Assert.ThrowsAsync<SqliteException>(async () =>
        {
            await using var transaction = await database.BeginWriteAsync(again, CancellationToken.None);
            await using var write = again.CreateCommand(transaction, "INSERT INTO sources (id, kind) VALUES ('a', 'feed')");
            await write.ExecuteNonQueryAsync();
        });

        Assert.Equal(1, kept);
        Assert.Equal(SQLitePCL.raw.SQLITE_READONLY, refused.SqliteErrorCode & 0xFF);
        Assert.Equal("SQLite Error 8: 'attempt to write a readonly database'.", refused.Message);
    }

    [Fact]
    public async Task CommitAsync_AfterAPollFailedOnAReadOnlyPooledConnection_TheNextPollIsStored()
    {
        var writer = _services.Get<IngestWriter>();
        var database = _services.Get<ReportDatabase>();
        await using (await database.OpenAsync(CancellationToken.None))
        {
        }
        SqlitePools.LeaveReadOnly(_services.DatabasePath, count: 4);

        var refused = await Assert.ThrowsAsync<SqliteException>(() =>
            writer.CommitAsync(IngestWrites.Record(_services, "a", 1), [IngestWrites.Write("a", 1)], null, CancellationToken.None));
        var line = database.FailureLine(refused);   // what the daemon's poll job logs (event 4203)
        var stored = await writer.CommitAsync(IngestWrites.Record(_services, "b", 1), [IngestWrites.Write("b", 1)], null, CancellationToken.None);

        Assert.Equal($"{_services.DatabasePath}: SQLite Error 8: 'attempt to write a readonly database'", line);
        Assert.Equal(new StoreCounts(1, 0), stored);
    }

    // Quartz's job store meets the refusal before any poll, and tells the daemon's listener only of some failures (the first
    // scan of a run of failures, a retry now and then): its IsTransient answer is asked at every one, and lets go of them there.
    [Fact]
    public async Task JobStoreIsTransient_OfAWriteRefusedAsReadOnly_TheNextConnectionWrites_NoRetryAdded()
    {
        var database = _services.Get<ReportDatabase>();
        await using (await database.OpenAsync(CancellationToken.None))
        {
        }
        var services = new ServiceCollection();
        services.AddQuartz(quartz => JobStore.Configure(quartz, database, new StorageOptions()));
        await using var provider = services.BuildServiceProvider();
        var isTransient = provider.GetRequiredService<IOptions<AdoJobStoreOptions>>().Value.IsTransient!;
        SqlitePools.LeaveReadOnly(_services.DatabasePath, count: 2);

        // As Quartz hands a failure over: its own exception, the driver's inside (AdoJobStoreOptions.IsTransient's documentation).
        var transient = isTransient(new JobPersistenceException("Couldn't acquire next trigger: SQLite Error 8",
            new SqliteException("SQLite Error 8: 'attempt to write a readonly database'.", SQLitePCL.raw.SQLITE_READONLY)));
        await using var next = await database.OpenAsync(CancellationToken.None);
        await using var setting = next.CreateCommand(null, "PRAGMA query_only");

        Assert.Equal(0L, Convert.ToInt64(await setting.ExecuteScalarAsync()));
        Assert.False(transient);   // Quartz's own answer stands (a read-only file is no transient failure)
    }
}
