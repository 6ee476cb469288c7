using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Storage;

/// <summary>The <c>summaries</c> cache (model answers by content hash, model and prompt version) and the <c>summary_runs</c> log.</summary>
/// <remarks>Nothing here writes <c>entry_overrides</c>: the editor's summary is theirs alone, and reads prefer it.</remarks>
public sealed class SummaryStore(ReportDatabase database, TimeProvider timeProvider)
{
    /// <summary>What the source gave for each of <paramref name="ids"/>, in that order, and whether the editor set a summary of their own.</summary>
    public async Task<IReadOnlyList<(SummarySource Source, bool EditorSummary)>> SourcesAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return [];
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT e.id, e.canonical_key, e.title, e.summary, e.account, e.prefix, e.content_hash, o.summary IS NOT NULL
            FROM entries e LEFT JOIN entry_overrides o ON o.entry_id = e.id WHERE e.id IN ({string.Join(',', ids)})
            """;
        var byId = new Dictionary<long, (SummarySource, bool)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var source = new SummarySource(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Text(reader, 4), Text(reader, 5),
                reader.GetString(6));
            byId[source.EntryId] = (source, reader.GetBoolean(7));
        }
        return ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
    }

    /// <summary>The stored answer for the current content of each of <paramref name="ids"/> that has one, by entry id.</summary>
    public async Task<IReadOnlyDictionary<long, StoredSummary>> FindAsync(IReadOnlyList<long> ids, string model, string prompt, CancellationToken cancellationToken)
    {
        var found = new Dictionary<long, StoredSummary>();
        if (ids.Count == 0) return found;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT e.id, s.text, s.answer, s.problem, s.created FROM entries e
            JOIN summaries s ON s.content_hash = e.content_hash AND s.model = $model AND s.prompt = $prompt
            WHERE e.id IN ({string.Join(',', ids)})
            """;
        command.Parameters.AddWithValue("$model", model);
        command.Parameters.AddWithValue("$prompt", prompt);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            found[reader.GetInt64(0)] = new StoredSummary(Text(reader, 1), reader.GetString(2), Text(reader, 3), SqliteTime.Read(reader.GetString(4)));
        return found;
    }

    /// <summary>Stores a model's answer for <paramref name="source"/>: <paramref name="text"/> when it passed the checks, else <paramref name="problem"/>.</summary>
    public async Task SaveAsync(SummarySource source, string model, string prompt, string answer, string? text, string? problem, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO summaries (content_hash, model, prompt, entry_id, text, answer, problem, created)
            VALUES ($hash, $model, $prompt, $entry, $text, $answer, $problem, $now)
            ON CONFLICT (content_hash, model, prompt) DO UPDATE SET
                entry_id = excluded.entry_id, text = excluded.text, answer = excluded.answer, problem = excluded.problem, created = excluded.created
            """;
        command.Parameters.AddWithValue("$hash", source.ContentHash);
        command.Parameters.AddWithValue("$model", model);
        command.Parameters.AddWithValue("$prompt", prompt);
        command.Parameters.AddWithValue("$entry", source.EntryId);
        command.Parameters.AddWithValue("$text", (object?)text ?? DBNull.Value);
        command.Parameters.AddWithValue("$answer", answer);
        command.Parameters.AddWithValue("$problem", (object?)problem ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", SqliteTime.Write(timeProvider.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many answers of <paramref name="model"/> are stored for entries whose window time is in [from, to): the week's spent calls.</summary>
    public async Task<int> CountInWindowAsync(DateTimeOffset fromUtc, DateTimeOffset toUtc, string model, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT count(*) FROM summaries s JOIN entries e ON e.id = s.entry_id
            WHERE s.model = $model AND e.window_time >= $from AND e.window_time < $to
            """;
        command.Parameters.AddWithValue("$model", model);
        command.Parameters.AddWithValue("$from", SqliteTime.Write(fromUtc));
        command.Parameters.AddWithValue("$to", SqliteTime.Write(toUtc));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>Records one run.</summary>
    public async Task RecordRunAsync(SummaryRunRecord run, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO summary_runs (started, model, calls, accepted, refused, error, retry_at)
            VALUES ($started, $model, $calls, $accepted, $refused, $error, $retry)
            """;
        command.Parameters.AddWithValue("$started", SqliteTime.Write(run.Started));
        command.Parameters.AddWithValue("$model", run.Model);
        command.Parameters.AddWithValue("$calls", run.Calls);
        command.Parameters.AddWithValue("$accepted", run.Accepted);
        command.Parameters.AddWithValue("$refused", run.Refused);
        command.Parameters.AddWithValue("$error", (object?)run.Error ?? DBNull.Value);
        command.Parameters.AddWithValue("$retry", SqliteTime.WriteOrNull(run.RetryAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The latest runs that made or tried a call, newest first.</summary>
    public async Task<IReadOnlyList<SummaryRunRecord>> RecentRunsAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT started, model, calls, accepted, refused, error, retry_at FROM summary_runs
            WHERE calls > 0 OR error IS NOT NULL ORDER BY id DESC LIMIT $count
            """;
        command.Parameters.AddWithValue("$count", count);
        var runs = new List<SummaryRunRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(new SummaryRunRecord(SqliteTime.Read(reader.GetString(0)), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4),
                Text(reader, 5), SqliteTime.ReadOrNull(reader.GetValue(6))));
        }
        return runs;
    }

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
