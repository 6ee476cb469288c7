using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace EmbeddedAiReport.Storage;

/// <summary>
/// The one-statement writes of a long-lived connection (the ingest writer's), each prepared once and run through SQLite's
/// C API with the values of its <see cref="DbCommand"/>.
/// </summary>
/// <remarks>
/// <para>
/// Microsoft.Data.Sqlite does on every execution what a statement run tens of thousands of times a poll needs once: it
/// finds each parameter by name (a UTF-8 copy of the name and a scan of the statement's names), allocates a binder per
/// value and a data reader per statement, and a command created for the next poll prepares the statement again. On a
/// cold 200-feed poll that was a large part of the writer's time, which every poll waits for. Here a statement and the
/// positions of its parameters are kept per SQL text for the connection's life.
/// </para>
/// <para>
/// Values bind as Microsoft.Data.Sqlite binds them: text as its UTF-8 bytes, integers and booleans as 64-bit integers,
/// reals as doubles, byte arrays as blobs, <see cref="DBNull"/> as NULL. Whatever else a command holds (another type, a null
/// value, NaN, text with a NUL character, an empty blob, a parameter name the statement lacks, a statement parameter
/// without a value, several statements in one text) makes <see cref="TryExecute"/> return false without running
/// anything, and the caller runs the command through ADO.NET, which handles or reports it as it always did. A statement
/// that fails throws the <see cref="SqliteException"/> ADO.NET throws for it.
/// </para>
/// <para>
/// What ADO.NET runs (queries, whose rows the caller reads, and whatever <see cref="TryExecute"/> leaves to it) goes through
/// <see cref="Reusable"/>: one command of this connection per SQL text, which Microsoft.Data.Sqlite keeps prepared between
/// executions. A command made for each poll prepared its statement again every poll: ~3,800 preparations on a cold
/// 200-feed poll, ~19 per source, most of them upserts and <c>json_each</c> lookups that take longer to compile than to run.
/// </para>
/// <threadsafety>Not thread-safe, as the connection it belongs to. Dispose it before the connection.</threadsafety>
/// </remarks>
internal sealed class SqliteStatements(SqliteConnection connection) : IDisposable
{
    // Per SQL text: the prepared statement, or null when it is not one this class runs (several statements, unnamed parameters).
    private readonly Dictionary<string, Statement?> _statements = new(StringComparer.Ordinal);
    private byte[] _utf8 = new byte[1024];
    // Per SQL text: the command of this connection that runs it through ADO.NET, its statements prepared since its first run.
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="command"/> (its rows, if any, are not read); false when it is left to ADO.NET (nothing ran).</summary>
    public bool TryExecute(DbCommand command)
    {
        if (!ReferenceEquals(command.Connection, connection) || connection.Handle is not { } db) return false;
        var sql = command.CommandText;
        if (!_statements.TryGetValue(sql, out var statement))
        {
            if (!Statement.TryPrepare(db, sql, out statement)) return false;   // an error ADO.NET will report
            _statements[sql] = statement;
        }
        if (statement is null || !Bind(db, statement, command.Parameters)) return false;
        var handle = statement.Handle;
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(handle)) == raw.SQLITE_ROW)
            {
            }
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);
        }
        finally
        {
            raw.sqlite3_reset(handle);
        }
        return true;
    }

    /// <summary>
    /// The command to run in place of <paramref name="command"/> through ADO.NET: this connection's for the same SQL text,
    /// holding <paramref name="command"/>'s parameters (the same objects: values are read when it runs) and transaction;
    /// <paramref name="command"/> itself when it belongs to another connection. Dispose the reader it returns before the next statement.
    /// </summary>
    public DbCommand Reusable(DbCommand command)
    {
        if (!ReferenceEquals(command.Connection, connection)) return command;
        if (!_commands.TryGetValue(command.CommandText, out var reusable))
            _commands.Add(command.CommandText, reusable = new SqliteCommand(command.CommandText, connection));
        reusable.Transaction = (SqliteTransaction?)command.Transaction;
        reusable.CommandTimeout = command.CommandTimeout;
        reusable.Parameters.Clear();
        foreach (SqliteParameter parameter in command.Parameters) reusable.Parameters.Add(parameter);
        return reusable;
    }

    public void Dispose()
    {
        foreach (var statement in _statements.Values) statement?.Handle.Dispose();
        _statements.Clear();
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
    }

    // Binds every parameter of the statement from the command's; false (the statement untouched by a step) when one cannot be bound here.
    private bool Bind(sqlite3 db, Statement statement, DbParameterCollection parameters)
    {
        var count = parameters.Count;
        if (count != statement.Names.Length || count > 64) return false;
        var bound = 0UL;
        for (var i = 0; i < count; i++)
        {
            var parameter = parameters[i];
            var index = statement.IndexOf(i, parameter.ParameterName);
            if (index == 0 || (bound & (1UL << (index - 1))) != 0) return false;   // not in the statement, or named twice
            bound |= 1UL << (index - 1);
            var handle = statement.Handle;
            var rc = parameter.Value switch
            {
                DBNull => raw.sqlite3_bind_null(handle, index),
                string text => BindText(handle, index, text),
                long value => raw.sqlite3_bind_int64(handle, index, value),
                int value => raw.sqlite3_bind_int64(handle, index, value),
                bool value => raw.sqlite3_bind_int64(handle, index, value ? 1 : 0),
                double value when !double.IsNaN(value) => raw.sqlite3_bind_double(handle, index, value),
                float value when !float.IsNaN(value) => raw.sqlite3_bind_double(handle, index, value),
                short value => raw.sqlite3_bind_int64(handle, index, value),
                byte value => raw.sqlite3_bind_int64(handle, index, value),
                byte[] { Length: > 0 } blob => raw.sqlite3_bind_blob(handle, index, blob),
                _ => -1,
            };
            if (rc == -1) return false;
            if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, db);
        }
        return true;
    }

    // Text as UTF-8 with its length (SQLite copies it): the same bytes ADO.NET binds. -1 for text it binds differently.
    private int BindText(sqlite3_stmt handle, int index, string text)
    {
        if (text.Length == 0) return raw.sqlite3_bind_text(handle, index, string.Empty);   // a null pointer would bind NULL
        if (text.Contains('\0')) return -1;
        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_utf8.Length < most) _utf8 = new byte[Math.Max(most, _utf8.Length * 2)];
        var length = Encoding.UTF8.GetBytes(text, _utf8);
        return raw.sqlite3_bind_text(handle, index, _utf8.AsSpan(0, length));
    }

    private sealed class Statement(sqlite3_stmt handle, string[] names)
    {
        // The parameter names each position of the command held last time, and where they bind (the same strings recur).
        private readonly string?[] _lastNames = new string?[names.Length];
        private readonly int[] _lastIndexes = new int[names.Length];

        public sqlite3_stmt Handle { get; } = handle;

        /// <summary>The statement's parameter names as written (<c>@id</c>), by 1-based index − 1.</summary>
        public string[] Names { get; } = names;

        /// <summary>Prepares <paramref name="sql"/>; false on an error (nothing kept), a null statement when this class does not run it.</summary>
        public static bool TryPrepare(sqlite3 db, string sql, out Statement? statement)
        {
            statement = null;
            if (raw.sqlite3_prepare_v2(db, sql, out sqlite3_stmt handle, out string? tail) != raw.SQLITE_OK)
            {
                handle?.Dispose();
                return false;
            }
            if (handle.IsInvalid || (tail ?? "").AsSpan().Trim().Trim(';').Trim().Length > 0)
            {
                handle.Dispose();
                return true;   // nothing to run, or several statements
            }
            var names = new string[raw.sqlite3_bind_parameter_count(handle)];
            for (var i = 0; i < names.Length; i++)
            {
                var name = raw.sqlite3_bind_parameter_name(handle, i + 1).utf8_to_string();
                if (string.IsNullOrEmpty(name) || name[0] == '?')
                {
                    handle.Dispose();
                    return true;   // positional parameters: ADO.NET binds those by name only
                }
                names[i] = name;
            }
            statement = new Statement(handle, names);
            return true;
        }

        /// <summary>The 1-based index of the parameter named <paramref name="name"/> (the command's parameter at <paramref name="position"/>), or 0.</summary>
        public int IndexOf(int position, string name)
        {
            if (ReferenceEquals(_lastNames[position], name)) return _lastIndexes[position];
            var index = Array.IndexOf(Names, name) + 1;
            (_lastNames[position], _lastIndexes[position]) = (name, index);
            return index;
        }
    }
}
