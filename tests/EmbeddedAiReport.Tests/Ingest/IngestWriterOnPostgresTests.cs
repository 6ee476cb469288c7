using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Ingest;

/// <summary>The writer when the PostgreSQL server ends its connection in the middle of a poll's writes, as a restart does.</summary>
[Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
public sealed class IngestWriterOnPostgresTests() : LoopbackTest(new TestServices(provider: StorageProvider.Postgres))
{
    [Fact]
    public async Task PollGuardedAsync_ServerEndsTheWritersConnectionMidWrite_TheDatabasesFailureNotACrash()
    {
        // A soak run restarted PostgreSQL (pg_ctl restart -m fast) while the writer was in a transaction: the rollback after
        // the failed statement threw ObjectDisposedException ("NpgsqlTransaction"), which hid the server's 57P01, so three
        // polls were logged as crashed (2005, with a stack trace) and failed ("internal error: NpgsqlTransaction"). README: a poll
        // whose connection a restart ended is "not stored, the database failed" (4203).
        Server.MapFixture("feed.xml", "dedup/mirror-a.xml");
        var source = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "s", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true}]}"""));
        var database = Services.Get<ReportDatabase>();
        await using var blocker = await database.OpenAsync(CancellationToken.None);
        await using var probe = await database.OpenAsync(CancellationToken.None);
        // The writer's first statement after its write lock waits behind this lock: it is in its transaction when its
        // connection ends.
        await using var holding = await blocker.BeginTransactionAsync();
        await using (var lockTables = blocker.CreateCommand(holding, "LOCK TABLE fetches, entries IN EXCLUSIVE MODE"))
            await lockTables.ExecuteNonQueryAsync();

        var poll = Services.Get<SourcePoller>().PollGuardedAsync(source, CancellationToken.None);
        const string waiting = "FROM pg_locks WHERE locktype = 'relation' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await ReportDatabaseTests.CountAsync(probe, "SELECT count(*) " + waiting) == 0)
        {
            Assert.False(poll.IsCompleted, "the poll did not reach the writer");
            guard.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
        await ReportDatabaseTests.CountAsync(probe, "SELECT count(pg_terminate_backend(pid, 60000)) " + waiting);
        await holding.RollbackAsync();

        var failure = await Assert.ThrowsAsync<DatabaseFailureException>(() => poll);
        Assert.Contains("57P01", failure.Message);
    }
}
