using System.Data.Common;
using System.Reflection;

namespace EmbeddedAiReport.Storage;

/// <summary>The report's database (a SQLite file or a PostgreSQL database): opens connections and brings the schema up to date.</summary>
/// <remarks>
/// Every store reaches the data through this class, whichever the provider (<see cref="SqlDialect"/> holds what differs).
/// Migrations are numbered embedded scripts, one set per provider with the same names, each applied once in its own
/// write transaction and recorded in <c>schema_migrations</c>.
/// <threadsafety>Thread-safe; each caller opens its own connection.</threadsafety>
/// </remarks>
public sealed class ReportDatabase : IAsyncDisposable, IDisposable
{
    private readonly SqlDialect _dialect;
    private int _migrated;

    /// <summary>The SQLite file at <paramref name="path"/>.</summary>
    public ReportDatabase(string path) : this(new SqliteDialect(path))
    {
    }

    private ReportDatabase(SqlDialect dialect) => _dialect = dialect;

    /// <summary>The database <paramref name="storage"/> names: the PostgreSQL database of its connection string, or the SQLite file <paramref name="sqlitePath"/>.</summary>
    public static ReportDatabase Create(StorageOptions storage, string sqlitePath) => storage.Provider switch
    {
        StorageProvider.Postgres => Postgres(storage.ConnectionString ?? throw new ArgumentException("Storage:ConnectionString is required for postgres", nameof(storage))),
        _ => new ReportDatabase(new SqliteDialect(sqlitePath, storage.BusyTimeout)),
    };

    /// <summary>The PostgreSQL database of <paramref name="connectionString"/> (an Npgsql connection string).</summary>
    public static ReportDatabase Postgres(string connectionString) => new(new PostgresDialect(connectionString));

    /// <summary>Which provider holds the data.</summary>
    public StorageProvider Provider => _dialect.Provider;

    /// <summary>Where the data is, for messages: the SQLite file, or the PostgreSQL host, port and database.</summary>
    public string Location => _dialect.Location;

    /// <summary>The <see cref="Location"/> of the database <see cref="Create"/> would open with the same arguments, without opening it.</summary>
    public static string LocationOf(StorageOptions storage, string sqlitePath) => storage.Provider == StorageProvider.Postgres && storage.ConnectionString is { } connectionString
        ? PostgresDialect.LocationOf(new Npgsql.NpgsqlConnectionStringBuilder(connectionString))
        : System.IO.Path.GetFullPath(sqlitePath);

    /// <summary>Full path of the SQLite file; null on PostgreSQL.</summary>
    public string? Path => (_dialect as SqliteDialect)?.Path;

    /// <summary>How long a SQLite statement waits for the file's write lock (<see cref="StorageOptions.BusyTimeout"/>); null on PostgreSQL.</summary>
    public TimeSpan? BusyTimeout => (_dialect as SqliteDialect)?.BusyTimeout;

    /// <summary>The connection string every connection uses (the job store opens its own with it).</summary>
    public string ConnectionString => _dialect.ConnectionString;

    internal SqlDialect Dialect => _dialect;

    /// <summary>
    /// True when <paramref name="exception"/> is the database's own failure rather than one statement's: locked past the busy
    /// timeout, damaged, full, read-only, not reachable. Whatever used it would fail the same way (<see cref="DatabaseFailureException"/>).
    /// </summary>
    public bool IsUnavailable(Exception exception) => _dialect.IsUnavailable(exception);

    /// <summary>
    /// The one line a job logs when <paramref name="exception"/> is the database's failure (a <see cref="DatabaseFailureException"/>,
    /// or <see cref="IsUnavailable"/>), naming the database; null for any other exception. The failure is also told to
    /// <see cref="Failed"/>, so what it left broken is not used again.
    /// </summary>
    public string? FailureLine(Exception exception)
    {
        var line = exception switch
        {
            DatabaseFailureException failure => failure.Message,
            _ when IsUnavailable(exception) => new DatabaseFailureException(Location, exception, BusyTimeout).Message,
            _ => null,
        };
        if (line is not null) Failed(exception);
        return line;
    }

