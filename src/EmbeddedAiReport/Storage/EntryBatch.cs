using System.Globalization;
using System.Data.Common;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Storage;

/// <summary>The entry writes of one poll inside the caller's transaction, each statement's command created once and bound per write.</summary>
/// <remarks>
/// A write whose key (after aliases) no stored entry has is inserted with <see cref="InsertAsync"/>: one row, its story
/// already chosen, under an id given here (the caller's write transaction holds the database's write lock, so ids above
/// the highest stored one are free; every insert, the upsert's too, names its id, so PostgreSQL's identity sequence is
/// never used and ids are the same on both providers). Others go through <see cref="UpsertAsync"/>: one entry per canonical key; the source
/// that first stored it, or any source bringing a higher version (arXiv v2) or an arXiv withdrawal notice of no stated version,
/// may update it in place; another source seeing the same article does not overwrite it. An updated entry keeps its first
/// date, except that an article page's publish time (<see cref="CandidateEntry.PublishedFromPage"/>) replaces it while the
/// entry is an unmarked candidate.
/// <para>
/// Late arrivals: an entry's window time is its published time (first seen when the source gives none), except while the
/// latest recorded issue is a published one: an entry first seen after that issue was recorded and dated inside the
/// window it covered would fall into a window that is already published, so it is placed at the window's end, the first
/// instant of the next window (<see cref="WindowTime"/>). The issue is read once per poll, with the batch's other
/// per-poll values; an entry costs a comparison, no statement. Entries dated before that window stay where their date
/// puts them, so a new source with years of old posts does not flood the current draft; so do entries whose date is only
/// an estimate (an arXiv replacement of a paper never stored, dated by its id's month).
/// </para>
/// </remarks>
internal sealed class EntryBatch : IDisposable
{
    // RETURNING yields a row only when something was inserted or changed; first_fetch_id tells which.
    private const string UpsertSql = """
        INSERT INTO entries (id, source_id, kind, canonical_key, url, title, summary, account, published,
                             first_seen, updated, window_time, first_fetch_id, content_hash, section, prefix, version, score, tags)
        VALUES (@id, @source, @kind, @key, @url, @title, @summary, @account, @published,
                @now, @now, @window, @fetch, @hash, @section, @prefix, @version, @score, @tags)
        ON CONFLICT (canonical_key) DO UPDATE SET
            url = excluded.url, title = excluded.title, summary = excluded.summary,
            account = coalesce(excluded.account, entries.account),
            published = CASE WHEN @pageDate AND entries.status = 'candidate' THEN excluded.published ELSE coalesce(entries.published, excluded.published) END,
            window_time = CASE WHEN (entries.published IS NULL OR @pageDate AND entries.status = 'candidate') AND excluded.published IS NOT NULL
                               THEN CASE WHEN entries.first_seen > @lateSince THEN excluded.window_time ELSE excluded.published END
                               ELSE entries.window_time END,
            updated = excluded.updated,
            content_hash = excluded.content_hash, prefix = excluded.prefix,
            version = CASE WHEN @withdrawal THEN entries.version + 1 ELSE excluded.version END,
            score = excluded.score, section = excluded.section, tags = excluded.tags
        WHERE excluded.content_hash <> entries.content_hash
          AND (@withdrawal
               OR (entries.source_id = excluded.source_id OR coalesce(excluded.version, 0) > coalesce(entries.version, 0))
                  AND coalesce(excluded.version, 0) >= coalesce(entries.version, 0))
        RETURNING id, first_fetch_id = @fetch, window_time, story_id;
        """;

    private const string InsertSql = """
        INSERT INTO entries (id, source_id, kind, canonical_key, url, title, summary, account, published,
                             first_seen, updated, window_time, first_fetch_id, content_hash, section, prefix, version, score, tags, story_id)
        VALUES (@id, @source, @kind, @key, @url, @title, @summary, @account, @published,
                @now, @now, @window, @fetch, @hash, @section, @prefix, @version, @score, @tags, @story)
        """;

    // Per key: whether a stored entry or an alias already has it (then the write is not new, or needs alias resolution).
    private const string KnownSql = """
        SELECT j.key, EXISTS (SELECT 1 FROM entries e WHERE e.canonical_key = j.value)
                      OR EXISTS (SELECT 1 FROM entry_aliases a WHERE a.alias_key = j.value)
        FROM {0} j
        """;

