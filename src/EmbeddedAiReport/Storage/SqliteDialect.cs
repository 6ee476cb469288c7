using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Storage;

/// <summary>The embedded provider: one SQLite file in WAL mode.</summary>
/// <remarks>
/// WAL lets exports read a consistent snapshot while a poll writes; the busy timeout makes concurrent writers (two sources
/// finishing at once) wait instead of failing; <c>BEGIN IMMEDIATE</c> takes the file's write lock at the start of a write.
/// </remarks>
internal sealed class SqliteDialect : SqlDialect
{
    // Before SQLite opens its first connection through this program (SqliteLibrary: no memory statistics).
    static SqliteDialect() => SqliteLibrary.EnsureConfigured();

    private readonly int _busyTimeoutMs;

    /// <param name="busyTimeout">See <see cref="StorageOptions.BusyTimeout"/> (whole seconds); default 30 s.</param>
    public SqliteDialect(string path, TimeSpan? busyTimeout = null)
    {
        var busy = busyTimeout ?? new StorageOptions().BusyTimeout;
        BusyTimeout = busy;
        _busyTimeoutMs = (int)busy.TotalMilliseconds;
        Path = System.IO.Path.GetFullPath(path);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a statement SQLite found busy until this many seconds have passed (0: forever),
            // on top of SQLite's own busy handler (busy_timeout, OpenAsync): both wait the same time.
            DefaultTimeout = (int)Math.Ceiling(busy.TotalSeconds),
        }.ToString();
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <summary>How long a statement waits for the file's write lock before it fails (<see cref="StorageOptions.BusyTimeout"/>).</summary>
    public TimeSpan BusyTimeout { get; }

    /// <summary>
    /// What <paramref name="exception"/> says, when it is SQLite's "database is locked" (SQLITE_BUSY): another process held the
    /// file's write lock (a <c>sqlite3</c> shell left in a transaction, a <c>poll</c> beside the daemon) for all of
    /// <paramref name="busyTimeout"/>, and which setting that wait is; null for any other exception.
    /// </summary>
    /// <remarks>SQLite's own "SQLite Error 5: 'database is locked'" said neither who holds it nor that, or how long, it was waited for.</remarks>
    public static string? LockedProblem(Exception exception, TimeSpan busyTimeout) =>
        IsLocked(exception)
            ? $"the database is locked by another process (waited {busyTimeout.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)} s; Storage:BusyTimeout)"
            : null;

    public override StorageProvider Provider => StorageProvider.Sqlite;

    public override string Location => Path;

    public override string ConnectionString { get; }

    public override string NowSql => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    // The file the first connection opened (device and inode), null until then or where it cannot be told (FileIdentity).
    private FileIdentity? _file;

