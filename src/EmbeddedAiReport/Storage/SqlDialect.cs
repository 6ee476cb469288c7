using System.Data.Common;

namespace EmbeddedAiReport.Storage;

/// <summary>What differs between the two providers: connections, transactions, migrations, and the few SQL fragments that cannot be written once.</summary>
/// <remarks>
/// The stores write each query once, in the SQL both engines accept (SQLite 3.35+, PostgreSQL 13+): parameters named
/// <c>@name</c>, <c>INSERT … ON CONFLICT … DO UPDATE / DO NOTHING</c>, <c>RETURNING</c>, <c>TRUE</c>/<c>FALSE</c>, instants as
/// fixed-width UTC text (<see cref="SqliteTime"/>) and text compared byte by byte (PostgreSQL columns are <c>COLLATE "C"</c>).
/// What differs is here, named, so that a provider difference is never an accident in a store. The schema differs too
/// (types, triggers, Quartz's tables): each provider has its own copy of every numbered migration.
/// <threadsafety>Thread-safe; each caller opens its own connection.</threadsafety>
/// </remarks>
internal abstract class SqlDialect : IAsyncDisposable, IDisposable
{
    /// <summary>Which provider this is.</summary>
    public abstract StorageProvider Provider { get; }

    /// <summary>Where the data is, for messages: the file, or host, port and database (never a password).</summary>
    public abstract string Location { get; }

    /// <summary>The connection string every connection uses (Quartz's job store opens its own with it).</summary>
    public abstract string ConnectionString { get; }


    /// <summary>An SQL expression for the current instant in the stored text format (for migration records).</summary>
    public abstract string NowSql { get; }

    /// <summary>Opens a configured connection.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Opens a connection that reads only and creates nothing (a PostgreSQL connection is that already).</summary>
    public virtual Task<DbConnection> OpenReadOnlyAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    /// <summary>Throws when the database this dialect opened is no longer the one its connections would reach (SQLite: the file was deleted or replaced).</summary>
    /// <remarks>For a connection kept open across uses (the ingest writer's), which <see cref="OpenAsync"/> no longer checks.</remarks>
    public virtual void EnsureSameFile()
    {
    }

    /// <summary>
    /// Begins a transaction that holds the database's single write lock from its first statement, so that a store's
    /// read-then-write sequence is never interleaved with another writer's, in this process or another.
    /// </summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until no other daemon on this database holds the lock <paramref name="name"/>, then holds it on a connection of
    /// its own, returned, until <see cref="UnlockAcrossDaemonsAsync"/>; null where one daemon has the database (SQLite).
    /// </summary>
    public virtual Task<DbConnection?> LockAcrossDaemonsAsync(string name, CancellationToken cancellationToken) => Task.FromResult<DbConnection?>(null);

    /// <summary>Releases the lock <see cref="LockAcrossDaemonsAsync"/> took on <paramref name="connection"/> (the caller then disposes it).</summary>
    public virtual Task UnlockAcrossDaemonsAsync(DbConnection connection, string name) => Task.CompletedTask;

    /// <summary>Whether a write could start now without waiting for another process's lock (SQLite); null where that cannot be told.</summary>
    public virtual Task<bool?> WriteLockFreeAsync(CancellationToken cancellationToken) => Task.FromResult<bool?>(null);

    /// <summary>Begins a transaction whose queries all read one consistent snapshot.</summary>
    public abstract Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Makes the database ready for migrations: the folder and WAL mode for SQLite; nothing for PostgreSQL.</summary>
    public abstract Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>True when the table exists.</summary>
    public abstract Task<bool> TableExistsAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken);

    /// <summary>An SQL condition: <paramref name="column"/> is one of the ids bound to <paramref name="parameter"/> with <see cref="IdList"/>.</summary>
    public abstract string IdIn(string column, string parameter);

    /// <summary>The value to bind for an <see cref="IdIn"/> parameter.</summary>
    public abstract object IdList(IEnumerable<long> ids);

    /// <summary>
    /// A table expression of the texts bound to <paramref name="parameter"/> with <see cref="TextList"/>: columns <c>key</c>
    /// (the 0-based position) and <c>value</c>.
    /// </summary>
    public abstract string IndexedTexts(string parameter);

    /// <summary>The value to bind for an <see cref="IndexedTexts"/> parameter.</summary>
    public abstract object TextList(IEnumerable<string> values);

    /// <summary>A table expression of the members of the JSON object (text) in <paramref name="parameter"/> (a parameter or a column): columns <c>key</c> and <c>value</c>.</summary>
    public abstract string JsonObjectRows(string parameter);

    /// <summary>True when statements cost a round trip, so writes are worth holding and sending together (<see cref="CommandPipeline"/>).</summary>
    public abstract bool HoldsWrites { get; }

    /// <summary>An SQL expression: the greater of two non-null values (SQLite's two-argument <c>max</c>, PostgreSQL's <c>GREATEST</c>).</summary>
    public abstract string Greatest(string first, string second);

    /// <summary>
    /// The recurring one-statement writes of a long-lived <paramref name="connection"/>, prepared once for its life
    /// (<see cref="CommandPipeline"/> runs them), or null where statements cost a round trip rather than their own
    /// overhead (PostgreSQL). Dispose it before the connection.
    /// </summary>
    public virtual SqliteStatements? StatementsFor(DbConnection connection) => null;

    /// <summary>A statement that copies committed writes into the database file without blocking the writer, run on another connection once the writer's commits have written enough log; null when there is nothing to copy (PostgreSQL).</summary>
    public virtual string? BackgroundCheckpointSql => null;

    /// <summary>Pages <paramref name="connection"/> wrote to the write-ahead log since the last call (0 where the provider keeps no such count).</summary>
    public virtual long LogPagesWritten(DbConnection connection) => 0;

    /// <summary>Settings of the one long-lived connection that writes polls.</summary>
    public abstract Task ConfigureWriterAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Bytes the database takes on disk.</summary>
    public abstract Task<long> SizeAsync(CancellationToken cancellationToken);

    /// <summary>Whether the provider has a <see cref="ChangeStampAsync"/> (<see cref="ReportDatabase.HasChangeStamp"/>).</summary>
    public virtual bool HasChangeStamp => false;

    /// <summary>See <see cref="ReportDatabase.ChangeStampAsync"/>.</summary>
    public virtual Task<string> ChangeStampAsync(DbConnection connection, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{Provider} has no change stamp");

    /// <summary>
    /// The first problem an integrity check of <paramref name="table"/> and its indexes (null: the whole database) finds, or null
    /// when it finds none (or the provider has no such check).
    /// </summary>
    public abstract Task<string?> IntegrityProblemAsync(DbConnection connection, string? table, CancellationToken cancellationToken);

    /// <summary>See <see cref="ReportDatabase.IsUnavailable"/>.</summary>
    public abstract bool IsUnavailable(Exception exception);

    /// <summary>See <see cref="ReportDatabase.Failed"/>; nothing where the provider keeps no connection that could stay broken.</summary>
    public virtual void Failed(Exception exception)
    {
    }

    /// <summary>Statements that drop <paramref name="tables"/> where they exist, whatever depends on them, inside a write transaction.</summary>
    public abstract string DropTablesSql(IEnumerable<string> tables);

    /// <summary>Releases pooled connections.</summary>
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Releases pooled connections.</summary>
    public virtual void Dispose()
    {
    }

    /// <summary>Runs a statement without parameters.</summary>
    protected static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