    /// <summary>
    /// Told of a failure of the database (<paramref name="exception"/>, or one of its inner exceptions): lets go of the pooled
    /// connections when they would go on failing once the database no longer does. On SQLite, a write refused as read-only
    /// (SQLITE_READONLY): a connection opened while the file was write-protected stays read-only after its mode is put back.
    /// </summary>
    public void Failed(Exception exception) => _dialect.Failed(exception);

    /// <summary>Opens a connection, migrating the schema on first use.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _migrated) == 0) await MigrateAsync(cancellationToken);
        return await _dialect.OpenAsync(cancellationToken);
    }

    /// <summary>
    /// Opens a connection that only reads: no migration, nothing created or written (<c>validate</c> looks at what is stored).
    /// A SQLite file is opened read-only, and a missing one is an error; the schema may be older than this version's.
    /// </summary>
    public Task<DbConnection> OpenReadOnlyAsync(CancellationToken cancellationToken) => _dialect.OpenReadOnlyAsync(cancellationToken);

    /// <summary>
    /// Begins a write transaction on <paramref name="connection"/> that holds the database's write lock from the start, so
    /// that what it reads stays true until it commits (SQLite <c>BEGIN IMMEDIATE</c>; a PostgreSQL advisory lock).
    /// </summary>
    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        _dialect.BeginWriteAsync(connection, cancellationToken);

    /// <summary>
    /// Waits until no other daemon sharing this database holds the lock <paramref name="name"/> (case-insensitive), then
    /// holds it on a connection of its own, returned, until <see cref="UnlockAcrossDaemonsAsync"/>; the lock also ends with
    /// the connection (a daemon that dies, a server restart). Null on SQLite, which one daemon has to itself.
    /// </summary>
    public Task<DbConnection?> LockAcrossDaemonsAsync(string name, CancellationToken cancellationToken) =>
        _dialect.LockAcrossDaemonsAsync(name, cancellationToken);

    /// <summary>Releases the lock <see cref="LockAcrossDaemonsAsync"/> took on <paramref name="connection"/>; dispose the connection after.</summary>
    public Task UnlockAcrossDaemonsAsync(DbConnection connection, string name) => _dialect.UnlockAcrossDaemonsAsync(connection, name);

    /// <summary>Begins a read transaction on <paramref name="connection"/>: all its queries see one snapshot.</summary>
    public Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        _dialect.BeginReadAsync(connection, cancellationToken);

    /// <summary>Applies the migrations that have not run yet; safe to call repeatedly and from several processes.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        if (Path is { } path && System.IO.Path.GetDirectoryName(path) is { Length: > 0 } directory) Directory.CreateDirectory(directory);
        await using var connection = await _dialect.OpenAsync(cancellationToken);
        await _dialect.PrepareAsync(connection, cancellationToken);
        if (!await _dialect.TableExistsAsync(connection, null, "schema_migrations", cancellationToken))
        {
            await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken);
            await using var create = connection.CreateCommand(transaction,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied TEXT NOT NULL)");
            await create.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // Every command opens the database: when nothing is missing (the usual case), one read and no write lock.
        var done = new HashSet<string>(StringComparer.Ordinal);
        await using (var read = connection.CreateCommand(null, "SELECT version FROM schema_migrations"))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) done.Add(reader.GetString(0));
        }

        if (done.Overlaps(Renumbered.Keys)) await RenumberAsync(connection, done, cancellationToken);

        // A migration this build does not know was applied by a newer version: its schema may mean what this one would
        // break by writing, so nothing opens it (the operator runs the newer version, or a backup of before the upgrade).
        var migrations = Migrations(MigrationPrefix(Provider)).ToList();
        if (done.Except(migrations.Select(m => m.Version)).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } unknown)
            throw new NewerDatabaseException(
                $"{Location}: the database was upgraded by a newer version of EmbeddedAiReport (migration {string.Join(", ", unknown)} is unknown to this one); run that version or restore a backup made before the upgrade");

        var applied = new List<string>();
        foreach (var (version, sql) in migrations)
        {
            if (done.Contains(version)) continue;
            // The write lock comes first, so two processes cannot both apply one script.
            await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken);
            await using var check = connection.CreateCommand(transaction, "SELECT count(*) FROM schema_migrations WHERE version = @v");
            check.AddParameter("@v", version);
            if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken)) > 0) continue;

            // The script runs on its own, without parameters: PostgreSQL scripts hold function bodies in $$ quotes.
            await using (var apply = connection.CreateCommand(transaction, sql.Value))
                await apply.ExecuteNonQueryAsync(cancellationToken);
            await using (var record = connection.CreateCommand(transaction, $"INSERT INTO schema_migrations (version, applied) VALUES (@v, {_dialect.NowSql})"))
            {
                record.AddParameter("@v", version);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            applied.Add(version);
        }
        Volatile.Write(ref _migrated, 1);
        return applied;
    }

    /// <summary>
    /// Migrations that once shared a number (three 0002, two 0005) and everything after them were renumbered in order; a
    /// database migrated before that records them under their old names, which become the new ones, so none runs twice.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string> Renumbered = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["0002_stories"] = "0003_stories",
        ["0002_wechat_pages"] = "0004_wechat_pages",
        ["0003_drop_entry_bands"] = "0005_drop_entry_bands",
        ["0004_ingest"] = "0006_ingest",
        ["0005_health"] = "0007_health",
        ["0005_quartz"] = "0008_quartz",
        ["0006_editor_overrides"] = "0009_editor_overrides",
        ["0007_ranking"] = "0010_ranking",
        ["0008_summaries"] = "0011_summaries",
        ["0010_issue_window"] = "0012_issue_window",
    };

    // In one write transaction; a second process doing the same at once finds nothing left to rename.
    private async Task RenumberAsync(DbConnection connection, HashSet<string> done, CancellationToken cancellationToken)
    {
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken);
        foreach (var (old, renamed) in Renumbered)
        {
            if (!done.Remove(old)) continue;
            await using var rename = connection.CreateCommand(transaction, "UPDATE schema_migrations SET version = @new WHERE version = @old");
            rename.AddParameter("@new", renamed);
            rename.AddParameter("@old", old);
            await rename.ExecuteNonQueryAsync(cancellationToken);
            done.Add(renamed);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Writes a consistent copy of the SQLite database to <paramref name="target"/> (SQLite's online backup API), while other
    /// connections go on reading and writing. A PostgreSQL database is backed up with its own tools (<c>pg_dump</c>).
    /// </summary>
    /// <param name="progress">Called after each step of the copy with the pages copied and the pages in all.</param>
    /// <exception cref="OutputFileException">The copy could not be written at <paramref name="target"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled: nothing is left at <paramref name="target"/> (a file there before stays as it was).</exception>
    public Task BackupAsync(string target, CancellationToken cancellationToken, Action<long, long>? progress = null) =>
        _dialect is SqliteDialect sqlite
            ? sqlite.BackupAsync(target, cancellationToken, progress)
            : throw new NotSupportedException($"backup copies a SQLite file; back up {Location} with pg_dump");

    /// <summary>Bytes the database takes on disk (the SQLite file and its WAL, or the PostgreSQL database).</summary>
    public Task<long> SizeAsync(CancellationToken cancellationToken) => _dialect.SizeAsync(cancellationToken);

    /// <summary>
    /// With <see cref="HasChangeStamp"/>: a value that differs from the one read before on the same connection once anything
    /// was written to the database since (by this process or another), so what was computed from the data can be kept while
    /// it stays the same. SQLite's <c>data_version</c>; it may also change when nothing the report reads did (Quartz's job
    /// store), never the other way round.
    /// </summary>
    /// <param name="connection">A connection kept open between reads: values read on different connections do not compare.</param>
    public Task<string> ChangeStampAsync(DbConnection connection, CancellationToken cancellationToken) => _dialect.ChangeStampAsync(connection, cancellationToken);

    /// <summary>
    /// Whether the provider has a <see cref="ChangeStampAsync"/>: SQLite. PostgreSQL has none that would help (its current
    /// snapshot moves with every write to any database of the server, the clustered job store's check-ins every few seconds included).
    /// </summary>
    public bool HasChangeStamp => _dialect.HasChangeStamp;

    /// <summary>
    /// Whether a write could start now without waiting for another process's lock: true or false on SQLite, null on
    /// PostgreSQL (no such lock to ask about).
    /// </summary>
    public Task<bool?> WriteLockFreeAsync(CancellationToken cancellationToken) => _dialect.WriteLockFreeAsync(cancellationToken);

    /// <summary>Whether <paramref name="exception"/> is SQLite's "database is locked": another process held the write lock past the busy timeout.</summary>
    public static bool IsLocked(Exception exception) => SqliteDialect.IsLocked(exception.GetBaseException());

    /// <summary>Runs a trivial query: throws what the database throws when it cannot answer.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(null, "SELECT count(*) FROM sources");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>The text of this provider's migration <paramref name="version"/> (e.g. <c>0008_quartz</c>).</summary>
    public string MigrationScript(string version) => MigrationScript(Provider, version);

    /// <summary>The text of <paramref name="provider"/>'s migration <paramref name="version"/>.</summary>
    public static string MigrationScript(StorageProvider provider, string version) =>
        Migrations(MigrationPrefix(provider)).Single(m => m.Version == version).Sql.Value;

    /// <summary>The names of the migrations embedded for <paramref name="provider"/>, in the order they apply.</summary>
    public static IReadOnlyList<string> MigrationNames(StorageProvider provider) =>
        Migrations(MigrationPrefix(provider)).Select(m => m.Version).ToList();

    private static string MigrationPrefix(StorageProvider provider) => provider == StorageProvider.Postgres ? "Migrations.Postgres/" : "Migrations/";

    /// <summary>Releases pooled connections (PostgreSQL).</summary>
    public ValueTask DisposeAsync() => _dialect.DisposeAsync();

    /// <summary>Releases pooled connections (PostgreSQL).</summary>
    public void Dispose() => _dialect.Dispose();

    // The scripts' text is read only for those not applied yet.
    private static IEnumerable<(string Version, Lazy<string> Sql)> Migrations(string prefix)
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            yield return (name[prefix.Length..^".sql".Length], new Lazy<string>(() =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                return reader.ReadToEnd();
            }));
        }
    }
}

