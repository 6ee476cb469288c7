using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using EmbeddedAiReport.Worker.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>Item 6 of issue 15: old fetches are pruned, and <c>backup</c> copies a database that is being written.</summary>
public abstract class HousekeepingTests(StorageProvider provider) : IDisposable
{
    public sealed class OnSqlite() : HousekeepingTests(StorageProvider.Sqlite)
    {
        [Fact]
        public async Task Backup_WhileAWriterHoldsAnOpenTransaction_CopiesTheCommittedStateConsistently()
        {
            var store = Services.Get<SourceStore>();
            await store.CommitFetchAsync(Record(Services.Clock.GetUtcNow()), [], CancellationToken.None);
            using var writer = DatabaseProbe.Open(Services.DatabasePath, readOnly: false);
            using var transaction = writer.BeginTransaction();
            using (var insert = writer.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO fetches (source_id, started) VALUES ('uncommitted', '2020-11-25T00:00:00.000Z')";
                insert.ExecuteNonQuery();
            }

            var target = Directory.File("copies/report-backup.db");
            var result = await CliRunner.RunAsync("backup", "--out", target, "--db", Services.DatabasePath, "--config", Fixtures.ConfigDirectory);
            transaction.Rollback();

            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith($"backed up {Services.DatabasePath} to {target} (", result.Out);
            using var copy = DatabaseProbe.Open(target);
            Assert.Equal(["ok"], DatabaseProbe.Query(copy, "PRAGMA integrity_check", r => r.GetString(0)));
            Assert.Equal(["s"], DatabaseProbe.Query(copy, "SELECT source_id FROM fetches", r => r.GetString(0)));
            Assert.Equal([1L], DatabaseProbe.Query(copy, "SELECT count(*) FROM schema_migrations WHERE version = '0008_quartz'", r => r.GetInt64(0)));
            Assert.Empty(System.IO.Directory.GetFiles(Directory.File("copies"), "*.tmp"));
        }

        [Fact]
        public async Task Backup_CancelledWhileCopying_StopsAtTheNextStep_AndLeavesTheTargetAsItWas()
        {
            // More pages than one step copies (4 MB): a cancel between steps is seen before the copy ends.
            await Services.Get<ReportDatabase>().MigrateAsync(CancellationToken.None);
            using (var writer = DatabaseProbe.Open(Services.DatabasePath, readOnly: false))
            using (var pad = writer.CreateCommand())
            {
                pad.CommandText = "CREATE TABLE padding (b BLOB); INSERT INTO padding VALUES (zeroblob(12000000));";
                pad.ExecuteNonQuery();
            }
            var target = Directory.File("copies/report-backup.db");
            System.IO.Directory.CreateDirectory(Directory.File("copies"));
            File.WriteAllText(target, "yesterday's backup");
            using var stop = new CancellationTokenSource();
            var steps = new List<(long Copied, long Pages)>();

            // Ctrl-C as the first step ends (what WithSignals does on SIGINT/SIGTERM: cancels the command's token).
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Services.Get<ReportDatabase>().BackupAsync(target, stop.Token, (copied, pages) =>
            {
                steps.Add((copied, pages));
                stop.Cancel();
            }));

            var (copied, pages) = Assert.Single(steps);
            Assert.True(copied < pages, $"{copied} of {pages} pages");
            Assert.Equal("yesterday's backup", File.ReadAllText(target));
            Assert.Equal([target], System.IO.Directory.GetFileSystemEntries(Directory.File("copies")));
        }

