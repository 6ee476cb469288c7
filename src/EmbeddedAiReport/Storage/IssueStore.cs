using System.Globalization;
using System.Data.Common;

namespace EmbeddedAiReport.Storage;

/// <summary>The <c>issues</c>, <c>issue_items</c> and <c>draft_exports</c> tables: what was published, and when the weekly job last drafted.</summary>
/// <remarks>
/// Only issues (published or imported) move <see cref="LastCoveredAsync"/>; <c>draft_exports</c> notes the weekly job's
/// files ("last drafted"), which are previews like every <c>export</c> and never count as published.
/// </remarks>
public sealed class IssueStore(ReportDatabase database, TimeProvider timeProvider)
{
    /// <summary>
    /// Records an issue and its items (idempotent: the same date and key are stored once) and marks the entries with
    /// those keys published, in one transaction. Returns how many items were new and how many entries became published.
    /// </summary>
    /// <param name="lastDay">The last day of the window the issue covers; null: its <paramref name="date"/>.</param>
    /// <param name="window">
    /// For a published issue, the UTC range its draft covered: while the issue is the latest recorded one, the ingest
    /// writer places entries first seen after it and dated inside that range at its end (late arrivals, see
    /// <see cref="EntryBatch"/>). Null for imported issues, whose window is not known: nothing moves for them.
    /// </param>
    public async Task<(int NewItems, int EntriesPublished)> RecordAsync(DateOnly date, string title, string origin,
        IReadOnlyList<PublishedItem> items, CancellationToken cancellationToken, DateOnly? lastDay = null,
        (DateTimeOffset FromUtc, DateTimeOffset ToUtc)? window = null, string? markdown = null)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var counts = await RecordAsync(connection, transaction, date, title, origin, items, cancellationToken, lastDay, window, markdown);
        await transaction.CommitAsync(cancellationToken);
        return counts;
    }

    /// <summary>
    /// <see cref="RecordAsync(DateOnly, string, string, IReadOnlyList{PublishedItem}, CancellationToken, DateOnly?, ValueTuple{DateTimeOffset, DateTimeOffset}?, string?)"/>
    /// in the caller's write transaction (<see cref="ReportDatabase.BeginWriteAsync"/>), which commits it.
    /// </summary>
    public async Task<(int NewItems, int EntriesPublished)> RecordAsync(DbConnection connection, DbTransaction transaction, DateOnly date, string title,
        string origin, IReadOnlyList<PublishedItem> items, CancellationToken cancellationToken, DateOnly? lastDay = null,
        (DateTimeOffset FromUtc, DateTimeOffset ToUtc)? window = null, string? markdown = null)
    {
        long issueId;
        // Publishing again on the same date widens the recorded window; an import of that date keeps it, its last day
        // included: an import's last day is its date, which would take the days between a finished week and its publish
        // date (the next window's start) out of every window.
        await using (var issue = connection.CreateCommand(transaction, $"""
            INSERT INTO issues (date, title, imported, origin, last_day, window_from, window_to, markdown)
            VALUES (@date, @title, @now, @origin, @last, @from, @to, @markdown)
            ON CONFLICT (date) DO UPDATE SET title = CASE WHEN excluded.origin = 'imported' THEN issues.title ELSE excluded.title END,
                -- A second publish on the same date is an addendum: its markdown follows the first's (the same text again is
                -- kept once). An import of a date already recorded (the file as sent of an issue published here, a file
                -- imported twice) is the same issue: its items are added, the recorded text stays.
                markdown = CASE WHEN issues.markdown IS NULL THEN excluded.markdown
                                WHEN excluded.markdown IS NULL OR excluded.markdown = issues.markdown OR excluded.origin = 'imported' THEN issues.markdown
                                ELSE issues.markdown || @separator || excluded.markdown END,
                last_day = CASE WHEN excluded.origin = 'imported' THEN coalesce(issues.last_day, issues.date)
                                ELSE {database.Dialect.Greatest("coalesce(issues.last_day, issues.date)", "coalesce(excluded.last_day, excluded.date)")} END,
                window_from = CASE WHEN issues.window_from IS NULL OR excluded.window_from < issues.window_from THEN coalesce(excluded.window_from, issues.window_from)
                                   ELSE issues.window_from END,
                window_to = CASE WHEN issues.window_to IS NULL OR excluded.window_to > issues.window_to THEN coalesce(excluded.window_to, issues.window_to)
                                 ELSE issues.window_to END
            RETURNING id
            """))
        {
            issue.AddParameter("@date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            issue.AddParameter("@title", title);
            issue.AddParameter("@now", SqliteTime.Write(timeProvider.GetUtcNow()));
            issue.AddParameter("@origin", origin);
            issue.AddParameter("@last", (lastDay ?? date).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            issue.AddParameter("@from", SqliteTime.WriteOrNull(window?.FromUtc));
            issue.AddParameter("@to", SqliteTime.WriteOrNull(window?.ToUtc));
            issue.AddParameter("@markdown", (object?)markdown ?? DBNull.Value);
            issue.AddParameter("@separator", "\n");
            issueId = Convert.ToInt64(await issue.ExecuteScalarAsync(cancellationToken));
        }

        int added = 0, published = 0;
        await using var insert = connection.CreateCommand(transaction, """
            INSERT INTO issue_items (issue_id, canonical_key, section, title, url, summary, account)
            VALUES (@issue, @key, @section, @title, @url, @summary, @account)
            ON CONFLICT DO NOTHING
            """);
        insert.AddParameter("@issue", issueId);
        var key = insert.AddParameter("@key");
        var section = insert.AddParameter("@section");
        var itemTitle = insert.AddParameter("@title");
        var url = insert.AddParameter("@url");
        var summary = insert.AddParameter("@summary");
        var account = insert.AddParameter("@account");
        await using var mark = connection.CreateCommand(transaction, "UPDATE entries SET status = 'published' WHERE canonical_key = @key AND status <> 'published'");
        var markKey = mark.AddParameter("@key");
        foreach (var item in items)
        {
            key.Value = item.CanonicalKey;
            section.Value = (object?)item.Section ?? DBNull.Value;
            itemTitle.Value = item.Title;
            url.Value = item.Url;
            summary.Value = item.Summary;
            account.Value = (object?)item.Account ?? DBNull.Value;
            added += await insert.ExecuteNonQueryAsync(cancellationToken);
            markKey.Value = item.CanonicalKey;
            published += await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        return (added, published);
    }

    /// <summary>Notes that the weekly job drafted the inclusive local dates <paramref name="first"/>..<paramref name="last"/> ("last drafted", not published).</summary>
    public async Task RecordExportAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO draft_exports (first_day, last_day, created) VALUES (@first, @last, @now)";
        command.AddParameter("@first", first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.AddParameter("@last", last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.AddParameter("@now", SqliteTime.Write(timeProvider.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The markdown of the issue of <paramref name="date"/> as it was recorded: (false, null) when no issue has that date, (true, null) when it kept none.</summary>
    public async Task<(bool Exists, string? Markdown)> MarkdownAsync(DateOnly date, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(null, "SELECT markdown FROM issues WHERE date = @date");
        command.AddParameter("@date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return (false, null);
        return (true, reader.IsDBNull(0) ? null : reader.GetString(0));
    }

    /// <summary>The dates of the recorded issues, newest first, with whether each kept its markdown.</summary>
    public async Task<IReadOnlyList<(DateOnly Date, bool HasMarkdown)>> DatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(null, "SELECT date, markdown IS NOT NULL FROM issues ORDER BY date DESC");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var dates = new List<(DateOnly, bool)>();
        while (await reader.ReadAsync(cancellationToken))
            dates.Add((Day(reader.GetString(0)), reader.GetBoolean(1)));
        return dates;
    }

    /// <summary>
    /// The last day of the latest window a recorded (published or imported) issue covers, and the instant that window ends
    /// when it was published here (null for an imported one); null when there is none.
    /// </summary>
    public async Task<(DateOnly LastDay, DateTimeOffset? WindowEnd)?> LastCoveredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The issue EntryBatch places late arrivals after: of the latest last day, a published one first.
        await using var command = connection.CreateCommand(null,
            "SELECT coalesce(last_day, date), window_to FROM issues ORDER BY coalesce(last_day, date) DESC, window_from IS NULL, id DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return (Day(reader.GetString(0)), reader.IsDBNull(1) ? null : SqliteTime.Read(reader.GetString(1)));
    }

    /// <summary>
    /// The published issue whose window ends at <paramref name="windowEndUtc"/> (the window a late arrival placed there was
    /// first seen after): its date, the local days it covers and when it was recorded; null when there is none.
    /// </summary>
    public async Task<(DateOnly Date, DateOnly LastDay, DateTimeOffset FromUtc, DateTimeOffset Recorded)?> PublishedWindowEndingAsync(DateTimeOffset windowEndUtc,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(null,
            "SELECT date, coalesce(last_day, date), window_from, imported FROM issues WHERE window_to = @to AND window_from IS NOT NULL ORDER BY date DESC LIMIT 1");
        command.AddParameter("@to", SqliteTime.Write(windowEndUtc));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return (Day(reader.GetString(0)), Day(reader.GetString(1)), SqliteTime.Read(reader.GetString(2)), SqliteTime.Read(reader.GetString(3)));
    }

    /// <summary>
    /// The published issues whose window overlaps the UTC range <paramref name="fromUtc"/>..<paramref name="toUtc"/> (a draft's):
    /// their dates, the instants their window starts and ends and its last day, oldest first. Imported issues have no known window.
    /// </summary>
    public async Task<IReadOnlyList<(DateOnly Date, DateTimeOffset FromUtc, DateTimeOffset ToUtc, DateOnly LastDay)>> PublishedOverlappingAsync(DateTimeOffset fromUtc,
        DateTimeOffset toUtc, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(null, """
            SELECT date, window_from, window_to, coalesce(last_day, date) FROM issues
            WHERE window_from IS NOT NULL AND window_from < @to AND window_to > @from ORDER BY date
            """);
        command.AddParameter("@from", SqliteTime.Write(fromUtc));
        command.AddParameter("@to", SqliteTime.Write(toUtc));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var issues = new List<(DateOnly, DateTimeOffset, DateTimeOffset, DateOnly)>();
        while (await reader.ReadAsync(cancellationToken))
            issues.Add((Day(reader.GetString(0)), SqliteTime.Read(reader.GetString(1)), SqliteTime.Read(reader.GetString(2)), Day(reader.GetString(3))));
        return issues;
    }

    // A day as the issues table stores it (date, last_day).
    private static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>True when a draft of exactly <paramref name="first"/>..<paramref name="last"/> was exported at or after <paramref name="since"/>.</summary>
    public async Task<bool> ExportedSinceAsync(DateOnly first, DateOnly last, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(null,
            "SELECT count(*) FROM draft_exports WHERE first_day = @first AND last_day = @last AND created >= @since");
        command.AddParameter("@first", first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.AddParameter("@last", last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.AddParameter("@since", SqliteTime.Write(since));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken)) > 0;
    }

    /// <summary>When the weekly job last wrote a draft file, or null when never.</summary>
    public async Task<DateTimeOffset?> LastExportAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT max(created) FROM draft_exports";
        return SqliteTime.ReadOrNull(await command.ExecuteScalarAsync(cancellationToken) ?? DBNull.Value);
    }
}
