using System.Globalization;
using System.Data.Common;

namespace EmbeddedAiReport.Storage;

/// <summary>The editor's decisions as training labels, and the stored relevance scores a new model replaces.</summary>
/// <remarks>
/// Relevant: items of recorded issues (published or imported) and shortlisted entries. Irrelevant: rejected entries, and
/// the candidates of a recorded issue's window that the editor did not pick (the window runs from the day after the
/// previous issue's window, or seven days before the first's end, to the last day the issue covers — its date, or the end
/// of the finished week it published: the days after that belong to the next window and are not the editor's refusals;
/// an entry in the same story as a picked item is not a negative, since the editor picked its story; nor is one the draft
/// left out by itself, a withdrawn arXiv paper or an article whose page was found gone: the editor never saw it offered).
/// </remarks>
public sealed class LabelStore(ReportDatabase database)
{
    private const string Columns = """
        e.id, e.source_id, e.kind, e.canonical_key, e.url, e.title, e.summary, e.account, e.published, e.first_seen,
        e.section, e.prefix, e.version, e.score, e.status, e.story_id
        """;

    // How many columns Columns names (EntryStore.Read's).
    private const int ColumnCount = 16;

    /// <summary>Entries read (and rescored) per transaction.</summary>
    internal const int Batch = 250;

    /// <summary>One labelled entry; issue items that no stored entry matches come with <see cref="StoredEntry.Id"/> 0.</summary>
    /// <param name="Group">The issue date the label belongs to, or <c>marks</c> for shortlist/reject marks outside any issue.</param>
    /// <param name="Section">The section the editor put a relevant item in.</param>
    public sealed record Label(StoredEntry Entry, bool Relevant, string Group, string? Section);

    /// <summary>Hands every label in the database to <paramref name="read"/>, in a fixed order (issue date, then key; a window's
    /// unpicked candidates by window time, then id).</summary>
    /// <remarks>
    /// Read in short read transactions and handed on as read, none kept: a big installation's every unpicked candidate is a
    /// label, so <c>train</c> keeps what it learns of each (its features), not the entries' text. The issues' items, the
    /// marks and the ids of every window's candidates come from one transaction; the candidates themselves by those ids in
    /// batches of <see cref="Batch"/>, each its own transaction, closed before the batch is handed on: featurizing 48,000
    /// labels takes seconds, and an open read would pin the WAL (SQLite) or a snapshot (PostgreSQL) that long. Which
    /// candidates a window has is that first read's: a poll that dates an entry again between two batches (its
    /// window_time moves) neither hands it on twice nor skips it, as a keyset along window_time would; its text is read
    /// as it stands when its batch is, and one marked by then (no longer a candidate) is left out.
    /// </remarks>
    public async Task ReadAsync(TimeZoneInfo zone, Action<Label> read, CancellationToken cancellationToken)
    {
        var (windows, candidates, picked, pickedStories) = await ReadPickedAsync(zone, read, cancellationToken);
        var start = 0;
        foreach (var (date, end) in windows)
        {
            for (; start < end; start += Batch)
            {
                var ids = candidates.GetRange(start, Math.Min(Batch, end - start));
                Dictionary<long, StoredEntry> window;
                await using (var connection = await database.OpenAsync(cancellationToken))
                await using (var transaction = await database.BeginReadAsync(connection, cancellationToken))
                    window = (await ListAsync(connection, transaction, $"{database.Dialect.IdIn("e.id", "@ids")} AND e.status = 'candidate'",
                        [("@ids", database.Dialect.IdList(ids))], cancellationToken)).ToDictionary(e => e.Id);
                // In the first read's order; an entry deleted or marked since (the editor's shortlist is no unpicked
                // example; the first read's marks did not see it) is no label this time.
                foreach (var id in ids)
                    if (window.TryGetValue(id, out var entry) && !picked.Contains(entry.CanonicalKey)
                        && !(entry.StoryId is { } story && pickedStories.Contains(story)) && !entry.IsWithdrawnPaper)
                        read(new Label(entry, false, date, null));
            }
            start = end;
        }
    }

