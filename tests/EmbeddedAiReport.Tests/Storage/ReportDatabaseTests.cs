using System.Data.Common;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Storage;

public abstract class ReportDatabaseTests : IDisposable
{
    public sealed class OnSqlite() : ReportDatabaseTests(StorageProvider.Sqlite)
    {
        [Fact]
        public async Task MigrateAsync_EmptyFile_PutsItInWalMode()
        {
            await using var database = Database.Open();
            await database.MigrateAsync(CancellationToken.None);

            await using var connection = await database.OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand(null, "PRAGMA journal_mode");
            Assert.Equal("wal", await command.ExecuteScalarAsync());
        }

        // A database of a build before the relevance model (70d0d7f, the end of wave 1: its first five scripts, recorded
        // under their old names) holds keyword scores — tags + source weight + links + recency, 1.25 its draft threshold,
        // 6 the most a walk of it stored. The upgrade maps them onto the 0–1 relevance as a build without a model maps a
        // keyword score, σ(score − 1.25), instead of leaving every one above every threshold of the model's scale.
        // Expected: 1/(1 + e^−4.75) = 0.9914225 (0.991423), 1/(1 + e^0) = 0.5, 1/(1 + e^0.5) = 0.377541. No PostgreSQL database is
        // that old (PostgreSQL came after the model).
        [Fact]
        public async Task MigrateAsync_KeywordScoresOfABuildBeforeTheRelevanceModel_BecomeRelevances()
        {
            await using (var old = Database.Open())
            await using (var connection = await old.Dialect.OpenAsync(CancellationToken.None))
            {
                await ApplyAsAnOldBuildDidAsync(old, connection, Migrations.Take(5).ToList(), NamesBeforeRenumbering.Take(5).ToList());
                foreach (var (id, score) in new[] { (1L, 6.0), (2L, 1.25), (3L, 0.75) })
                {
                    await using var entry = connection.CreateCommand(null, """
                        INSERT INTO entries (id, source_id, kind, canonical_key, url, title, first_seen, updated, window_time, content_hash, score)
                        VALUES (@id, 's', 'feed', @key, 'https://example.org/', 't', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', 'h', @score)
                        """);
                    entry.AddParameter("@id", id);
                    entry.AddParameter("@key", $"url:example.org/{id}");
                    entry.AddParameter("@score", score);
                    await entry.ExecuteNonQueryAsync();
                }
            }

            await using var upgraded = Database.Open();
            await upgraded.MigrateAsync(CancellationToken.None);

            var stored = await new EntryStore(upgraded).QueryAsync(new EntryQuery { Limit = 10 }, CancellationToken.None);
            Assert.Equal([(1L, 0.991423), (2L, 0.5), (3L, 0.377541)], stored.Select(e => (e.Entry.Id, Math.Round(e.Entry.Score, 6))).Order());
        }
    }

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : ReportDatabaseTests(StorageProvider.Postgres);

    private readonly TempDirectory _directory = new();
    private readonly TestDatabase _database;

    // Every script under Storage/Migrations (and its PostgreSQL twin), in name order, and the tables they leave (entry_bands
    // came and went; entry_tags was rebuilt, then folded into entries.tags); the 15 QRTZ_* tables are Quartz's own schema.
    private static readonly string[] Migrations =
    [
        "0001_init", "0002_history", "0003_stories", "0004_wechat_pages", "0005_drop_entry_bands", "0006_ingest", "0007_health",
        "0008_quartz", "0009_editor_overrides", "0010_ranking", "0011_summaries", "0012_issue_window",
        "0013_drop_canonical_url", "0014_same_text_index", "0015_tags_in_entry_row", "0016_pending_only_unplaced",
        "0017_published_window", "0018_issue_markdown", "0019_moved_addresses", "0020_page_failures",
        "0021_left_out", "0022_short_text_key",
    ];

    private static readonly string[] Tables =
    [
        "dedup_state", "draft_exports", "entries", "entry_aliases", "entry_links", "entry_overrides", "entry_pages", "entry_pending",
        "entry_signatures", "fetches", "http_validators", "issue_items", "issues", "request_health", "schema_migrations",
        "sources", "stories", "summaries", "summary_runs",
    ];

    private ReportDatabaseTests(StorageProvider provider) => _database = TestDatabase.Create(provider, _directory, migrated: false);

