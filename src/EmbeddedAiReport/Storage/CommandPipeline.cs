using System.Data.Common;

namespace EmbeddedAiReport.Storage;

/// <summary>
/// The statements of one write transaction, in order. On PostgreSQL those whose results nobody reads are held and sent
/// in one round trip with the next statement that is read; on SQLite every statement runs at once.
/// </summary>
/// <remarks>
/// Placing and storing an entry takes a handful of statements, most of them writes (the entry, its tags, links and
/// signature). SQLite runs each in-process in microseconds; PostgreSQL pays a round trip for each, which made ingest
/// several times slower than on SQLite. Held writes go out in one <see cref="DbBatch"/> ahead of the next read, so a read
/// always sees them, or on <see cref="FlushAsync"/>, which callers use before any statement that does not go through the
/// pipeline and before a poll's savepoint ends, so that a failing held write still fails its own poll. A command of several
/// statements (PostgreSQL batches take one statement per command) is never held: what is held goes first, then it runs.
/// On SQLite, statements run through the connection's <see cref="SqliteStatements"/> when the caller has them: writes
/// prepared once by it, the rest through its reusable commands, so that no statement is prepared again for the next poll.
/// <threadsafety>Not thread-safe, as the connection it uses.</threadsafety>
/// </remarks>
/// <param name="statements">The connection's prepared writes (<see cref="SqlDialect.StatementsFor"/>), if it keeps them.</param>
internal sealed class CommandPipeline(SqlDialect dialect, DbConnection connection, DbTransaction transaction, SqliteStatements? statements = null)
    : IAsyncDisposable
{
    private readonly DbBatch? _batch = dialect.HoldsWrites ? connection.CreateBatch() : null;
    // The batch last ran a read: its commands are cleared before anything is held again.
    private bool _spent;

    /// <summary>Runs a statement whose result is not read: at once on SQLite, held on PostgreSQL.</summary>
    public async Task ExecuteAsync(DbCommand command, CancellationToken cancellationToken)
    {
        if (_batch is null || SeveralStatements(command))
        {
            await FlushAsync(cancellationToken);
            if (statements?.TryExecute(command) == true) return;
            await (statements?.Reusable(command) ?? command).ExecuteNonQueryAsync(cancellationToken);
            return;
        }
        Hold(command);
    }

    /// <summary>Runs a query after whatever is held, in the same round trip; dispose the reader before the next statement.</summary>
    public async Task<DbDataReader> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        if (_batch is null || _batch.BatchCommands.Count == 0 || _spent || SeveralStatements(command))
        {
            await FlushAsync(cancellationToken);
            return await (statements?.Reusable(command) ?? command).ExecuteReaderAsync(cancellationToken);
        }
        Hold(command);
        _spent = true;
        // Statements without rows produce no result set: the reader starts at the query's rows.
        return await _batch.ExecuteReaderAsync(cancellationToken);
    }

    /// <summary>The first column of the query's first row, or null when it has none (as <see cref="DbCommand.ExecuteScalarAsync(CancellationToken)"/>).</summary>
    public async Task<object?> ScalarAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await ReadAsync(command, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetValue(0) : null;
    }

    /// <summary>A command on the pipeline's connection, in its transaction, to run through the pipeline.</summary>
    public DbCommand Command(string sql) => connection.CreateCommand(transaction, sql);

    /// <summary>Sends whatever is held.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_batch is null || _spent || _batch.BatchCommands.Count == 0) return;
        await _batch.ExecuteNonQueryAsync(cancellationToken);
        _batch.BatchCommands.Clear();
    }

    public ValueTask DisposeAsync() => _batch?.DisposeAsync() ?? ValueTask.CompletedTask;

    // A copy of the command with its parameters' current values: the caller binds the same command again for the next row.
    private void Hold(DbCommand command)
    {
        if (_spent)
        {
            _batch!.BatchCommands.Clear();
            _spent = false;
        }
        _batch!.Connection = connection;
        _batch.Transaction = transaction;
        var copy = _batch.CreateBatchCommand();
        copy.CommandText = command.CommandText;
        foreach (DbParameter parameter in command.Parameters)
        {
            var held = copy.CreateParameter();
            held.ParameterName = parameter.ParameterName;
            held.Value = parameter.Value;
            copy.Parameters.Add(held);
        }
        _batch.BatchCommands.Add(copy);
    }

    private static bool SeveralStatements(DbCommand command) => command.CommandText.TrimEnd().TrimEnd(';').Contains(';', StringComparison.Ordinal);
}
