using System.Globalization;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Storage;

/// <summary>The <c>issues</c>, <c>issue_items</c> and <c>draft_exports</c> tables: what was published, and when the weekly job last drafted.</summary>
/// <remarks>
/// Only issues (published or imported) move <see cref="LastCoveredDayAsync"/>; <c>draft_exports</c> notes the weekly job's
/// files ("last drafted"), which are previews like every <c>export</c> and never count as published.
/// </remarks>
public sealed class IssueStore(ReportDatabase database, TimeProvider timeProvider)
{
    /// <summary>
    /// Records an issue and its items (idempotent: the same date and key are stored once) and marks the entries with
    /// those keys published, in one transaction. Returns how many items were new and how many entries became published.
    /// </summary>
    /// <param name="lastDay">The last day of the window the issue covers; null: its <paramref name="date"/>.</param>
    public async Task<(int NewItems, int EntriesPublished)> RecordAsync(DateOnly date, string title, string origin,
        IReadOnlyList<PublishedItem> items, CancellationToken cancellationToken, DateOnly? lastDay = null)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        long issueId;
        await using (var issue = connection.CreateCommand())
        {
            issue.Transaction = transaction;
            issue.CommandText = """
                INSERT INTO issues (date, title, imported, origin, last_day) VALUES ($date, $title, $now, $origin, $last)
                ON CONFLICT (date) DO UPDATE SET title = excluded.title,
                    last_day = max(coalesce(issues.last_day, issues.date), coalesce(excluded.last_day, excluded.date))
                RETURNING id
                """;
            issue.Parameters.AddWithValue("$date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            issue.Parameters.AddWithValue("$title", title);
            issue.Parameters.AddWithValue("$now", SqliteTime.Write(timeProvider.GetUtcNow()));
            issue.Parameters.AddWithValue("$origin", origin);
            issue.Parameters.AddWithValue("$last", (lastDay ?? date).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            issueId = Convert.ToInt64(await issue.ExecuteScalarAsync(cancellationToken));
        }

        int added = 0, published = 0;
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT OR IGNORE INTO issue_items (issue_id, canonical_key, section, title, url, summary, account)
            VALUES ($issue, $key, $section, $title, $url, $summary, $account)
            """;
        insert.Parameters.AddWithValue("$issue", issueId);
        var key = insert.Parameters.Add(new SqliteParameter { ParameterName = "$key" });
        var section = insert.Parameters.Add(new SqliteParameter { ParameterName = "$section" });
        var itemTitle = insert.Parameters.Add(new SqliteParameter { ParameterName = "$title" });
        var url = insert.Parameters.Add(new SqliteParameter { ParameterName = "$url" });
        var summary = insert.Parameters.Add(new SqliteParameter { ParameterName = "$summary" });
        var account = insert.Parameters.Add(new SqliteParameter { ParameterName = "$account" });
        await using var mark = connection.CreateCommand();
        mark.Transaction = transaction;
        mark.CommandText = "UPDATE entries SET status = 'published' WHERE canonical_key = $key AND status <> 'published'";
        var markKey = mark.Parameters.Add(new SqliteParameter { ParameterName = "$key" });
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
        await transaction.CommitAsync(cancellationToken);
        return (added, published);
    }

    /// <summary>Notes that the weekly job drafted the inclusive local dates <paramref name="first"/>..<paramref name="last"/> ("last drafted", not published).</summary>
    public async Task RecordExportAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO draft_exports (first_day, last_day, created) VALUES ($first, $last, $now)";
        command.Parameters.AddWithValue("$first", first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$last", last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$now", SqliteTime.Write(timeProvider.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The last day of the latest window a recorded (published or imported) issue covers; null when there is none.</summary>
    public async Task<DateOnly?> LastCoveredDayAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT max(coalesce(last_day, date)) FROM issues";
        return await command.ExecuteScalarAsync(cancellationToken) is string day
            ? DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null;
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
