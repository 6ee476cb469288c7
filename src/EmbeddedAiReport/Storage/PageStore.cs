using System.Text.Json;
using System.Data.Common;

namespace EmbeddedAiReport.Storage;

/// <summary>The <c>entry_pages</c> table: each entry page read once (WeChat article enrichment) and what it gave, or how often its host failed.</summary>
/// <remarks>
/// Rows are a cache of fetched pages, written as each page is read rather than in the poll's transaction:
/// a poll that crashes later loses no page it already paid a polite fetch for.
/// <para>
/// A read page keeps its completed entry (<c>entry_json</c>, the article's text) until housekeeping releases it
/// (<see cref="ReleaseTextAsync"/>): the row stays, with <c>outcome</c> still <c>read</c> and no <c>entry_json</c>, as the
/// marker that the page was read and its entry stored, so a mirror that still lists the article never has it fetched again.
/// </para>
/// </remarks>
public sealed class PageStore(ReportDatabase database)
{
    /// <summary>
    /// SQL true when the page of the entry aliased <c>e</c> was found gone (deleted, expired) after the entry was stored:
    /// <see cref="StoredEntry.IsPageGone"/>, which the draft and the training labels leave out.
    /// </summary>
    internal const string PageGoneSql = "EXISTS (SELECT 1 FROM entry_pages g WHERE g.entry_key = e.canonical_key AND g.outcome = 'gone')";

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions(JsonSerializerDefaults.Web).With();

    // The key of the entry_pages row that stands for the page of the entry keyed `key`: its own row, else the row of a
    // failing host under another key of it (the long link its page revealed, entry_aliases), whose backoff the page keeps.
    private static string PageKeyOf(string key) => $"""
        coalesce((SELECT o.entry_key FROM entry_pages o WHERE o.entry_key = {key}),
                 (SELECT a.alias_key FROM entry_aliases a JOIN entry_pages f ON f.entry_key = a.alias_key
                  WHERE a.entry_key = {key} AND f.outcome = 'failing' ORDER BY f.checked DESC, f.entry_key LIMIT 1))
        """;

