using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace EmbeddedAiReport.Storage;

/// <summary>Copies a SQLite report database into an empty PostgreSQL one (<c>migrate --to postgres</c>), verified by row counts.</summary>
/// <remarks>
/// Both are first brought to the latest migration, so their tables match column for column. Every table of the SQLite file
/// is copied (entries, stories, fetches, health, pages, issues, editor overrides, …) except the schema record and Quartz's
/// job store, whose schedules the first daemon rebuilds from sources.json (the sources' health, which decides what is
/// overdue, is copied). The copy is one PostgreSQL transaction read from one SQLite snapshot: it lands whole or not at
/// all, and the counts are compared before it commits. Tables go parents first (foreign keys), with the tables' own
/// triggers off, so that rows arrive exactly as they were (a trigger would, say, drop the signature of an entry whose
/// links are copied after it). Identity sequences then continue after the highest copied id.
/// </remarks>
public sealed class DatabaseCopy(ReportDatabase source, ReportDatabase target)
{
    /// <summary>Rows of one table in the SQLite file and, after the copy, in PostgreSQL.</summary>
    public sealed record TableCount(string Table, long Source, long Target);

    /// <summary>The tables copied with their counts, or the problem that stopped the copy (nothing was written then).</summary>
    public sealed record Result(IReadOnlyList<TableCount> Tables, string? Problem);

    // A database with rows in any of these is in use: the copy refuses to mix two histories.
    private static readonly string[] InUse = ["sources", "entries", "issues"];

    /// <summary>Copies every table; <paramref name="progress"/> hears of each table as it is copied.</summary>
    public async Task<Result> CopyAsync(Action<string>? progress, CancellationToken cancellationToken)
    {
        if (source.Provider != StorageProvider.Sqlite || target.Provider != StorageProvider.Postgres)
            return new Result([], "the copy goes from a SQLite file to a PostgreSQL database");
        await source.MigrateAsync(cancellationToken);
        await target.MigrateAsync(cancellationToken);

        await using var from = (SqliteConnection)await source.OpenAsync(cancellationToken);
        await using var snapshot = await source.BeginReadAsync(from, cancellationToken);
        await using var to = (NpgsqlConnection)await target.OpenAsync(cancellationToken);
        await using var transaction = await target.BeginWriteAsync(to, cancellationToken);

        var tables = await OrderedTablesAsync(from, snapshot, cancellationToken);
        foreach (var table in InUse)
        {
            if (await ScalarAsync(to, transaction, $"SELECT count(*) FROM {table}", cancellationToken) > 0)
                return new Result([], $"{target.Location} is not empty ({table} has rows): copy into a new database");
        }
        var columns = new Dictionary<string, IReadOnlyList<(string Name, string Type)>>();
        foreach (var table in tables)
        {
            var targetColumns = await TargetColumnsAsync(to, transaction, table, cancellationToken);
            if (targetColumns.Count == 0) return new Result([], $"table {table} has no PostgreSQL counterpart (a migration is missing in Migrations/Postgres)");
            var sourceColumns = await SourceColumnsAsync(from, snapshot, table, cancellationToken);
            var missing = sourceColumns.Where(c => !targetColumns.ContainsKey(c)).ToList();
            if (missing.Count > 0) return new Result([], $"{table}: PostgreSQL has no column {string.Join(", ", missing)}");
            columns[table] = sourceColumns.Select(c => (c, targetColumns[c])).ToList();
        }

        // Rows a migration put in (a table's single state row) give way to the copied ones.
        foreach (var table in Enumerable.Reverse(tables)) await ExecuteAsync(to, transaction, $"DELETE FROM {table}", cancellationToken);
        foreach (var table in tables) await ExecuteAsync(to, transaction, $"ALTER TABLE {table} DISABLE TRIGGER USER", cancellationToken);
        var counts = new List<TableCount>();
        foreach (var table in tables)
        {
            progress?.Invoke(table);
            var copied = await CopyTableAsync(from, snapshot, to, table, columns[table], cancellationToken);
            counts.Add(new TableCount(table, await ScalarAsync(from, snapshot, $"SELECT count(*) FROM {table}", cancellationToken),
                await ScalarAsync(to, transaction, $"SELECT count(*) FROM {table}", cancellationToken)));
            if (copied != counts[^1].Source) return new Result(counts, $"{table}: read {copied} rows of {counts[^1].Source}");
        }
        foreach (var table in tables) await ExecuteAsync(to, transaction, $"ALTER TABLE {table} ENABLE TRIGGER USER", cancellationToken);
        await ContinueSequencesAsync(to, transaction, cancellationToken);

        if (counts.FirstOrDefault(c => c.Source != c.Target) is { } differs)
            return new Result(counts, $"{differs.Table}: {differs.Source} rows in SQLite, {differs.Target} in PostgreSQL; nothing was written");
        await transaction.CommitAsync(cancellationToken);
        return new Result(counts, null);
    }

