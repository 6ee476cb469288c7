using System.Data.Common;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Tests.Storage;

// What the writer's prepared statements store is compared with what Microsoft.Data.Sqlite stores for the same command:
// ADO.NET is the reference, so every expected value comes from it, not from the class under test.
public sealed class SqliteStatementsTests : IDisposable
{
    private const string InsertSql = "INSERT INTO t (k, v, w) VALUES (@k, @v, @w)";

    private readonly TempDirectory _directory = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteStatements _statements;

    public SqliteStatementsTests()
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _directory.File("t.db"), Pooling = false }.ToString());
        _connection.Open();
        Execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v, w TEXT); CREATE TABLE u (k INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)");
        _statements = new SqliteStatements(_connection);
    }

    public static TheoryData<string, object?> BoundValues() => new()
    {
        { "CJK text", "端侧推理框架 MNN 发布新版本：支持 Apple M3" },
        { "empty text", "" },
        { "a lone surrogate", "bad \uD800 half" },
        { "an emoji", "rocket 🚀 launch" },
        { "a long text", new string('量', 5_000) },
        { "long", long.MaxValue },
        { "negative int", -5 },
        { "true", true },
        { "false", false },
        { "double", 0.1 + 0.2 },
        { "float", 2.3f },
        { "short", (short)-7 },
        { "byte", (byte)250 },
        { "blob", new byte[] { 0, 1, 2, 255 } },
        { "DBNull", DBNull.Value },
    };

    [Theory]
    [MemberData(nameof(BoundValues))]
    public void TryExecute_ValueItBinds_StoresWhatAdoNetStores(string kind, object? value)
    {
        _ = kind;
        using var reference = Insert(1, value, "the first text of the row");
        reference.ExecuteNonQuery();
        using var command = Insert(2, value, "x");

        Assert.True(_statements.TryExecute(command));

        Assert.Equal(Stored(1), Stored(2));
        Assert.Equal("x", Scalar("SELECT w FROM t WHERE k = 2"));   // the second text did not take the first one's bytes
    }

    public static TheoryData<string, object> ValuesLeftToAdoNet() => new()
    {
        { "DateTimeOffset", new DateTimeOffset(2020, 5, 1, 8, 0, 0, TimeSpan.FromHours(8)) },
        { "decimal", 1.5m },
        { "Guid", Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e") },
        { "char", 'x' },
        { "text with a NUL", "a\0b" },
        { "empty blob", Array.Empty<byte>() },
        { "NaN", double.NaN },
        { "null (not DBNull)", null! },
    };

    [Theory]
    [MemberData(nameof(ValuesLeftToAdoNet))]
    public void TryExecute_ValueItDoesNotBind_RunsNothing(string kind, object value)
    {
        _ = kind;
        using var command = Insert(1, value, "w");

        Assert.False(_statements.TryExecute(command));

        Assert.Equal(0L, Scalar("SELECT count(*) FROM t"));
    }

    [Fact]
    public void TryExecute_CommandsItDoesNotRun_RunNothing()
    {
        using var missing = Command(InsertSql, ("@k", 1), ("@v", "v"));
        using var extra = Command(InsertSql, ("@k", 1), ("@v", "v"), ("@w", "w"), ("@x", "x"));
        using var twice = Command(InsertSql, ("@k", 1), ("@v", "v"), ("@v", "w"));
        using var unprefixed = Command(InsertSql, ("k", 1), ("@v", "v"), ("@w", "w"));
        using var several = Command("INSERT INTO t (k) VALUES (@k); INSERT INTO t (k) VALUES (@k + 1);", ("@k", 1));
        using var positional = Command("INSERT INTO t (k, v) VALUES (?, ?)", ("@k", 1), ("@v", "v"));
        using var broken = Command("INSERT INTO missing_table (k) VALUES (@k)", ("@k", 1));

        foreach (var command in new[] { missing, extra, twice, unprefixed, several, positional, broken })
            Assert.False(_statements.TryExecute(command), command.CommandText);

        Assert.Equal(0L, Scalar("SELECT count(*) FROM t"));
    }

    [Fact]
    public void TryExecute_CommandOfAnotherConnection_RunsNothing()
    {
        using var other = new SqliteConnection(_connection.ConnectionString);
        other.Open();
        using var command = other.CreateCommand(null, InsertSql);
        command.AddParameter("@k", 1);
        command.AddParameter("@v", "v");
        command.AddParameter("@w", "w");

        Assert.False(_statements.TryExecute(command));
        Assert.Equal(0L, Scalar("SELECT count(*) FROM t"));
    }

    [Fact]
    public void TryExecute_ConstraintViolation_ThrowsWhatAdoNetThrowsAndTheStatementStaysUsable()
    {
        Execute("INSERT INTO u (k, v) VALUES (1, 'taken')");
        using var reference = Command("INSERT INTO u (k, v) VALUES (@k, @v)", ("@k", 2), ("@v", "taken"));
        var expected = Assert.Throws<SqliteException>(() => reference.ExecuteNonQuery());
        using var command = Command("INSERT INTO u (k, v) VALUES (@k, @v)", ("@k", 2), ("@v", "taken"));

        var thrown = Assert.Throws<SqliteException>(() => _statements.TryExecute(command));

        Assert.Equal((expected.SqliteErrorCode, expected.SqliteExtendedErrorCode, expected.Message),
            (thrown.SqliteErrorCode, thrown.SqliteExtendedErrorCode, thrown.Message));
        command.Parameters["@v"].Value = "free";
        Assert.True(_statements.TryExecute(command));
        Assert.Equal("free", Scalar("SELECT v FROM u WHERE k = 2"));
    }

    [Fact]
    public void TryExecute_SameSqlInAnotherCommandAfterTheSchemaChanged_RunsOnTheNewSchema()
    {
        using (var first = Insert(1, "one", "w")) Assert.True(_statements.TryExecute(first));
        Execute("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'added'");
        using var second = Insert(2, "two", "w");

        Assert.True(_statements.TryExecute(second));

        Assert.Equal("two|added", Scalar("SELECT v || '|' || extra FROM t WHERE k = 2"));
        Assert.Equal(2L, Scalar("SELECT count(*) FROM t"));
    }

    [Fact]
    public void TryExecute_StatementReturningRows_RunsToCompletion()
    {
        using var command = Command("INSERT INTO t (k, v) VALUES (@k, @v), (@k + 1, @v) RETURNING k", ("@k", 10), ("@v", "r"));

        Assert.True(_statements.TryExecute(command));

        Assert.Equal(2L, Scalar("SELECT count(*) FROM t WHERE v = 'r'"));
    }

    [Fact]
    public void Reusable_SameTextFromTwoCommands_IsOneCommandThatReadsEachOnesValues()
    {
        Execute("INSERT INTO t (k, v) VALUES (1, 'one'), (2, 'two')");
        using var first = Command("SELECT v FROM t WHERE k = @k", ("@k", 1));
        using var second = Command("SELECT v FROM t WHERE k = @k", ("@k", 2));

        var reusable = _statements.Reusable(first);
        var one = reusable.ExecuteScalar();
        var again = _statements.Reusable(second);
        var two = again.ExecuteScalar();
        first.Parameters["@k"].Value = 2;
        var changed = _statements.Reusable(first).ExecuteScalar();

        // One command per text, so Microsoft.Data.Sqlite prepares the statement once and keeps it between executions.
        Assert.Same(reusable, again);
        Assert.NotSame(first, reusable);
        Assert.Equal(("one", "two", "two"), (one, two, changed));
    }

    [Fact]
    public void Reusable_CommandInATransaction_RunsInIt()
    {
        using var transaction = _connection.BeginTransaction();
        using (var insert = _connection.CreateCommand(transaction, "INSERT INTO t (k, v) VALUES (7, 'uncommitted')")) insert.ExecuteNonQuery();
        using var query = Command("SELECT v FROM t WHERE k = @k", ("@k", 7));
        query.Transaction = transaction;

        Assert.Equal("uncommitted", _statements.Reusable(query).ExecuteScalar());
        transaction.Rollback();
        query.Transaction = null;
        Assert.Null(_statements.Reusable(query).ExecuteScalar());
    }

    [Fact]
    public void Reusable_CommandOfAnotherConnection_ComesBackAsIs()
    {
        using var other = new SqliteConnection(_connection.ConnectionString);
        other.Open();
        using var command = other.CreateCommand(null, "SELECT 1");

        Assert.Same(command, _statements.Reusable(command));
    }

    public void Dispose()
    {
        _statements.Dispose();
        _connection.Dispose();
        _directory.Dispose();
    }

    private DbCommand Insert(long key, object? value, string text) => Command(InsertSql, ("@k", key), ("@v", value), ("@w", text));

    private DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand(null, sql);
        foreach (var (name, value) in parameters) command.Parameters.Add(new SqliteParameter(name, value) { Value = value });
        return command;
    }

    // The stored value as SQLite has it: its type and its bytes.
    private string Stored(long key) => (string)Scalar($"SELECT typeof(v) || ':' || coalesce(hex(v), '') FROM t WHERE k = {key}")!;

    private object? Scalar(string sql)
    {
        using var command = _connection.CreateCommand(null, sql);
        return command.ExecuteScalar();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand(null, sql);
        command.ExecuteNonQuery();
    }
}