    // The entry a key names: through a recorded alias, else the entry stored under that key.
    private const string ResolveAliasSql = """
        SELECT coalesce((SELECT entry_key FROM entry_aliases WHERE alias_key = @key),
                        (SELECT canonical_key FROM entries WHERE canonical_key = @key))
        """;

    private static readonly string[] EntryColumns =
        ["@source", "@kind", "@key", "@url", "@title", "@summary", "@account", "@published", "@now", "@window", "@fetch", "@hash", "@section", "@prefix", "@version", "@score", "@tags"];

    // The batch's per-poll values: whether aliases exist, the highest entry id, and the window of the latest recorded issue
    // when it is a published one (with when it was recorded), for late arrivals.
    private const string OpenSql = """
        SELECT EXISTS (SELECT 1 FROM entry_aliases), coalesce((SELECT max(id) FROM entries), 0), i.window_from, i.window_to, i.imported
        FROM (SELECT 1 AS one) AS one
        LEFT JOIN issues i ON i.id = (SELECT id FROM issues ORDER BY coalesce(last_day, date) DESC, window_from IS NULL, id DESC LIMIT 1)
                          AND i.window_from IS NOT NULL AND i.window_to IS NOT NULL
        """;

    private readonly SqlDialect _dialect;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly CommandPipeline _pipeline;
    private readonly List<DbCommand> _commands = [];
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly string _sourceId;
    private readonly long _fetchId;
    private readonly DateTimeOffset _now;
    // Each command is created on its first use: a poll of a feed that did not change uses none of them, and a cold poll
    // of a plain feed only the insert. (Statements are prepared where they run: by the writer's
    // SqliteStatements once per connection, by Microsoft.Data.Sqlite on a command's first execution, by Npgsql's
    // automatic preparation.)
    private DbCommand? _upsert, _insert, _addLink, _resolve, _addAlias;
    private bool _aliasesExist;
    private long _lastId;
    // The latest published issue's window [from, to) and when it was recorded (text as stored), or nulls when the latest issue is not one.
    private DateTimeOffset? _lateFrom, _lateTo;
    private string? _lateSince;

    private EntryBatch(SqlDialect dialect, CommandPipeline pipeline, DbConnection connection, DbTransaction transaction, string sourceId, long fetchId,
        DateTimeOffset now)
    {
        (_dialect, _pipeline, _connection, _transaction) = (dialect, pipeline, connection, transaction);
        (_sourceId, _fetchId, _now) = (sourceId, fetchId, now);
    }

    private DbCommand Upsert => _upsert ??= LateSince(OfThisPoll(Command(UpsertSql, [.. EntryColumns, "@id", "@lateSince", "@withdrawal", "@pageDate"])));

    private DbCommand Insert => _insert ??= OfThisPoll(Command(InsertSql, [.. EntryColumns, "@id", "@story"]));

    private DbCommand AddLink => _addLink ??= Command(
        "INSERT INTO entry_links (entry_id, kind, target, url) VALUES (@id, @kind, @target, @url) ON CONFLICT DO NOTHING", "@id", "@kind", "@target", "@url");

    private DbCommand Resolve => _resolve ??= Command(ResolveAliasSql, "@key");

    private DbCommand AddAlias => _addAlias ??= Command("INSERT INTO entry_aliases (alias_key, entry_key) VALUES (@alias, @key) ON CONFLICT DO NOTHING", "@alias", "@key");

    /// <summary>The statements of one poll's writes, which run through <paramref name="pipeline"/> (in order with the story pass's).</summary>
    public static async Task<EntryBatch> OpenAsync(SqlDialect dialect, CommandPipeline pipeline, DbConnection connection, DbTransaction transaction,
        string sourceId, long fetchId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var batch = new EntryBatch(dialect, pipeline, connection, transaction, sourceId, fetchId, now);
        await using var command = connection.CreateCommand(transaction, OpenSql);
        await using var reader = await pipeline.ReadAsync(command, cancellationToken);
        await reader.ReadAsync(cancellationToken);
        batch._aliasesExist = reader.GetBoolean(0);
        batch._lastId = reader.GetInt64(1);
        if (!reader.IsDBNull(2))
        {
            batch._lateFrom = SqliteTime.Read(reader.GetString(2));
            batch._lateTo = SqliteTime.Read(reader.GetString(3));
            batch._lateSince = reader.GetString(4);
        }
        return batch;
    }