    // The report's tables of the SQLite file, each after the tables its foreign keys name.
    private static async Task<List<string>> OrderedTablesAsync(SqliteConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using (var command = connection.CreateCommand(transaction, """
            SELECT name FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name <> 'schema_migrations' AND upper(substr(name, 1, 5)) <> 'QRTZ_'
            ORDER BY name
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) names.Add(reader.GetString(0));
        }
        var parents = new Dictionary<string, HashSet<string>>();
        foreach (var name in names)
        {
            await using var command = connection.CreateCommand(transaction, "SELECT \"table\" FROM pragma_foreign_key_list(@table)");
            command.AddParameter("@table", name);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            parents[name] = [];
            while (await reader.ReadAsync(cancellationToken))
                if (reader.GetString(0) != name) parents[name].Add(reader.GetString(0));
        }
        var ordered = new List<string>();
        var done = new HashSet<string>();
        void Visit(string table)
        {
            if (!done.Add(table)) return;
            foreach (var parent in parents.GetValueOrDefault(table, []).Order(StringComparer.Ordinal)) Visit(parent);
            if (parents.ContainsKey(table)) ordered.Add(table);
        }
        foreach (var name in names) Visit(name);
        return ordered;
    }

    private static async Task<List<string>> SourceColumnsAsync(SqliteConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, "SELECT name FROM pragma_table_info(@table) ORDER BY cid");
        command.AddParameter("@table", table);
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) columns.Add(reader.GetString(0));
        return columns;
    }

    private static async Task<Dictionary<string, string>> TargetColumnsAsync(NpgsqlConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction,
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table");
        command.AddParameter("@table", table.ToLowerInvariant());
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) columns[reader.GetString(0)] = reader.GetString(1);
        return columns;
    }

    // Streams one table with PostgreSQL's binary COPY; each value is converted to its PostgreSQL column's type.
    private static async Task<long> CopyTableAsync(SqliteConnection from, DbTransaction snapshot, NpgsqlConnection to, string table,
        IReadOnlyList<(string Name, string Type)> columns, CancellationToken cancellationToken)
    {
        var list = string.Join(", ", columns.Select(c => c.Name));
        await using var read = from.CreateCommand(snapshot, $"SELECT {list} FROM {table}");
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        await using var writer = await to.BeginBinaryImportAsync($"COPY {table} ({list}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            await writer.StartRowAsync(cancellationToken);
            for (var i = 0; i < columns.Count; i++)
            {
                if (reader.IsDBNull(i))
                {
                    await writer.WriteNullAsync(cancellationToken);
                    continue;
                }
                var value = reader.GetValue(i);
                switch (columns[i].Type)
                {
                    case "bigint": await writer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, cancellationToken); break;
                    case "integer": await writer.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer, cancellationToken); break;
                    case "smallint": await writer.WriteAsync(Convert.ToInt16(value, CultureInfo.InvariantCulture), NpgsqlDbType.Smallint, cancellationToken); break;
                    case "double precision": await writer.WriteAsync(Convert.ToDouble(value, CultureInfo.InvariantCulture), NpgsqlDbType.Double, cancellationToken); break;
                    case "boolean": await writer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0, NpgsqlDbType.Boolean, cancellationToken); break;
                    case "bytea": await writer.WriteAsync((byte[])value, NpgsqlDbType.Bytea, cancellationToken); break;
                    case "text": await writer.WriteAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!, NpgsqlDbType.Text, cancellationToken); break;
                    default: throw new InvalidOperationException($"{table}.{columns[i].Name}: no copy rule for PostgreSQL type {columns[i].Type}");
                }
            }
            rows++;
        }
        await writer.CompleteAsync(cancellationToken);
        return rows;
    }

    private static async Task ContinueSequencesAsync(NpgsqlConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var identities = new List<(string Table, string Column)>();
        await using (var command = connection.CreateCommand(transaction,
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES' AND table_name NOT LIKE 'qrtz!_%' ESCAPE '!'"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) identities.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var (table, column) in identities)
            await ExecuteAsync(connection, transaction,
                $"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)", cancellationToken);
    }

    private static async Task<long> ScalarAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
