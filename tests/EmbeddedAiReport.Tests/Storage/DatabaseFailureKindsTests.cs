using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EmbeddedAiReport.Tests.Storage;

/// <summary>
/// Which errors are the database's own failure (a poll stops: every source would meet it) and which are one statement's
/// (that source's poll fails, the others go on). Codes from SQLite's result code list (sqlite.org/rescode.html) and
/// PostgreSQL's error codes appendix.
/// </summary>
public sealed class DatabaseFailureKindsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(3, true)]     // SQLITE_PERM
    [InlineData(5, true)]     // SQLITE_BUSY: another process held the write lock past the busy timeout
    [InlineData(517, true)]   // SQLITE_BUSY_SNAPSHOT (extended codes carry the primary code in their low byte)
    [InlineData(6, true)]     // SQLITE_LOCKED
    [InlineData(8, true)]     // SQLITE_READONLY
    [InlineData(10, true)]    // SQLITE_IOERR
    [InlineData(11, true)]    // SQLITE_CORRUPT
    [InlineData(13, true)]    // SQLITE_FULL: the disk
    [InlineData(14, true)]    // SQLITE_CANTOPEN
    [InlineData(26, true)]    // SQLITE_NOTADB
    [InlineData(1, false)]    // SQLITE_ERROR: a statement's SQL
    [InlineData(19, false)]   // SQLITE_CONSTRAINT: one row
    [InlineData(20, false)]   // SQLITE_MISMATCH
    [InlineData(25, false)]   // SQLITE_RANGE: a parameter
    public void Sqlite_ResultCode_IsTheDatabasesFailureOrTheStatements(int code, bool unavailable)
    {
        using var database = new ReportDatabase(_directory.File("r.db"));

        Assert.Equal(unavailable, database.IsUnavailable(new SqliteException("test", code)));
    }

    [Fact]
    public void Sqlite_FileDeletedOrReplaced_IsTheDatabasesFailure()
    {
        using var database = new ReportDatabase(_directory.File("r.db"));

        var replaced = new DatabaseReplacedException(_directory.File("r.db"), deleted: false);
        Assert.True(database.IsUnavailable(replaced));
        Assert.False(database.IsUnavailable(new IOException("another file")));
        // What poll prints names the file once (SQLite's own messages do not name it, so those are prefixed with it).
        Assert.Equal(replaced.Message, new DatabaseFailureException(database.Location, replaced).Message);
        Assert.Equal($"{database.Location}: SQLite Error 13: 'database or disk is full'",
            new DatabaseFailureException(database.Location, new SqliteException("SQLite Error 13: 'database or disk is full'.", 13)).Message);
    }

    [Theory]
    [InlineData("08006", true)]   // connection_failure
    [InlineData("08001", true)]   // sqlclient_unable_to_establish_sqlconnection
    [InlineData("53100", true)]   // disk_full
    [InlineData("53300", true)]   // too_many_connections
    [InlineData("57P01", true)]   // admin_shutdown
    [InlineData("25006", true)]   // read_only_sql_transaction: a standby
    [InlineData("XX001", true)]   // data_corrupted
    [InlineData("23505", false)]  // unique_violation: one row
    [InlineData("22001", false)]  // string_data_right_truncation
    [InlineData("42P01", false)]  // undefined_table: a statement's SQL
    [InlineData("57014", true)]   // query_canceled: a statement_timeout of the role or database ran out (SQLite's busy timeout)
    [InlineData("55P03", true)]   // lock_not_available: a lock_timeout ran out
    [InlineData("28P01", true)]   // invalid_password: the login refused (a rotated password)
    [InlineData("28000", true)]   // invalid_authorization_specification: pg_hba.conf refuses it
    [InlineData("3D000", true)]   // invalid_catalog_name: the database does not exist
    [InlineData("42501", true)]   // insufficient_privilege: the role's rights (SQLITE_PERM)
    [InlineData("40001", false)]  // serialization_failure
    public void Postgres_SqlState_IsTheDatabasesFailureOrTheStatements(string state, bool unavailable)
    {
        using var database = ReportDatabase.Postgres("Host=127.0.0.1;Database=none;Username=none");

        Assert.Equal(unavailable, database.IsUnavailable(new PostgresException("test", "ERROR", "ERROR", state)));
    }

    [Fact]
    public void Postgres_NoConnection_IsTheDatabasesFailure_OtherExceptionsAreNot()
    {
        using var database = ReportDatabase.Postgres("Host=127.0.0.1;Database=none;Username=none");

        Assert.True(database.IsUnavailable(new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111))));
        Assert.False(database.IsUnavailable(new InvalidOperationException("a bug")));
        Assert.False(database.IsUnavailable(new SqliteException("busy", 5)));   // another provider's error is not this database's
    }
}
