using System.Reflection;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Storage;

/// <summary>The SQLite file: opens configured connections and brings the schema up to date.</summary>
/// <remarks>
/// WAL lets exports read a consistent snapshot while a poll writes; the busy timeout makes concurrent
/// writers (two sources finishing at once) wait instead of failing. Migrations are numbered embedded
/// scripts, each applied once in its own transaction and recorded in <c>schema_migrations</c>.
/// <threadsafety>Thread-safe; each caller opens its own connection.</threadsafety>
/// </remarks>
public sealed class ReportDatabase
{
    private readonly string _connectionString;
    private int _migrated;

    public ReportDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <summary>The connection string every connection to the file uses (the job store opens its own with it).</summary>
    public string ConnectionString => _connectionString;

    /// <summary>Opens a connection with WAL, a busy timeout and foreign keys, migrating the schema on first use.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _migrated) == 0) await MigrateAsync(cancellationToken);
        return await OpenRawAsync(cancellationToken);
    }

    /// <summary>Applies the migrations that have not run yet; safe to call repeatedly and from several processes.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        await using var connection = await OpenRawAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied TEXT NOT NULL);", cancellationToken);

        // Every command opens the database: when nothing is missing (the usual case), one read and no write lock.
        var done = new HashSet<string>(StringComparer.Ordinal);
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT version FROM schema_migrations";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) done.Add(reader.GetString(0));
        }
        var applied = new List<string>();
        foreach (var (version, sql) in Migrations())
        {
            if (done.Contains(version)) continue;
            // BEGIN IMMEDIATE takes the write lock first, so two processes cannot both apply one script.
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var check = connection.CreateCommand();
            check.Transaction = transaction;
            check.CommandText = "SELECT count(*) FROM schema_migrations WHERE version = $v";
            check.Parameters.AddWithValue("$v", version);
            if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken)) > 0) continue;

            await using var apply = connection.CreateCommand();
            apply.Transaction = transaction;
            apply.CommandText = sql.Value + "\nINSERT INTO schema_migrations (version, applied) VALUES ($v, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));";
            apply.Parameters.AddWithValue("$v", version);
            await apply.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            applied.Add(version);
        }
        Volatile.Write(ref _migrated, 1);
        return applied;
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // A 16 MB page cache per connection (SQLite's default is 2 MB): a poll's upserts and story lookups touch index
        // pages at random keys. Connections are pooled, so this is per pooled connection, not per query.
        await ExecuteAsync(connection, "PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;", cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Writes a consistent copy of the database to <paramref name="target"/> with SQLite's online backup API, while other
    /// connections go on reading and writing; the copy appears under its name only when complete.
    /// </summary>
    public async Task BackupAsync(string target, CancellationToken cancellationToken)
    {
        var full = System.IO.Path.GetFullPath(target);
        var directory = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // No migration first: a backup copies the file as it is, and needs no write lock a running poll may hold.
            await using (var source = await OpenRawAsync(cancellationToken))
            await using (var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp, Pooling = false }.ToString()))
            {
                await destination.OpenAsync(cancellationToken);
                // Microsoft.Data.Sqlite exposes the backup API synchronously; it copies page by page from one read snapshot.
                source.BackupDatabase(destination);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The text of the embedded migration <paramref name="version"/> (e.g. <c>0005_quartz</c>).</summary>
    public static string MigrationScript(string version) => Migrations().Single(m => m.Version == version).Sql.Value;

    // The scripts' text is read only for those not applied yet.
    private static IEnumerable<(string Version, Lazy<string> Sql)> Migrations()
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Migrations/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            yield return (name["Migrations/".Length..^".sql".Length], new Lazy<string>(() =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                return reader.ReadToEnd();
            }));
        }
    }
}