    /// <summary>
    /// The stored pages of <paramref name="entryKeys"/>, by key: each key's own row, else the row of a failing host stored
    /// under another key of that entry (<see cref="StoredPage.EntryKey"/> names it), so the page waits for its retry time.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, StoredPage>> GetAsync(IReadOnlyCollection<string> entryKeys, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, StoredPage>(StringComparer.Ordinal);
        if (entryKeys.Count == 0) return result;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {PageColumns} FROM entry_pages p WHERE p.entry_key = {PageKeyOf("@key")}";
        var key = command.AddParameter("@key");
        foreach (var entryKey in entryKeys.Distinct(StringComparer.Ordinal))
        {
            key.Value = entryKey;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken)) result[entryKey] = ReadPage(reader, 0);
        }
        return result;
    }

    /// <summary>
    /// The stored entries of <paramref name="sourceId"/> whose page was never read — no row here, an anti-bot answer
    /// (retried after the backoff), or a failing host (retried from its <see cref="StoredPage.RetryAt"/>) — placed in windows
    /// from <paramref name="since"/> on and still open to the draft (candidate or shortlisted), newest first, as candidates
    /// to complete: the stored text, account and date (links: <see cref="LinksAsync"/>), with the page's row when it has one.
    /// </summary>
    /// <remarks>
    /// A page recorded under another key of the entry (the long link it revealed, <c>entry_aliases</c>) counts as read; one
    /// whose host failed there is listed with that row (its failures and retry time), as under the entry's own key.
    /// The section is left to the classifier, as for a feed's item.
    /// </remarks>
    public async Task<List<(CandidateEntry Entry, StoredPage? Page)>> UnreadAsync(string sourceId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = new List<(CandidateEntry, StoredPage?)>();
        await using var command = connection.CreateCommand(null, $"""
            SELECT e.canonical_key, e.url, e.title, e.summary, e.account, e.published, {PageColumns} FROM entries e
            LEFT JOIN entry_pages p ON p.entry_key = {PageKeyOf("e.canonical_key")}
            WHERE e.source_id = @source AND e.window_time >= @since AND e.status IN ('candidate', 'shortlisted')
              AND (p.entry_key IS NULL OR p.outcome IN ('blocked', 'failing'))
              AND NOT EXISTS (SELECT 1 FROM entry_aliases a JOIN entry_pages ap ON ap.entry_key = a.alias_key
                              WHERE a.entry_key = e.canonical_key AND ap.outcome NOT IN ('blocked', 'failing'))
            ORDER BY e.window_time DESC, e.id DESC
            """);
        command.AddParameter("@source", sourceId);
        command.AddParameter("@since", SqliteTime.Write(since));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add((new CandidateEntry
            {
                CanonicalKey = reader.GetString(0),
                Url = reader.GetString(1),
                Title = reader.GetString(2),
                Summary = reader.GetString(3),
                Account = reader.IsDBNull(4) ? null : reader.GetString(4),
                Published = SqliteTime.ReadOrNull(reader.GetValue(5)),
            }, reader.IsDBNull(6) ? null : ReadPage(reader, 6)));
        return rows;
    }

    /// <summary>The links stored with the entry <paramref name="entryKey"/> (to complete it from its page as the feed's item would be).</summary>
    public async Task<List<EntryLink>> LinksAsync(string entryKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(null, """
            SELECT l.kind, l.target, l.url FROM entry_links l JOIN entries e ON e.id = l.entry_id
            WHERE e.canonical_key = @key ORDER BY l.kind, l.target
            """);
        command.AddParameter("@key", entryKey);
        var links = new List<EntryLink>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) links.Add(new EntryLink(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return links;
    }

    /// <summary>When a page of <paramref name="sourceId"/> last answered with an anti-bot page, or null.</summary>
    public async Task<DateTimeOffset?> LastBlockedAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT max(checked) FROM entry_pages WHERE source_id = @source AND outcome = 'blocked'";
        command.AddParameter("@source", sourceId);
        return SqliteTime.ReadOrNull(await command.ExecuteScalarAsync(cancellationToken) ?? DBNull.Value);
    }

    /// <summary>
    /// Drops the stored text of pages read before <paramref name="before"/>, keeping each row as a marker (see remarks):
    /// their entries were stored long ago and are kept in <c>entries</c>; only the page's copy of them goes.
    /// </summary>
    /// <returns>How many pages' text was released.</returns>
    public async Task<int> ReleaseTextAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE entry_pages SET entry_json = NULL WHERE outcome = 'read' AND entry_json IS NOT NULL AND checked < @before";
        command.AddParameter("@before", SqliteTime.Write(before));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records (or replaces) what reading the page of <see cref="StoredPage.EntryKey"/> gave.</summary>
    public async Task SaveAsync(StoredPage page, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO entry_pages (entry_key, source_id, checked, outcome, detail, entry_json, failures, retry_at)
            VALUES (@key, @source, @checked, @outcome, @detail, @json, @failures, @retry)
            ON CONFLICT (entry_key) DO UPDATE SET source_id = excluded.source_id, checked = excluded.checked,
                outcome = excluded.outcome, detail = excluded.detail, entry_json = excluded.entry_json,
                failures = excluded.failures, retry_at = excluded.retry_at
            """;
        command.AddParameter("@key", page.EntryKey);
        command.AddParameter("@source", page.SourceId);
        command.AddParameter("@checked", SqliteTime.Write(page.Checked));
        command.AddParameter("@outcome", page.Outcome.ToString().ToLowerInvariant());
        command.AddParameter("@detail", (object?)page.Detail ?? DBNull.Value);
        command.AddParameter("@json", page.Entry is null ? DBNull.Value : JsonSerializer.Serialize(page.Entry, Json.For<CandidateEntry>()));
        command.AddParameter("@failures", page.Failures);
        command.AddParameter("@retry", SqliteTime.WriteOrNull(page.RetryAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // The columns of an entry_pages row aliased p, as ReadPage reads them.
    private const string PageColumns = "p.entry_key, p.source_id, p.checked, p.outcome, p.detail, p.entry_json, p.failures, p.retry_at";

    // The row of PageColumns from column `at` on.
    private static StoredPage ReadPage(DbDataReader reader, int at)
    {
        var entry = reader.IsDBNull(at + 5) ? null : JsonSerializer.Deserialize(reader.GetString(at + 5), Json.For<CandidateEntry>());
        return new StoredPage(reader.GetString(at), reader.GetString(at + 1), SqliteTime.Read(reader.GetString(at + 2)),
            Enum.Parse<PageOutcome>(reader.GetString(at + 3), ignoreCase: true), reader.IsDBNull(at + 4) ? null : reader.GetString(at + 4), entry,
            reader.GetInt32(at + 6), SqliteTime.ReadOrNull(reader.GetValue(at + 7)));
    }
}