    private protected TestDatabase Database => _database;

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task MigrateAsync_EmptyDatabase_AppliesEveryMigrationAndCreatesEveryTableOfTheDesign()
    {
        await using var database = _database.Open();

        var applied = await database.MigrateAsync(CancellationToken.None);

        Assert.Equal(Migrations, applied);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var tables = await StringsAsync(connection, _database.Provider == StorageProvider.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()");
        Assert.Equal(Tables, tables.Where(t => !t.StartsWith("qrtz_", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal));
        Assert.Equal(15, tables.Count(t => t.StartsWith("qrtz_", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task MigrateAsync_RunTwice_AppliesNothingTheSecondTime()
    {
        await using (var first = _database.Open()) await first.MigrateAsync(CancellationToken.None);

        await using var second = _database.Open();
        var again = await second.MigrateAsync(CancellationToken.None);

        Assert.Empty(again);
    }

    // The names a database migrated before the renumbering recorded, in the order they were applied (git history of
    // Storage/Migrations); each maps to the name at the same position in Migrations.
    private static readonly string[] NamesBeforeRenumbering =
    [
        "0001_init", "0002_history", "0002_stories", "0002_wechat_pages", "0003_drop_entry_bands", "0004_ingest", "0005_health",
        "0005_quartz", "0006_editor_overrides", "0007_ranking", "0008_summaries", "0010_issue_window",
    ];

    [Fact]
    public async Task MigrateAsync_DatabaseMigratedUnderTheOldNumbers_RunsOnlyTheNewMigrationsAndRecordsTheNewNames()
    {
        // A database as a build before the renumbering left it: the same twelve scripts, recorded under their old names.
        await using (var old = _database.Open())
        await using (var connection = await old.Dialect.OpenAsync(CancellationToken.None))
            await ApplyAsAnOldBuildDidAsync(old, connection, Migrations.Take(NamesBeforeRenumbering.Length).ToList(), NamesBeforeRenumbering);

        await using var upgraded = _database.Open();
        var applied = await upgraded.MigrateAsync(CancellationToken.None);

        Assert.Equal(["0013_drop_canonical_url", "0014_same_text_index", "0015_tags_in_entry_row", "0016_pending_only_unplaced", "0017_published_window", "0018_issue_markdown", "0019_moved_addresses", "0020_page_failures", "0021_left_out", "0022_short_text_key"], applied);
        await using var check = await upgraded.OpenAsync(CancellationToken.None);
        Assert.Equal(Migrations, (await StringsAsync(check, "SELECT version FROM schema_migrations")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MigrateAsync_TagsStoredAsRows_MovesThemIntoTheirEntriesWithTheSameWeights()
    {
        // A database as the build before 0015 left it, with an entry tagged in entry_tags and one without tags.
        await using (var old = _database.Open())
        await using (var connection = await old.Dialect.OpenAsync(CancellationToken.None))
        {
            var before = Migrations.Where(m => string.CompareOrdinal(m, "0015") < 0).ToList();
            await ApplyAsAnOldBuildDidAsync(old, connection, before, before);
            foreach (var id in new[] { 1, 2 })
            {
                await using var entry = connection.CreateCommand(null, """
                    INSERT INTO entries (id, source_id, kind, canonical_key, url, title, first_seen, updated, window_time, content_hash)
                    VALUES (@id, 's', 'feed', @key, 'https://example.org/', 't', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', 'h')
                    """);
                entry.AddParameter("@id", (long)id);
                entry.AddParameter("@key", $"url:example.org/{id}");
                await entry.ExecuteNonQueryAsync();
            }
            foreach (var (tag, weight) in new[] { ("quantization", 2.0), ("npu", 2.0 / 3), ("pruning", 0.75) })
            {
                await using var insert = connection.CreateCommand(null, "INSERT INTO entry_tags (entry_id, tag, weight) VALUES (1, @tag, @weight)");
                insert.AddParameter("@tag", tag);
                insert.AddParameter("@weight", weight);
                await insert.ExecuteNonQueryAsync();
            }
        }

        await using var upgraded = _database.Open();
        Assert.Equal(["0015_tags_in_entry_row", "0016_pending_only_unplaced", "0017_published_window", "0018_issue_markdown", "0019_moved_addresses", "0020_page_failures", "0021_left_out", "0022_short_text_key"], await upgraded.MigrateAsync(CancellationToken.None));

        var stored = await new EntryStore(upgraded).QueryAsync(new EntryQuery { Limit = 10 }, CancellationToken.None);
        var tags = stored.ToDictionary(e => e.Entry.Id, e => e.Tags.Select(t => (t.Tag, t.Weight)).ToList());
        // Heaviest first, then by name; 2/3 read back as the same double.
        Assert.Equal([("quantization", 2.0), ("pruning", 0.75), ("npu", 2.0 / 3)], tags[1]);
        Assert.Empty(tags[2]);
        var tagged = await new EntryStore(upgraded).QueryAsync(new EntryQuery { Limit = 10, Tag = "npu" }, CancellationToken.None);
        Assert.Equal([1L], tagged.Select(e => e.Entry.Id));
        // The review page's read of the window gives the same tags.
        var window = await new EditorStore(upgraded, TimeProvider.System).ListWindowAsync(
            new DateTimeOffset(2019, 12, 31, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero), CancellationToken.None);
        Assert.Equal(tags, window.ToDictionary(e => e.Entry.Id, e => e.Tags.Select(t => (t.Tag, t.Weight)).ToList()));
    }

    [Fact]
    public async Task MigrateAsync_PagesStoredBefore0020_KeepTheirRowsAndAPageMayThenBeFailing()
    {
        // A database as the build before 0020 left it, with a page read (its completed entry kept) and an anti-bot page met:
        // both rows stay as they were, with no failures, and a page whose host fails can be recorded.
        await using (var old = _database.Open())
        await using (var connection = await old.Dialect.OpenAsync(CancellationToken.None))
        {
            var before = Migrations.Where(m => string.CompareOrdinal(m, "0020") < 0).ToList();
            await ApplyAsAnOldBuildDidAsync(old, connection, before, before);
            await using var insert = connection.CreateCommand(null, """
                INSERT INTO entry_pages (entry_key, source_id, checked, outcome, detail, entry_json) VALUES
                ('wx:read', 'wx', '2020-05-14T12:00:00.000Z', 'read', NULL, '{"canonicalKey":"wx:read","url":"https://mp.weixin.qq.com/s/read","title":"已读","summary":""}'),
                ('wx:blocked', 'wx', '2020-05-14T13:00:00.000Z', 'blocked', '环境异常', NULL)
                """);
            await insert.ExecuteNonQueryAsync();
        }

        await using var upgraded = _database.Open();
        Assert.Equal(["0020_page_failures", "0021_left_out", "0022_short_text_key"], await upgraded.MigrateAsync(CancellationToken.None));
        var pages = new PageStore(upgraded);
        var failing = new StoredPage("wx:failing", "wx", new DateTimeOffset(2020, 5, 14, 14, 0, 0, TimeSpan.Zero), PageOutcome.Failing, "HTTP 503", null,
            2, new DateTimeOffset(2020, 5, 14, 14, 10, 0, TimeSpan.Zero));
        await pages.SaveAsync(failing, CancellationToken.None);

        var stored = await pages.GetAsync(["wx:read", "wx:blocked", "wx:failing"], CancellationToken.None);
        Assert.Equal(("已读", PageOutcome.Read, 0, (DateTimeOffset?)null), (stored["wx:read"].Entry!.Title, stored["wx:read"].Outcome, stored["wx:read"].Failures, stored["wx:read"].RetryAt));
        Assert.Equal(new StoredPage("wx:blocked", "wx", new DateTimeOffset(2020, 5, 14, 13, 0, 0, TimeSpan.Zero), PageOutcome.Blocked, "环境异常", null), stored["wx:blocked"]);
        Assert.Equal(failing, stored["wx:failing"]);
    }

    // Runs the scripts of `migrations` by hand and records them under `recordedAs` (same positions), as an older build did.
    internal static async Task ApplyAsAnOldBuildDidAsync(ReportDatabase old, DbConnection connection, IReadOnlyList<string> migrations, IReadOnlyList<string> recordedAs)
    {
        await using (var create = connection.CreateCommand(null, "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied TEXT NOT NULL)"))
            await create.ExecuteNonQueryAsync();
        for (var i = 0; i < migrations.Count; i++)
        {
            await using (var apply = connection.CreateCommand(null, old.MigrationScript(migrations[i])))
                await apply.ExecuteNonQueryAsync();
            await using var record = connection.CreateCommand(null, "INSERT INTO schema_migrations (version, applied) VALUES (@v, 'then')");
            record.AddParameter("@v", recordedAs[i]);
            await record.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task MigrateAsync_TwoDaemonsStartingAtOnce_ApplyEachMigrationOnce()
    {
        await using var one = _database.Open();
        await using var two = _database.Open();

        var results = await Task.WhenAll(Task.Run(() => one.MigrateAsync(CancellationToken.None)), Task.Run(() => two.MigrateAsync(CancellationToken.None)));

        Assert.Equal(Migrations, results.SelectMany(r => r).Order(StringComparer.Ordinal));
        await using var connection = await one.OpenAsync(CancellationToken.None);
        Assert.Equal(results.Sum(r => r.Count), await CountAsync(connection, "SELECT count(*) FROM schema_migrations"));
    }

    private static async Task<List<string>> StringsAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand(null, sql);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new List<string>();
        while (await reader.ReadAsync()) result.Add(reader.GetString(0));
        return result;
    }

    internal static async Task<long> CountAsync(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand(transaction, sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
