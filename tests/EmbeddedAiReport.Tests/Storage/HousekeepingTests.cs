using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>Item 6 of issue 15: old fetches are pruned, and <c>backup</c> copies a database that is being written.</summary>
public sealed class HousekeepingTests : IDisposable
{
    private readonly TestServices _services = new();
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        _services.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task PruneFetches_OlderThanTheDefaultRetention_DeletesOnlyThoseAndKeepsTheFirstPoll()
    {
        var store = _services.Get<SourceStore>();
        var now = _services.Clock.GetUtcNow();
        foreach (var age in new[] { 200, 91, 89, 1 })
            await store.CommitFetchAsync(Record(now - TimeSpan.FromDays(age)), [], CancellationToken.None);
        var firstPoll = (await store.GetHealthAsync("s", CancellationToken.None))!.FirstPoll;

        var pruned = await store.PruneFetchesAsync(now - new ReportOptions().FetchRetention, CancellationToken.None);

        Assert.Equal(2, pruned);
        using var connection = DatabaseProbe.Open(_services.DatabasePath);
        Assert.Equal([now - TimeSpan.FromDays(89), now - TimeSpan.FromDays(1)],
            DatabaseProbe.Query(connection, "SELECT started FROM fetches ORDER BY started", r => SqliteTime.Read(r.GetString(0))));
        Assert.Equal(now - TimeSpan.FromDays(200), firstPoll);
        Assert.Equal(firstPoll, (await store.GetHealthAsync("s", CancellationToken.None))!.FirstPoll);
    }

    [Fact]
    public async Task Backup_WhileAWriterHoldsAnOpenTransaction_CopiesTheCommittedStateConsistently()
    {
        var store = _services.Get<SourceStore>();
        await store.CommitFetchAsync(Record(_services.Clock.GetUtcNow()), [], CancellationToken.None);
        using var writer = DatabaseProbe.Open(_services.DatabasePath, readOnly: false);
        using var transaction = writer.BeginTransaction();
        using (var insert = writer.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO fetches (source_id, started) VALUES ('uncommitted', '2020-11-25T00:00:00.000Z')";
            insert.ExecuteNonQuery();
        }

        var target = _directory.File("copies/report-backup.db");
        var result = await CliRunner.RunAsync("backup", "--out", target, "--db", _services.DatabasePath, "--config", Fixtures.ConfigDirectory);
        transaction.Rollback();

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith($"backed up {_services.DatabasePath} to {target} (", result.Out);
        using var copy = DatabaseProbe.Open(target);
        Assert.Equal(["ok"], DatabaseProbe.Query(copy, "PRAGMA integrity_check", r => r.GetString(0)));
        Assert.Equal(["s"], DatabaseProbe.Query(copy, "SELECT source_id FROM fetches", r => r.GetString(0)));
        Assert.Equal([1L], DatabaseProbe.Query(copy, "SELECT count(*) FROM schema_migrations WHERE version = '0005_quartz'", r => r.GetInt64(0)));
        Assert.Empty(Directory.GetFiles(_directory.File("copies"), "*.tmp"));
        SqliteConnection.ClearAllPools();
    }

    private static FetchRecord Record(DateTimeOffset started) =>
        new("s", "feed", started, TimeSpan.FromSeconds(1), 200, 100, 0, null, new Dictionary<string, HttpValidators>());
}