    // In one read transaction: the recorded issues' windows (each issue's date and where its candidates end in the ids),
    // the ids of each window's candidates in window order (window time, id), what the editor picked (by key and by story),
    // and the issues' items and the marks, handed to read after the transaction closes.
    private async Task<(List<(string Date, int End)> Windows, List<long> Candidates, HashSet<string> Picked, HashSet<long> PickedStories)> ReadPickedAsync(
        TimeZoneInfo zone, Action<Label> read, CancellationToken cancellationToken)
    {
        var picked = new HashSet<string>(StringComparer.Ordinal);
        var pickedStories = new HashSet<long>();
        var issues = new List<(string Date, DateOnly LastDay)>();
        var windows = new List<(string Date, int End)>();
        var candidates = new List<long>();
        // The editor's items and marks: a few hundred, kept until the transaction closes.
        var labels = new List<Label>();
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var transaction = await database.BeginReadAsync(connection, cancellationToken))
        {
            await using (var command = connection.CreateCommand(transaction, "SELECT date, coalesce(last_day, date) AS covered FROM issues ORDER BY covered, date"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    issues.Add((reader.GetString(0), DateOnly.ParseExact(reader.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture)));

            // What each recorded issue's window offered: its candidates, but not what the draft leaves out by itself
            // (DraftSelector): articles whose page was found gone (withdrawn papers and picked ones are left out as read).
            for (var i = 0; i < issues.Count; i++)
            {
                var first = i == 0 ? issues[i].LastDay.AddDays(-6) : issues[i - 1].LastDay.AddDays(1);
                await using var command = connection.CreateCommand(transaction, $"""
                    SELECT e.id FROM entries e
                    WHERE e.status = 'candidate' AND e.window_time >= @from AND e.window_time < @to AND NOT {PageStore.PageGoneSql}
                    ORDER BY e.window_time, e.id
                    """);
                command.AddParameter("@from", SqliteTime.Write(Midnight(first, zone)));
                command.AddParameter("@to", SqliteTime.Write(Midnight(issues[i].LastDay.AddDays(1), zone)));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) candidates.Add(reader.GetInt64(0));
                windows.Add((issues[i].Date, candidates.Count));
            }

            // Items of issues: the stored entry when there is one, else the item as recorded.
            await using (var command = connection.CreateCommand(transaction, $"""
                SELECT i.date, ii.canonical_key, ii.section, ii.title, ii.url, ii.summary, ii.account, {Columns}
                FROM issue_items ii JOIN issues i ON i.id = ii.issue_id LEFT JOIN entries e ON e.canonical_key = ii.canonical_key
                ORDER BY i.date, ii.canonical_key
                """))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                var titles = new HashSet<(string, string)>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    var date = reader.GetString(0);
                    var section = reader.IsDBNull(2) ? null : reader.GetString(2);
                    if (!reader.IsDBNull(7))
                    {
                        var entry = EntryStore.Read(reader, offset: 7);
                        if (!picked.Add(entry.CanonicalKey)) continue;
                        if (entry.StoryId is { } story) pickedStories.Add(story);
                        labels.Add(new Label(entry, true, date, section ?? entry.Section));
                    }
                    // An item's paper and repository links are recorded under the item's title too: one example per title.
                    else if (titles.Add((date, reader.GetString(3))) && picked.Add(reader.GetString(1)))
                    {
                        var item = new StoredEntry(0, "", "", reader.GetString(1), reader.GetString(4), reader.GetString(3),
                            reader.IsDBNull(5) ? "" : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                            null, DateTimeOffset.UnixEpoch, section, null, null, 0, "published", null, []);
                        labels.Add(new Label(item, true, date, section));
                    }
                }
            }