/// <summary>
/// The database itself failed while a poll used it (locked past <see cref="StorageOptions.BusyTimeout"/>, damaged, full,
/// read-only, unreachable: <see cref="ReportDatabase.IsUnavailable"/>): no source's fault, and every other source would meet it too.
/// </summary>
/// <param name="busyTimeout">The SQLite file's <see cref="ReportDatabase.BusyTimeout"/>: a lock held past it is said as such (<see cref="SqliteDialect.LockedProblem"/>).</param>
public sealed class DatabaseFailureException(string location, Exception inner, TimeSpan? busyTimeout = null)
    : Exception(Describe(location, inner, busyTimeout), inner)
{
    /// <summary>
    /// What went wrong in one line: the message, but of a PostgreSQL error only its state and text (its message goes on with
    /// lines of the statement's position or detail).
    /// </summary>
    public static string CauseOf(Exception exception) =>
        (exception is Npgsql.PostgresException server ? $"{server.SqlState}: {server.MessageText}" : exception.Message).TrimEnd('.');

    // SQLite's messages do not name the file; a replaced file's does already. Nor do they say which file or folder SQLite
    // may not write ("attempt to write a readonly database"): that is added (WriteAccess.SqliteProblem); nor that "database
    // is locked" is another process's lock, waited for Storage:BusyTimeout: said instead (SqliteDialect.LockedProblem).
    private static string Describe(string location, Exception inner, TimeSpan? busyTimeout)
    {
        var cause = busyTimeout is { } waited && SqliteDialect.LockedProblem(inner, waited) is { } locked ? locked : CauseOf(inner);
        var message = cause.StartsWith(location, StringComparison.Ordinal) ? cause : $"{location}: {cause}";
        return WriteAccess.SqliteProblem(location, inner) is { } problem ? $"{message}; {problem}" : message;
    }
}

/// <summary>The database records a migration this build does not have: a newer version upgraded it, and this one must not use it.</summary>
public sealed class NewerDatabaseException(string message) : InvalidOperationException(message);

/// <summary>
/// The SQLite file was deleted or replaced after this process opened it: it stops using the path rather than write into
/// a file no one will read again, or into an empty one made in its place.
/// </summary>
public sealed class DatabaseReplacedException(string path, bool deleted) : IOException(
    $"{path}: the database file was {(deleted ? "deleted" : "replaced")} after this process opened it, so it reads and writes nothing more there: "
    + "put the file back, or restart to use what is there now");