    /// <summary>
    /// The window time of an entry first seen in this poll whose own time (published, else now) is <paramref name="time"/>:
    /// that time, or the end of the latest published issue's window when the time falls inside it (a late arrival). An entry
    /// whose date is only an estimate (<see cref="CandidateEntry.PublishedIsEstimate"/>) is never a late arrival.
    /// </summary>
    public DateTimeOffset WindowTime(CandidateEntry entry, DateTimeOffset time) =>
        !entry.PublishedIsEstimate && time >= _lateFrom && time < _lateTo ? _lateTo.Value : time;

    /// <summary>Per write: true when it is a new entry <see cref="InsertAsync"/> may store (its key unknown, no alias keys of its own).</summary>
    public async Task<bool[]> FindNewAsync(IReadOnlyList<EntryWrite> writes, CancellationToken cancellationToken)
    {
        var isNew = new bool[writes.Count];
        if (writes.Count == 0) return isNew;
        await using var command = _connection.CreateCommand(_transaction, string.Format(CultureInfo.InvariantCulture, KnownSql, _dialect.IndexedTexts("@keys")));
        command.AddParameter("@keys", _dialect.TextList(writes.Select(w => w.Candidate.CanonicalKey)));
        await using var reader = await _pipeline.ReadAsync(command, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var index = reader.GetInt32(0);
            isNew[index] = !reader.GetBoolean(1) && writes[index].Candidate.AliasKeys.Count == 0;
        }
        return isNew;
    }

    /// <summary>The id the next <see cref="InsertAsync"/> gets.</summary>
    public long NextId => _lastId + 1;

    /// <summary>True when this batch already wrote an entry under <paramref name="key"/> (an alias can lead another write to it).</summary>
    public bool Wrote(string key) => _written.Contains(key);

    /// <summary>Inserts a new entry (see <see cref="FindNewAsync"/> and <see cref="Wrote"/>) under <see cref="NextId"/>, in <paramref name="story"/>, with its tags and links.</summary>
    /// <param name="contentHash">The write's <see cref="EntryContentHash.Of"/> when the caller has it (computed off the writer's thread).</param>
    public async Task InsertAsync(EntryWrite write, long? story, string? contentHash, CancellationToken cancellationToken)
    {
        _written.Add(write.Candidate.CanonicalKey);
        var id = NextId;
        var insert = Insert;
        Bind(insert, write, write.Candidate, contentHash);
        BindWindow(insert, write.Candidate);
        insert.Parameters["@id"].Value = id;
        insert.Parameters["@story"].Value = (object?)story ?? DBNull.Value;
        await _pipeline.ExecuteAsync(insert, cancellationToken);
        _lastId = id;
        await AddLinksAsync(id, write.Candidate, cancellationToken);
    }

    /// <summary>Inserts or updates a write; returns what happened, or null when the stored entry stays as it was.</summary>
    public async Task<UpsertedEntry?> UpsertAsync(EntryWrite write, int index, string? contentHash, CancellationToken cancellationToken)
    {
        var entry = write.Candidate;
        // Only entries with alias keys (WeChat short/long links) write aliases, and the caller's IMMEDIATE transaction holds
        // the write lock: while the table is empty, an entry without alias keys resolves to its own key, so its lookup is skipped.
        if (_aliasesExist || entry.AliasKeys.Count > 0)
        {
            entry = await ResolveAliasesAsync(entry, cancellationToken);
            _aliasesExist = true;   // it may have recorded some
        }
        _written.Add(entry.CanonicalKey);
        var upsert = Upsert;
        Bind(upsert, write, entry, ReferenceEquals(entry, write.Candidate) ? contentHash : null);
        BindWindow(upsert, entry);
        upsert.Parameters["@id"].Value = NextId;   // used only when the row is new
        // An arXiv withdrawal notice that names no version (arxiv-listing's /new, a feed source reading rss.arxiv.org) is the
        // paper's newest version whatever the stored entry holds ("a withdrawal creates a new version", arXiv's help): it
        // updates the entry from any source, as one version more. A withdrawal with its version (arxiv-rss, the API) is compared as any version.
        upsert.Parameters["@withdrawal"].Value = entry.Version is null && ArxivWithdrawal.Withdraws(entry.CanonicalKey, entry.Summary);
        // An article page's publish time replaces the stored date (a feed's, often wrong or missing) of an entry the editor
        // has not marked, as if the page had been read at its first poll: it was left for a later poll only by the page budget.
        upsert.Parameters["@pageDate"].Value = entry.PublishedFromPage && entry.Published is not null;
        long id;
        UpsertedEntry upserted;
        await using (var reader = await _pipeline.ReadAsync(upsert, cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken)) return null;   // unchanged
            id = reader.GetInt64(0);
            upserted = new UpsertedEntry(index, id, entry.CanonicalKey, reader.GetBoolean(1), SqliteTime.Read(reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetInt64(3));
        }
        _lastId = Math.Max(_lastId, id);
        await AddLinksAsync(id, entry, cancellationToken);
        return upserted;
    }

