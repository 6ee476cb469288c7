using System.Data.Common;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Ingest;

/// <summary>The writer when the PostgreSQL server ends its connection in the middle of a poll's writes, as a restart does.</summary>
/// <remarks>The writer's statement waits behind a lock a second connection holds; the test ends the waiting backend.</remarks>
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
        await EndWaitingConnectionsAsync(probe,
            "FROM pg_locks WHERE locktype = 'relation' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            poll, "the poll did not reach the writer");
        await holding.RollbackAsync();

        var failure = await Assert.ThrowsAsync<DatabaseFailureException>(() => poll);
        Assert.Contains("57P01", failure.Message);
    }

    [Fact]
    public async Task CommitAsync_ServerEndsTheConnectionWhileAGroupIsWrittenApart_TheDatabasesFailureNotARollbacksError()
    {
        // A group whose first poll fails on its own (an entry without a title) is written again, each poll in a savepoint
        // (WriteApartAsync). The server ends the connection while the second poll's writes wait: that is the database's
        // failure, which the other polls of the group report, not whatever rolling back to the savepoint on a connection
        // that is gone throws.
        var writer = Services.Get<IngestWriter>();
        var database = Services.Get<ReportDatabase>();
        var stored = Enumerable.Range(1, 2).Select(i => IngestWrites.Write("a", i)).ToList();
        await writer.CommitAsync(Record("a", 2), stored, null, CancellationToken.None);
        var edited = stored.Select(w => w with { Candidate = w.Candidate with { Title = w.Candidate.Title + ", edited" } }).ToList();
        var valid = new[] { IngestWrites.Write("b", 1), IngestWrites.Write("b", 2) };
        var failing = new[] { valid[0], valid[1] with { Candidate = valid[1].Candidate with { Title = null! } } };
        await using var blocker = await database.OpenAsync(CancellationToken.None);
        await using var probe = await database.OpenAsync(CancellationToken.None);
        // Source a's stored entries are locked: the first writing of the group stops at b, before them; the second waits on them.
        await using var holding = await blocker.BeginTransactionAsync();
        await ReportDatabaseTests.CountAsync(blocker, "SELECT count(*) FROM (SELECT id FROM entries WHERE source_id = 'a' FOR UPDATE) locked", holding);

        Task<StoreCounts> b, a, c;
        using (writer.Hold())
        {
            b = writer.CommitAsync(Record("b", 2), failing, null, CancellationToken.None);
            a = writer.CommitAsync(Record("a", 2), edited, null, CancellationToken.None);
            c = writer.CommitAsync(Record("c", 1), [IngestWrites.Write("c", 1)], null, CancellationToken.None);
        }
        await EndWaitingConnectionsAsync(probe, "FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
            a, "source a's poll did not wait on its entries");
        await holding.RollbackAsync();

        foreach (var poll in new[] { a, c })
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => poll);
            Assert.True(database.IsUnavailable(failure), failure.ToString());
            Assert.Contains("57P01", failure.Message);
        }
        Assert.DoesNotContain("57P01", (await Assert.ThrowsAnyAsync<Exception>(() => b)).Message);   // its own failure, the missing title
    }

    private FetchRecord Record(string source, int seen) => IngestWrites.Record(Services, source, seen);

    // Waits (hang guard only) until a connection waits on a lock (the rows `waiting` selects from), `pending` not done before
    // it, then has the server end those connections, as a restart does (57P01).
    private static async Task EndWaitingConnectionsAsync(DbConnection probe, string waiting, Task pending, string notWaiting)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await ReportDatabaseTests.CountAsync(probe, "SELECT count(*) " + waiting) == 0)
        {
            Assert.False(pending.IsCompleted, notWaiting);
            guard.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
        await ReportDatabaseTests.CountAsync(probe, "SELECT count(pg_terminate_backend(pid, 60000)) " + waiting);
    }
}
