using System.Data;
using System.Data.Common;
using Npgsql;

namespace EmbeddedAiReport.Storage;

/// <summary>The server provider: a PostgreSQL database shared by several daemons.</summary>
/// <remarks>
/// Writers serialize on one transaction-scoped advisory lock, the counterpart of SQLite's <c>BEGIN IMMEDIATE</c>: the stores'
/// read-then-write sequences (a story pass reading pending entries, then signing them; an alias lookup, then an insert)
/// stay correct when two daemons write at once, with the same outcome as on SQLite. Reads use REPEATABLE READ for one
/// snapshot per transaction. Connections come from one pooled <see cref="NpgsqlDataSource"/> with automatic preparation.
/// </remarks>
internal sealed class PostgresDialect : SqlDialect
{
    // pg_advisory_xact_lock key of the report's write lock ("EAIR" and 1); advisory locks are per database.
    internal const long WriteLockKey = 0x4541_4952_0000_0001;

    // First key ("EAIR") of the session advisory locks the daemons share by name (LockAcrossDaemonsAsync); the second is
    // the name's hash. Two-key locks never meet the one-key write lock.
    internal const int NamedLockClass = 0x4541_4952;

    private readonly NpgsqlDataSource _source;

    public PostgresDialect(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Statements a store runs again and again (an upsert per entry) are prepared on the server after a few uses.
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 64;
        builder.ApplicationName ??= "EmbeddedAiReport";
        ConnectionString = builder.ConnectionString;
        Location = LocationOf(builder);
        _source = NpgsqlDataSource.Create(builder);
    }

    public override StorageProvider Provider => StorageProvider.Postgres;

    public override string Location { get; }

    public override string ConnectionString { get; }


    public override string NowSql => """to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')""";

    /// <summary>Where the database of <paramref name="builder"/> is, for messages: host, port and database, never the password.</summary>
    public static string LocationOf(NpgsqlConnectionStringBuilder builder) => $"postgres://{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";