        [Fact]
        public async Task Backup_Cancelled_Exit130AndNoFile()
        {
            using var stop = new CancellationTokenSource();
            await Services.Get<ReportDatabase>().MigrateAsync(CancellationToken.None);
            await stop.CancelAsync();
            var target = Directory.File("copies/report-backup.db");

            var result = await CliRunner.RunAsync(null, stop.Token, "backup", "--out", target, "--db", Services.DatabasePath, "--config", Fixtures.ConfigDirectory);

            Assert.Equal(130, result.ExitCode);
            Assert.False(File.Exists(target));
        }
    }

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : HousekeepingTests(StorageProvider.Postgres)
    {
        [Fact]
        public async Task Backup_OnPostgres_SaysToUsePgDumpAndWritesNothing()
        {
            var config = Services.Database.Configure(Directory.ConfigWithSources("""{"sources": []}"""));
            var target = Directory.File("copies/report-backup.db");

            var result = await CliRunner.RunAsync("backup", "--out", target, "--config", config);

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("back it up with pg_dump", result.Error);
            Assert.False(File.Exists(target));
        }
    }

    private readonly TestServices _services = new(provider: provider);
    private readonly TempDirectory _directory = new();

    private protected TestServices Services => _services;

    private protected TempDirectory Directory => _directory;

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
        using var connection = DatabaseProbe.Open(_services.Database);
        Assert.Equal([now - TimeSpan.FromDays(89), now - TimeSpan.FromDays(1)],
            DatabaseProbe.Query(connection, "SELECT started FROM fetches ORDER BY started", r => SqliteTime.Read(r.GetString(0))));
        Assert.Equal(now - TimeSpan.FromDays(200), firstPoll);
        Assert.Equal(firstPoll, (await store.GetHealthAsync("s", CancellationToken.None))!.FirstPoll);
    }

    [Fact]
    public async Task HousekeepingJob_DailyRun_DeletesTheFetchesOlderThanFetchRetentionAndKeepsOneExactlyThatOld()
    {
        // ReportOptions.FetchRetention: rows older than it (default 90 days) are deleted; one exactly 90 days old is not older.
        var store = _services.Get<SourceStore>();
        var now = _services.Clock.GetUtcNow();
        foreach (var age in new[] { 200, 91, 90, 89, 1 })
            await store.CommitFetchAsync(Record(now - TimeSpan.FromDays(age)), [], CancellationToken.None);
        var job = new HousekeepingJob(store, _services.Get<PageStore>(), _services.Get<ReportDatabase>(), Options.Create(new ReportOptions()), _services.Clock, NullLogger<HousekeepingJob>.Instance, Options.Create(new DraftOptions()));

        await job.Execute(null!, CancellationToken.None);   // the job reads nothing from its Quartz context

        using var connection = DatabaseProbe.Open(_services.Database);
        Assert.Equal([now - TimeSpan.FromDays(90), now - TimeSpan.FromDays(89), now - TimeSpan.FromDays(1)],
            DatabaseProbe.Query(connection, "SELECT started FROM fetches ORDER BY started", r => SqliteTime.Read(r.GetString(0))));
    }

    [Fact]
    public async Task HousekeepingJob_DailyRun_ReleasesTheTextOfPagesReadBeforeFetchRetentionAndKeepsEveryRow()
    {
        // README (Report:FetchRetention): the text kept of article pages read more than 90 days ago goes; the rows stay as
        // markers (a page still listed is not fetched again), and so do pages that never held text (gone, blocked).
        var pages = _services.Get<PageStore>();
        var now = _services.Clock.GetUtcNow();
        var entry = new CandidateEntry { CanonicalKey = "wx:a", Url = "https://mp.weixin.qq.com/s/a", Title = "量化部署", Summary = "摘要", Account = "机器之心" };
        foreach (var age in new[] { 200, 91, 90, 1 })
            await pages.SaveAsync(new StoredPage($"wx:read-{age}", "wx", now - TimeSpan.FromDays(age), PageOutcome.Read, null, entry), CancellationToken.None);
        await pages.SaveAsync(new StoredPage("wx:gone-200", "wx", now - TimeSpan.FromDays(200), PageOutcome.Gone, "该内容已被发布者删除", null), CancellationToken.None);
        var job = new HousekeepingJob(_services.Get<SourceStore>(), pages, _services.Get<ReportDatabase>(), Options.Create(new ReportOptions()), _services.Clock,
            NullLogger<HousekeepingJob>.Instance, Options.Create(new DraftOptions()));

        await job.Execute(null!, CancellationToken.None);

        var kept = await pages.GetAsync(["wx:read-200", "wx:read-91", "wx:read-90", "wx:read-1", "wx:gone-200"], CancellationToken.None);
        Assert.Equal(
            [("wx:gone-200", PageOutcome.Gone, false), ("wx:read-1", PageOutcome.Read, true), ("wx:read-200", PageOutcome.Read, false),
             ("wx:read-90", PageOutcome.Read, true), ("wx:read-91", PageOutcome.Read, false)],
            kept.Values.Select(p => (p.EntryKey, p.Outcome, p.Entry is not null)).OrderBy(p => p.EntryKey, StringComparer.Ordinal));
        Assert.Equal("量化部署", kept["wx:read-90"].Entry!.Title);
        Assert.Equal("该内容已被发布者删除", kept["wx:gone-200"].Detail);
    }

    private static FetchRecord Record(DateTimeOffset started) =>
        new("s", "feed", started, TimeSpan.FromSeconds(1), 200, 100, 0, null, new Dictionary<string, HttpValidators>());
}