    public void Dispose()
    {
        foreach (var command in _commands) command.Dispose();
    }

    private static void Bind(DbCommand command, EntryWrite write, CandidateEntry entry, string? contentHash)
    {
        var parameters = command.Parameters;
        parameters["@kind"].Value = write.Kind;
        parameters["@key"].Value = entry.CanonicalKey;
        parameters["@url"].Value = entry.Url;
        parameters["@title"].Value = entry.Title;
        parameters["@summary"].Value = entry.Summary;
        parameters["@account"].Value = (object?)entry.Account ?? DBNull.Value;
        parameters["@published"].Value = SqliteTime.WriteOrNull(entry.Published);
        parameters["@hash"].Value = contentHash ?? EntryContentHash.Of(entry);
        parameters["@section"].Value = write.Section;
        parameters["@prefix"].Value = (object?)entry.Prefix ?? DBNull.Value;
        parameters["@version"].Value = (object?)entry.Version ?? DBNull.Value;
        parameters["@score"].Value = write.Score;
        // The tags are the row's (a changed entry is tagged from scratch): one JSON object, null for none.
        parameters["@tags"].Value = write.Tags.Count > 0 ? EntryTag.Json(write.Tags) : DBNull.Value;
    }

    private async Task AddLinksAsync(long id, CandidateEntry entry, CancellationToken cancellationToken)
    {
        foreach (var link in entry.Links)
        {
            AddLink.Parameters["@id"].Value = id;
            AddLink.Parameters["@kind"].Value = link.Kind;
            AddLink.Parameters["@target"].Value = link.Target;
            AddLink.Parameters["@url"].Value = link.Url;
            await _pipeline.ExecuteAsync(AddLink, cancellationToken);
        }
    }

    /// <summary>
    /// Gives <paramref name="entry"/> the key of the entry it already is (its own key or one of its
    /// <see cref="CandidateEntry.AliasKeys"/> found as an entry or an alias), and records its other keys as aliases,
    /// so a WeChat short link and long link of one article stay one entry whichever arrived first.
    /// </summary>
    private async Task<CandidateEntry> ResolveAliasesAsync(CandidateEntry entry, CancellationToken cancellationToken)
    {
        string? resolved = null;
        foreach (var key in entry.AliasKeys.Prepend(entry.CanonicalKey))
        {
            Resolve.Parameters["@key"].Value = key;
            if (await _pipeline.ScalarAsync(Resolve, cancellationToken) is string found)
            {
                resolved = found;
                break;
            }
        }
        resolved ??= entry.CanonicalKey;
        foreach (var key in entry.AliasKeys.Prepend(entry.CanonicalKey).Where(k => k != resolved))
        {
            AddAlias.Parameters["@alias"].Value = key;
            AddAlias.Parameters["@key"].Value = resolved;
            await _pipeline.ExecuteAsync(AddAlias, cancellationToken);
        }
        return resolved == entry.CanonicalKey ? entry : entry with { CanonicalKey = resolved };
    }

    // The entry statements' values that are the same for every entry of the poll.
    private DbCommand OfThisPoll(DbCommand command)
    {
        command.Parameters["@source"].Value = _sourceId;
        command.Parameters["@now"].Value = SqliteTime.Write(_now);
        command.Parameters["@fetch"].Value = _fetchId;
        return command;
    }

    // The entry's window time, after Bind: the text already bound for its published time (or now) unless it is a late arrival.
    private void BindWindow(DbCommand command, CandidateEntry entry)
    {
        var time = entry.Published ?? _now;
        var window = WindowTime(entry, time);
        command.Parameters["@window"].Value = window != time ? SqliteTime.Write(window)
            : entry.Published is null ? command.Parameters["@now"].Value : command.Parameters["@published"].Value;
    }

    // The upsert's "first seen after the latest published issue was recorded" bound (null: no issue moves entries).
    private DbCommand LateSince(DbCommand command)
    {
        command.Parameters["@lateSince"].Value = (object?)_lateSince ?? DBNull.Value;
        return command;
    }

    private DbCommand Command(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand(_transaction, sql);
        foreach (var name in parameters) command.AddParameter(name);
        _commands.Add(command);
        return command;
    }
}