            foreach (var entry in await ListAsync(connection, transaction, "e.status IN ('shortlisted', 'rejected')", [], cancellationToken))
            {
                if (entry.Status == "shortlisted" && !picked.Add(entry.CanonicalKey)) continue;
                if (entry.Status == "shortlisted" && entry.StoryId is { } story) pickedStories.Add(story);
                labels.Add(new Label(entry, entry.Status == "shortlisted", "marks", entry.Section));
            }
        }
        labels.ForEach(read);
        return (windows, candidates, picked, pickedStories);
    }

    /// <summary>Which stored entries <see cref="RescoreAsync"/> scores again: every one, or those of a window and/or of some sources.</summary>
    /// <param name="FromUtc">First instant of the entries' window (inclusive); null: no start.</param>
    /// <param name="ToUtc">End of the entries' window (exclusive); null: no end.</param>
    /// <param name="Sources">Only these sources' entries; null: every source's.</param>
    public sealed record RescoreScope(DateTimeOffset? FromUtc = null, DateTimeOffset? ToUtc = null, IReadOnlyCollection<string>? Sources = null)
    {
        public static RescoreScope All { get; } = new();
    }

    /// <summary>What <see cref="RescoreAsync"/> did: the entries it scored again, and how many of their scores and tag sets changed.</summary>
    public sealed record Rescored(int Entries, int Scores, int Tags);

    /// <summary>
    /// Scores and tags the stored entries of <paramref name="scope"/> (every entry when null) again with
    /// <paramref name="classify"/>, in batches; returns how many it read and how many scores and tag sets changed.
    /// </summary>
    /// <remarks>
    /// Each batch is read, classified and written in one short write transaction, so polls store between batches (the daemon
    /// rescores beside them after a reload) and no poll's newer text is overwritten by a score of the text read before it.
    /// Only <c>score</c> and <c>tags</c> change: the editor's overrides, marks and places and the recorded issues' items are
    /// other rows. Which entries the scope has is read once, their ids in one read transaction; the batches read them by
    /// those ids (as <see cref="ReadAsync"/> does): a poll that dates an entry again between two batches (its window_time
    /// moves) has it scored once, where a keyset along window_time read it twice or skipped it; one that has left the
    /// scope by its batch is not scored.
    /// </remarks>
    public async Task<Rescored> RescoreAsync(Func<StoredEntry, (double Score, IReadOnlyList<EntryTag> Tags)> classify,
        CancellationToken cancellationToken, RescoreScope? scope = null)
    {
        scope ??= RescoreScope.All;
        var filter = "";
        var parameters = new List<(string Name, object Value)>();
        if (scope.FromUtc is { } from)
        {
            filter += " AND e.window_time >= @from";
            parameters.Add(("@from", SqliteTime.Write(from)));
        }
        if (scope.ToUtc is { } to)
        {
            filter += " AND e.window_time < @to";
            parameters.Add(("@to", SqliteTime.Write(to)));
        }
        if (scope.Sources is { } sources)
        {
            if (sources.Count == 0) return new Rescored(0, 0, 0);
            var names = sources.Select((_, i) => $"@source{i}").ToList();
            filter += $" AND e.source_id IN ({string.Join(", ", names)})";
            parameters.AddRange(sources.Select((id, i) => ($"@source{i}", (object)id)));
        }
        var ids = await ScopeIdsAsync(filter, parameters, byWindow: scope.FromUtc is not null || scope.ToUtc is not null, cancellationToken);
        var (read, rescored, retagged) = (0, 0, 0);
        for (var start = 0; start < ids.Count; start += Batch)
        {
            var batch = database.Dialect.IdList(ids.GetRange(start, Math.Min(Batch, ids.Count - start)));
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
            var stored = new Dictionary<long, string?>(Batch);
            var entries = await ListAsync(connection, transaction, $"{database.Dialect.IdIn("e.id", "@ids")}{filter}",
                [("@ids", batch), .. parameters], cancellationToken, stored);
            read += entries.Count;
            await using var update = connection.CreateCommand(transaction, "UPDATE entries SET score = @score WHERE id = @id AND score <> @score");
            var scoreParameter = update.AddParameter("@score");
            var idParameter = update.AddParameter("@id");
            await using var retag = connection.CreateCommand(transaction, "UPDATE entries SET tags = @tags WHERE id = @id");
            var tagsParameter = retag.AddParameter("@tags");
            var retagId = retag.AddParameter("@id");
            foreach (var entry in entries)
            {
                var (score, tags) = classify(entry);
                scoreParameter.Value = score;
                idParameter.Value = entry.Id;
                rescored += await update.ExecuteNonQueryAsync(cancellationToken);
                // Compared as tags, not as text: rows moved by migration 0015 wrote the same weights in another form.
                var json = tags.Count > 0 ? EntryTag.Json(tags) : null;
                if (EntryTag.Parse(json).SequenceEqual(EntryTag.Parse(stored[entry.Id]))) continue;
                tagsParameter.Value = (object?)json ?? DBNull.Value;
                retagId.Value = entry.Id;
                retagged += await retag.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return new Rescored(read, rescored, retagged);
    }

    // The ids of the scope's entries, in one read transaction. A window is read along the window_time index, so a window of
    // a few hundred entries reads those, not every row of a big table; no window, by id.
    private async Task<List<long>> ScopeIdsAsync(string filter, List<(string Name, object Value)> parameters, bool byWindow,
        CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginReadAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand(transaction,
            $"SELECT e.id FROM entries e WHERE 1 = 1{filter} ORDER BY {(byWindow ? "e.window_time, e.id" : "e.id")}");
        foreach (var (name, value) in parameters) command.AddParameter(name, value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetInt64(0));
        return ids;
    }

    private static DateTimeOffset Midnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    // Entries matching a condition, with their links; with stored, also each one's stored tags (the column's JSON, null for
    // none) into it, from the same read.
    private async Task<List<StoredEntry>> ListAsync(DbConnection connection, DbTransaction transaction, string condition,
        (string Name, object Value)[] parameters, CancellationToken cancellationToken, Dictionary<long, string?>? stored = null)
    {
        var entries = new List<StoredEntry>();
        await using (var command = connection.CreateCommand(transaction, $"SELECT {Columns}{(stored is null ? "" : ", e.tags")} FROM entries e WHERE {condition}"))
        {
            foreach (var (name, value) in parameters) command.AddParameter(name, value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var entry = EntryStore.Read(reader, optional: false);
                entries.Add(entry);
                if (stored is not null) stored[entry.Id] = reader.IsDBNull(ColumnCount) ? null : reader.GetString(ColumnCount);
            }
        }
        if (entries.Count == 0) return entries;
        var links = await EntryStore.LinksAsync(connection, transaction, database.Dialect, entries.Select(e => e.Id), cancellationToken);
        return entries.Select(e => links.TryGetValue(e.Id, out var l) ? e with { Links = l } : e).ToList();
    }
}