    /// <summary>Opens a connection to the file the first one opened (<see cref="EnsureSameFile"/>).</summary>
    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        EnsureSameFile();
        var connection = await OpenAsync(ConnectionString, cancellationToken);
        _file ??= FileIdentity.Of(Path) is { } first && first != FileIdentity.Missing ? first : null;
        return connection;
    }

    /// <summary>Bytes of <c>-wal</c> file kept when a commit starts the log over after a checkpoint (<c>PRAGMA journal_size_limit</c>).</summary>
    /// <remarks>
    /// The daemon's pooled connections keep the file open, so SQLite never deletes it, and without a limit it keeps the
    /// size of the largest log it ever held: one cold poll, or a poll into a large database, left 30–250 MB beside the
    /// database (and in <c>eair_database_size_bytes</c>) until the daemon stopped. Twice what the background checkpoint
    /// lets build up (WalCheckpointer: 2,048 pages, 8 MB), so the usual log reuses the file without growing it.
    /// </remarks>
    internal const long LogSizeLimit = 16L * 1024 * 1024;

    /// <summary>Throws <see cref="DatabaseReplacedException"/> when the file the first connection opened is no longer at <see cref="Path"/>.</summary>
    /// <remarks>
    /// A file deleted or replaced (<c>mv other.db report.db</c>, a restore) under a running daemon would otherwise go on
    /// being used: open connections (the ingest writer keeps one) write into the old file, which nothing reads again once
    /// they close, and a new connection makes an empty file at the path. One <c>statx</c> tells it first.
    /// </remarks>
    public override void EnsureSameFile()
    {
        if (_file is { } opened && FileIdentity.Of(Path) is { } now && now != opened)
            throw new DatabaseReplacedException(Path, deleted: now == FileIdentity.Missing);
    }

    // Read-only, so a missing file is an error rather than a new empty database; not pooled: one look, then the file is let go.
    public override Task<DbConnection> OpenReadOnlyAsync(CancellationToken cancellationToken) =>
        OpenAsync(new SqliteConnectionStringBuilder(ConnectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString(), cancellationToken);

    /// <summary>Opens the file with a busy timeout, foreign keys and the page cache set.</summary>
    private async Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // SQLite's default page cache (2 MB): connections are pooled, and each keeps what it read, so a larger cache on
            // every connection held ~10 MB more in the idle daemon. The writer gets a larger one (ConfigureWriterAsync).
            // The log file cut back to LogSizeLimit when a commit starts it over after a checkpoint: see LogSizeLimit.
            await ExecuteAsync(connection, null,
                $"PRAGMA busy_timeout={_busyTimeoutMs}; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA journal_size_limit={LogSizeLimit};", cancellationToken);
            return connection;
        }
        catch
        {
            // Cancelled or failed before the caller owns it: back to the pool now, not whenever the collector finds it.
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Takes the file's write lock, waiting at most a second (not the busy timeout), and lets it go at once.</summary>
    /// <remarks>
    /// Statements of their own: in one command of several statements, a <c>BEGIN IMMEDIATE</c> refused as locked was
    /// passed over without an error (Microsoft.Data.Sqlite 10), and the lock was said free while a <c>sqlite3</c> shell held it.
    /// </remarks>
    public override async Task<bool?> WriteLockFreeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA busy_timeout=0", cancellationToken);
        try
        {
            await using (var begin = connection.CreateCommand(null, "BEGIN IMMEDIATE"))
            {
                begin.CommandTimeout = 1;   // Microsoft.Data.Sqlite's own retries of a locked statement: one second
                await begin.ExecuteNonQueryAsync(cancellationToken);
            }
            await ExecuteAsync(connection, null, "ROLLBACK", cancellationToken);
            return true;
        }
        catch (SqliteException ex) when (IsLocked(ex))
        {
            return false;
        }
        finally
        {
            // The connection goes back to the pool: with the wait every other statement has.
            await ExecuteAsync(connection, null, $"PRAGMA busy_timeout={_busyTimeoutMs}", CancellationToken.None);
        }
    }

    /// <summary>Whether <paramref name="exception"/> is SQLite's "database is locked" (SQLITE_BUSY): another process's write lock.</summary>
    public static bool IsLocked(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: var code } && (code & 0xFF) == SQLitePCL.raw.SQLITE_BUSY;

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
    }

    public override async Task<bool> TableExistsAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @name COLLATE NOCASE");
        command.AddParameter("@name", table);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken)) > 0;
    }

    public override string IdIn(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    public override object IdList(IEnumerable<long> ids)
    {
        var json = new StringBuilder("[");
        foreach (var id in ids) json.Append(json.Length == 1 ? "" : ",").Append(id);
        return json.Append(']').ToString();
    }

    public override string IndexedTexts(string parameter) => $"json_each({parameter})";

    public override object TextList(IEnumerable<string> values) => System.Text.Json.JsonSerializer.Serialize(values as string[] ?? values.ToArray(), CoreJson.Default.StringArray);

    public override string JsonObjectRows(string parameter) => $"json_each({parameter})";

    public override string Greatest(string first, string second) => $"max({first}, {second})";

    public override SqliteStatements StatementsFor(DbConnection connection) => new((SqliteConnection)connection);

    // In-process: a statement costs microseconds and no round trip.
    public override bool HoldsWrites => false;

    // Checkpoints (each two fsyncs and a copy of the WAL's pages into the file) run beside the writer, once its commits
    // have written 8 MB of log (BackgroundCheckpointSql, LogPagesWritten, Ingest/WalCheckpointer): a passive one never
    // blocks the writer, where SQLite's own stops the committing connection for the copy. The writer checkpoints itself
    // only past 256 MB of log, a bound for a log the background cannot keep up with (its own was 64 MB: a cold poll of a
    // few hundred feeds writes a few dozen MB, and at SQLite's default 4 MB the checkpoints cost as much as the inserts).
    // A 4 MB page cache (SQLite's default is 2 MB): the writer's lookups are batched per poll now, and 16 MB measured no
    // faster on a cold 200-feed poll, its all-304 re-poll or the same poll into 1,000,000 entries, while it held ~12 MB
    // more of the poll's peak memory and of the daemon's after its first poll (bench/compare.sh, 2026-12-01).
    // Temporary storage in memory: statement and savepoint sub-journals (the original of each page changed, kept for a
    // rollback) otherwise spill past 64 KB into temp files. When every poll of a group had a savepoint, a cold 200-feed
    // poll wrote ~460 MB to such files for an 18 MB database; savepoints are now only used after a poll failed (IngestWriter).
    // In memory they are kept in 1 KiB chunks, a sqlite3_malloc each (~327,000 on a cold poll, ~1 % of its CPU in
    // sqlite3_initialize's memory barrier). Tried on 2026-12-02 and reverted: temp_store left at its default with journals
    // in memory up to 1 MiB (SQLITE_CONFIG_STMTJRNL_SPILL), 0.97× wall; but a journal past 1 MiB goes to a temporary file,
    // and CrashTests' final poll, whose story merges write large savepoint journals, then failed with SQLITE_FULL "database
    // or disk is full" in 3 of 13 runs with 22 GB free (0 of 15 with this setting); the cause was not found.
    public override Task ConfigureWriterAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, null, "PRAGMA wal_autocheckpoint=65536; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-4096;", cancellationToken);

    public override string BackgroundCheckpointSql => "PRAGMA wal_checkpoint(PASSIVE)";

    // SQLITE_DBSTATUS_CACHE_WRITE: pages the connection wrote out, in WAL mode to the log; read and reset to zero.
    public override long LogPagesWritten(DbConnection connection)
    {
        var rc = SQLitePCL.raw.sqlite3_db_status(((SqliteConnection)connection).Handle, SQLitePCL.raw.SQLITE_DBSTATUS_CACHE_WRITE, out var pages, out _, 1);
        return rc == SQLitePCL.raw.SQLITE_OK ? pages : 0;
    }

    // data_version: changes when another connection (of this process or another) commits, per connection.
    public override async Task<string> ChangeStampAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        EnsureSameFile();   // a kept connection would go on reading a deleted or replaced file
        await using var command = connection.CreateCommand(null, "PRAGMA data_version");
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    public override bool HasChangeStamp => true;

    public override Task<long> SizeAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new[] { "", "-wal" }.Select(suffix => new FileInfo(Path + suffix)).Where(f => f.Exists).Sum(f => f.Length));

    // The file, not a statement: deleted or replaced under this process (EnsureSameFile), or what SQLite says of it: locked
    // past the busy timeout, no permission, read-only, an I/O error, damaged, full, not openable, not a database, out of
    // memory (primary result codes; constraint and SQL errors are the statement's).
    public override bool IsUnavailable(Exception exception) => exception is DatabaseReplacedException
        || exception is SqliteException { SqliteErrorCode: var code } && (code & 0xFF) is
            SQLitePCL.raw.SQLITE_PERM or SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED or SQLitePCL.raw.SQLITE_NOMEM or SQLitePCL.raw.SQLITE_READONLY
            or SQLitePCL.raw.SQLITE_IOERR or SQLitePCL.raw.SQLITE_CORRUPT or SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_CANTOPEN or SQLitePCL.raw.SQLITE_NOTADB;

    // A connection SQLite opened while the file or its folder was write-protected is read-only, without a word, and stays so
    // once the mode is put back: every write on it fails with SQLITE_READONLY, and the pool hands it out again (the daemon's
    // firings did not resume without a restart). On that failure the pool of this connection string is emptied: the idle
    // connections are closed now, those in use when let go instead of going back, so the next open opens the file afresh
    // (Quartz's job store too: its connections have the same string, JobStore). A file still write-protected fails again.
    public override void Failed(Exception exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is SqliteException { SqliteErrorCode: var code } && (code & 0xFF) == SQLitePCL.raw.SQLITE_READONLY)
            {
                using var pooled = new SqliteConnection(ConnectionString);
                SqliteConnection.ClearPool(pooled);
                return;
            }
        }
    }

    // quick_check(TABLE) checks that table and its indexes only (SQLite 3.33+): damage elsewhere is not the table's.
    public override async Task<string?> IntegrityProblemAsync(DbConnection connection, string? table, CancellationToken cancellationToken)
    {
        await using var integrity = connection.CreateCommand();
        integrity.CommandText = table is null ? "PRAGMA quick_check" : $"PRAGMA quick_check(\"{table}\")";
        var result = (await integrity.ExecuteScalarAsync(cancellationToken))?.ToString();
        return result is "ok" ? null : $"quick_check: {result?.ReplaceLineEndings("; ")}";   // one line, for a log or an error line
    }

    // Foreign keys are checked at commit, when the tables are back (the caller recreates them in the same transaction).
    public override string DropTablesSql(IEnumerable<string> tables) =>
        "PRAGMA defer_foreign_keys = ON;\n" + string.Join("\n", tables.Select(t => $"DROP TABLE IF EXISTS {t};"));

    /// <summary>
    /// Writes a consistent copy of the database to <paramref name="target"/> with SQLite's online backup API, while other
    /// connections go on reading and writing; the copy appears under its name only when complete.
    /// </summary>
    /// <remarks>
    /// What fails to be written (the target's folder, the disk) is an <see cref="OutputFileException"/> naming the target, not
    /// SQLite's "unable to open database file", which reads as if the database were at fault.
    /// </remarks>
    public async Task BackupAsync(string target, CancellationToken cancellationToken, Action<long, long>? progress = null)
    {
        var full = System.IO.Path.GetFullPath(target);
        var directory = System.IO.Path.GetDirectoryName(full)!;
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // No migration first: a backup copies the file as it is, and needs no write lock a running poll may hold.
            await using (var source = (SqliteConnection)await OpenAsync(cancellationToken))
            await using (var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp, Pooling = false }.ToString()))
            {
                try
                {
                    Directory.CreateDirectory(directory);
                    await destination.OpenAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException)
                {
                    throw new OutputFileException(full, ex, temp);
                }
                Copy(source, destination, full, temp, cancellationToken, progress);
            }
            try
            {
                File.Move(temp, full, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OutputFileException(full, ex, temp);
            }
        }
        finally
        {
            // The copy's rollback journal too, should a step have failed as it wrote.
            foreach (var file in new[] { temp, temp + "-journal" })
                if (File.Exists(file)) File.Delete(file);
        }
    }

    // Pages per step of the copy: 4 MB of 4 KiB pages, so that a cancelled copy of gigabytes stops within one step.
    private const int BackupPagesPerStep = 1024;

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> step by step, from one snapshot, stopping when cancelled.</summary>
    /// <remarks>
    /// Microsoft.Data.Sqlite's <c>BackupDatabase</c> copies in one step that nothing can stop. The source's read transaction
    /// stays open across the steps: the copy is of one snapshot, and commits of other connections meanwhile neither restart
    /// it nor enter it. A step that fails writing (no space, a folder or file it may not write) is the target's failure; an I/O error may be either
    /// file's, and stays SQLite's.
    /// </remarks>
    private static void Copy(SqliteConnection source, SqliteConnection destination, string target, string temp, CancellationToken cancellationToken,
        Action<long, long>? progress)
    {
        using var snapshot = source.BeginTransaction(deferred: true);
        using (var read = source.CreateCommand())
        {
            read.Transaction = snapshot;
            read.CommandText = "SELECT count(*) FROM sqlite_master";   // a deferred transaction takes its snapshot at its first read
            read.ExecuteScalar();
        }
        using var backup = SQLitePCL.raw.sqlite3_backup_init(destination.Handle, "main", source.Handle, "main");
        if (backup.IsInvalid) Fail(SQLitePCL.raw.sqlite3_errcode(destination.Handle));
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rc = SQLitePCL.raw.sqlite3_backup_step(backup, BackupPagesPerStep);
            if (rc == SQLitePCL.raw.SQLITE_DONE) return;
            if (rc != SQLitePCL.raw.SQLITE_OK) Fail(rc);
            var pages = SQLitePCL.raw.sqlite3_backup_pagecount(backup);
            progress?.Invoke(pages - SQLitePCL.raw.sqlite3_backup_remaining(backup), pages);
        }

        void Fail(int rc)
        {
            try
            {
                SqliteException.ThrowExceptionForRC(rc, destination.Handle);
            }
            catch (SqliteException ex) when ((rc & 0xFF) is SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_CANTOPEN or SQLitePCL.raw.SQLITE_READONLY
                or SQLitePCL.raw.SQLITE_PERM)
            {
                throw new OutputFileException(target, ex, temp);
            }
        }
    }
}