    /// <summary>Why <paramref name="connectionString"/> cannot be used, or null.</summary>
    public static string? ConnectionProblem(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? "names no Host" : null;
        }
        catch (ArgumentException ex) when (ex.ParamName is { } keyword && !new NpgsqlConnectionStringBuilder().ContainsKey(keyword))
        {
            // Npgsql says "Couldn't set hots (Parameter 'hots')" of a keyword it does not know, as of a value it cannot read.
            return Unknown(keyword);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            return $"not a PostgreSQL connection string ({ex.Message})";
        }
        catch (KeyNotFoundException ex)
        {
            // Npgsql drops a keyword given an empty value (`Pasword=`), and throws this, naming nothing, for one it does not know.
            var known = new NpgsqlConnectionStringBuilder();
            return new EmptyKeywords { ConnectionString = connectionString }.Names.FirstOrDefault(k => !known.ContainsKey(k)) is { } unknown
                ? Unknown(unknown)
                : $"not a PostgreSQL connection string ({ex.Message})";
        }
    }

    private static string Unknown(string keyword) =>
        $"not a PostgreSQL connection string (unknown keyword '{keyword}'{CloseNames.Meant(keyword, CommonKeywords.Where(new NpgsqlConnectionStringBuilder().ContainsKey))})";

    // The keywords a misspelt one is compared with: the builder lists none of its own (its Keys are the ones set), so these
    // are README's and Npgsql's common ones, each kept only while this Npgsql knows it.
    private static readonly string[] CommonKeywords =
    [
        "Host", "Port", "Database", "Username", "Password", "Passfile", "SSL Mode", "Trust Server Certificate", "Root Certificate",
        "Timeout", "Command Timeout", "Pooling", "Minimum Pool Size", "Maximum Pool Size", "Connection Idle Lifetime", "Keepalive",
        "Application Name", "Search Path", "Include Error Detail", "Target Session Attributes", "Options",
    ];

    // The keywords of a connection string given an empty value, which the builder removes as it reads them.
    private sealed class EmptyKeywords : DbConnectionStringBuilder
    {
        public List<string> Names { get; } = [];

        public override bool Remove(string keyword)
        {
            Names.Add(keyword);
            return base.Remove(keyword);
        }
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _source.OpenConnectionAsync(cancellationToken);

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        try
        {
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({WriteLockKey})", cancellationToken);
        }
        catch
        {
            await transaction.DisposeAsync();   // a cancelled or failed lock wait: the caller never gets the transaction
            throw;
        }
        return transaction;
    }

    public override async Task<DbConnection?> LockAcrossDaemonsAsync(string name, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({NamedLockClass}, {NamedLockKey(name)})", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();   // a cancelled or failed wait: nothing is held
            throw;
        }
    }

    public override Task UnlockAcrossDaemonsAsync(DbConnection connection, string name) =>
        ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({NamedLockClass}, {NamedLockKey(name)})", CancellationToken.None);

    private static int NamedLockKey(string name) =>
        BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name.ToLowerInvariant())));

    public override async Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    public override Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task<bool> TableExistsAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, "SELECT to_regclass(@name) IS NOT NULL");
        command.AddParameter("@name", table.ToLowerInvariant());
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    public override string IdIn(string column, string parameter) => $"{column} = ANY({parameter})";

    public override object IdList(IEnumerable<long> ids) => ids.ToArray();

    public override string IndexedTexts(string parameter) =>
        $"(SELECT CAST(ordinality - 1 AS INTEGER) AS key, value FROM unnest(CAST({parameter} AS TEXT[])) WITH ORDINALITY AS texts (value, ordinality))";

    public override object TextList(IEnumerable<string> values) => values.ToArray();

    public override string JsonObjectRows(string parameter) => $"json_each_text(CAST({parameter} AS JSON))";

    public override string Greatest(string first, string second) => $"GREATEST({first}, {second})";

    public override bool HoldsWrites => true;

    // The writer's commits return before their WAL reaches the disk, as SQLite's WAL with synchronous=NORMAL does: an
    // operating-system crash or power loss may take the last fraction of a second of polls (never a torn database), and
    // those polls are fetched again, since their validators went with them. An application crash loses nothing committed.
    public override Task ConfigureWriterAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, null, "SET synchronous_commit = off", cancellationToken);

    public override async Task<long> SizeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(null, "SELECT pg_database_size(current_database())");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    // PostgreSQL checksums pages as it reads them (when enabled) and has no quick whole-database check: reading the tables is the check.
    // The server, not a statement: no connection (refused, broken, timed out: an NpgsqlException without a server error),
    // or the server's own state: connection exceptions (08), insufficient resources such as a full disk (53), an operator
    // intervention such as a shutdown (57P), a read-only transaction (25006, a standby), internal errors such as data corruption (XX).
    // So is what the operator set for the role or the database, which every poll meets alike, as SQLite's locks, permissions
    // and missing files: a login refused (28, a rotated password), the database gone (3D000), rights revoked (42501), and a
    // statement_timeout or lock_timeout run out (57014, 55P03), which is how waiting for another daemon's write lock ends
    // under one (SQLite's busy timeout; Npgsql's own command timeout is a broken connection, above).
    public override bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException { SqlState: var state } => state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
            || state.StartsWith("57P", StringComparison.Ordinal) || state == "25006" || state.StartsWith("XX", StringComparison.Ordinal)
            || state.StartsWith("28", StringComparison.Ordinal) || state is "3D000" or "42501" or "57014" or "55P03",
        NpgsqlException => true,
        _ => false,
    };

    public override Task<string?> IntegrityProblemAsync(DbConnection connection, string? table, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public override string DropTablesSql(IEnumerable<string> tables) => string.Join("\n", tables.Select(t => $"DROP TABLE IF EXISTS {t} CASCADE;"));

    public override ValueTask DisposeAsync() => _source.DisposeAsync();

    public override void Dispose() => _source.Dispose();
}
