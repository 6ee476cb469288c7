using System.Diagnostics;
using System.Runtime.InteropServices;
using EmbeddedAiReport.Storage;
using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Dedup;

/// <summary>One story pass inside a write transaction: places entries, then settles the primaries of the stories touched.</summary>
/// <remarks>
/// A story's primary is chosen again only among the members that decide it (<see cref="StoryPrimary.Keep"/>, kept per story)
/// and the members that joined it in this pass; when those are not known, or a member's own text changed, all members are
/// read and the rule runs over them. An editor's pin always stays. Disposing a
/// pass that did not finish makes the index rebuild: what it put there may be rolled back.
/// </remarks>
internal sealed partial class StoryPass(
    SqlDialect dialect, CommandPipeline pipeline, DbConnection connection, DbTransaction transaction, StoryIndex index, MinHasher hasher, StoryPrimary primaryRule, DedupOptions options,
    TimeProvider timeProvider, ILogger logger, SemaphoreSlim gate) : IAsyncDisposable
{
    private readonly StoryCommands _sql = new(dialect, pipeline, connection, transaction);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _now = SqliteTime.Write(timeProvider.GetUtcNow());
    private readonly HashSet<long> _placed = [];
    private readonly HashSet<long> _touched = [];
    private readonly Dictionary<long, List<StoryPrimary.Member>> _joined = [];
    private readonly HashSet<long> _dirty = [];
    // Per placed entry, reused from one to the next (a pass places one at a time): the entries it relates to with their
    // stories, the stories it joins (ascending, no repeats) and its band keys.
    private readonly Dictionary<long, long?> _related = [];
    private readonly List<long> _stories = [];
    private readonly long[] _bandKeys = new long[options.Bands];
    // Per link target, how many entries placed by this pass link it (UngroupNewHubsAsync).
    private readonly Dictionary<string, int> _linkedNow = new(StringComparer.Ordinal);
    // Text hashes and link targets that nothing can match (LookAheadAsync); a hash leaves when an entry of this pass is signed with it.
    private HashSet<string> _unsharedHashes = [], _lonelyTargets = [];
    private int _created, _merged;
    private bool _finished;
    // The signature's bytes as bound for SaveSignature (SignatureBlob).
    private byte[] _signatureBytes = [];

    /// <summary>Makes the index reach back a lookback before <paramref name="oldest"/> (and before now).</summary>
    public async Task PrepareAsync(DateTimeOffset? oldest, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var first = oldest is { } o && o < now ? o : now;
        await _sql.FlushAsync(cancellationToken);   // the index reads the database directly
        var refresh = await index.PrepareAsync(pipeline, connection, transaction, now, Earlier(first, TimeSpan.FromDays(options.LookbackDays)), cancellationToken);
        if (refresh.Rebuilt) logger.BandsLoaded(refresh.Loaded, index.ApproximateBytes / Math.Max(1, index.Count), _clock.ElapsedMilliseconds);
    }

    /// <summary>
    /// Reads in two statements what the entries about to be placed can meet in the database, so that lookups that cannot
    /// find anything are skipped: which of their text <paramref name="hashes"/> a stored signature has (an entry whose hash
    /// none has, and no entry of this pass signed, skips its same-text lookup), and which of the papers/repositories they
    /// name (their link targets and own keys, <paramref name="names"/>) a stored entry is or links. A name that nothing
    /// stored has and no other write of the poll names (<paramref name="pollNames"/>: each write's key and distinct link
    /// targets, so the entry itself counts once) skips its link lookup.
    /// </summary>
    public async Task LookAheadAsync(IReadOnlyCollection<string> hashes, IReadOnlyCollection<string> names, IReadOnlyList<string> pollNames,
        CancellationToken cancellationToken)
    {
        _unsharedHashes = await AbsentAsync(_sql.StoredHashes, hashes, cancellationToken);
        var named = pollNames.CountBy(n => n, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        _lonelyTargets = await AbsentAsync(_sql.StoredTargets, names.Where(n => named.GetValueOrDefault(n) <= 1).ToList(), cancellationToken);
    }

    // The values for which `command` (rows of value, whether the database has it) says false; no statement for none.
    private async Task<HashSet<string>> AbsentAsync(DbCommand command, IReadOnlyCollection<string> values, CancellationToken cancellationToken)
    {
        var absent = new HashSet<string>(StringComparer.Ordinal);
        if (values.Count == 0) return absent;
        await using var reader = await _sql.Read(command, cancellationToken, ("@values", dialect.TextList(values)));
        while (await reader.ReadAsync(cancellationToken))
            if (!reader.GetBoolean(1)) absent.Add(reader.GetString(0));
        return absent;
    }

    /// <summary>
    /// Places one entry: finds the entries it tells the same story as, joins their stories (or starts one) and saves its fingerprint.
    /// </summary>
    /// <param name="insert">For an entry not stored yet: writes its row once its story is known (the row is then written with it).</param>
    /// <returns>The entry's story.</returns>
    public async Task<long> PlaceAsync(StoryCandidate entry, Func<long, Task>? insert, CancellationToken cancellationToken)
    {
        var fingerprint = entry.Fingerprint ?? hasher.Fingerprint(entry.Title, entry.Summary);
        var comparable = fingerprint.Comparable;
        if (comparable) hasher.BandKeys(fingerprint.Signature, _bandKeys);
        // Related entries with their current story, read by the same lookups that find them; the index last, since it skips
        // candidates of stories already found.
        var related = _related;
        related.Clear();
        if (fingerprint.TextHash is { } hash && !_unsharedHashes.Contains(hash))
            await _sql.ReadIds(_sql.SameText, related, cancellationToken, ("@hash", hash), ("@id", entry.Id), ("@limit", options.MaxBucketCandidates));
        await FindLinkedAsync(entry, related, cancellationToken);
        if (comparable) index.Similar(entry.Id, entry.Time, fingerprint.Signature, _bandKeys, related);
        related.Remove(entry.Id);

        var stories = _stories;
        stories.Clear();
        // A new entry has no story, and nothing in this pass gives it one before its turn: only re-signed entries need the lookup.
        if (entry.StoryId is not null && await CurrentStoryAsync(entry.Id, cancellationToken) is { } own) stories.Add(own);
        foreach (var story in related.Values)
            if (story is { } s) stories.Add(s);
        SortDistinct(stories);
        var target = await JoinAsync(entry, stories, cancellationToken);
        if (insert is not null) await insert(target);
        else await _sql.Execute(_sql.SetStory, cancellationToken, ("@id", entry.Id), ("@story", target));
        await _sql.Execute(_sql.SaveSignature, cancellationToken, ("@id", entry.Id), ("@hash", (object?)fingerprint.TextHash ?? DBNull.Value),
            ("@shingles", fingerprint.ShingleCount), ("@signature", SignatureBlob(fingerprint.Signature)));
        if (fingerprint.TextHash is { } signed) _unsharedHashes.Remove(signed);   // the next entry with this text finds this one
        if (comparable) index.Put(entry.Id, entry.Time, target, fingerprint.Signature, _bandKeys);
        _placed.Add(entry.Id);
        foreach (var (_, linked) in entry.Links) CollectionsMarshal.GetValueRefOrAddDefault(_linkedNow, linked, out _)++;
        return target;
    }

    // The signature's bytes to bind. SQLite binds (copies) and runs a write at once, so one buffer serves every entry of
    // the pass (a fresh array each was ~5 MB of a cold 200-feed poll); PostgreSQL holds writes, values and all, until the
    // next read, so each gets its own array there.
    private byte[] SignatureBlob(uint[] signature)
    {
        var bytes = MemoryMarshal.AsBytes(signature.AsSpan());
        if (dialect.HoldsWrites || bytes.IsEmpty) return bytes.ToArray();
        if (_signatureBytes.Length != bytes.Length) _signatureBytes = new byte[bytes.Length];
        bytes.CopyTo(_signatureBytes);
        return _signatureBytes;
    }

    /// <summary>
    /// Places every pending entry not placed yet (<paramref name="stored"/>: entries the poll inserted or changed, with
    /// fingerprints over their whole text), settles primaries and records the pass in <c>dedup_state</c>.
    /// </summary>
    public async Task<StoryAssignment> FinishAsync(IReadOnlyList<StoryCandidate> stored, CancellationToken cancellationToken)
    {
        var pending = new HashSet<long>();
        await using (var reader = await _sql.Read(_sql.PendingIds, cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) pending.Add(reader.GetInt64(0));
        pending.ExceptWith(_placed);

        // New entries come with everything a pass needs; changed ones are read back (their links accumulate in the table).
        var byId = new Dictionary<long, StoryCandidate>(stored.Count);
        foreach (var candidate in stored) byId[candidate.Id] = candidate;   // two keys of one article in one poll: the later write
        var work = new List<StoryCandidate>(pending.Count);
        var load = new List<long>();
        foreach (var id in pending)
        {
            if (byId.TryGetValue(id, out var candidate) && candidate.StoryId is null) work.Add(candidate);
            else load.Add(id);
        }
        if (load.Count > 0) work.AddRange(await _sql.LoadPendingAsync(load, byId, cancellationToken));
        if (work.Count > 0) await PrepareAsync(work.Min(p => p.Time), cancellationToken);
        // A changed entry that is not pending kept its text and links; its time or account may have moved.
        foreach (var entry in byId.Values.Where(c => !pending.Contains(c.Id) && !_placed.Contains(c.Id)))
        {
            index.Retime(entry.Id, entry.Time);
            if (entry.StoryId is { } story) index.SetState(story, null);
        }
        foreach (var entry in work)
            if (entry.StoryId is not null) index.Forget(entry.Id);   // re-signed below; its old text is not its text any more
        work.Sort((a, b) => a.Id.CompareTo(b.Id));
        foreach (var entry in work) await PlaceAsync(entry, null, cancellationToken);
        await UngroupNewHubsAsync(cancellationToken);

        await SettlePrimariesAsync(cancellationToken);
        await _sql.FlushAsync(cancellationToken);
        if (_placed.Count > 0 || byId.Count > 0) await index.AdvanceAsync(pipeline, cancellationToken);
        _finished = true;
        if (_placed.Count > 0) logger.Assigned(_placed.Count, _created, _merged, _clock.ElapsedMilliseconds);
        return new StoryAssignment(_placed.Count, _created, _merged);
    }

    public ValueTask DisposeAsync()
    {
        if (!_finished) index.Invalidate();
        _sql.Dispose();
        gate.Release();
        return ValueTask.CompletedTask;
    }

    private async Task FindLinkedAsync(StoryCandidate entry, Dictionary<long, long?> related, CancellationToken cancellationToken)
    {
        if (entry.Links.Count <= options.MaxLinksPerEntry)
        {
            // The paper or repository linked joins; for a paper, so do the other posts about it.
            foreach (var (kind, target) in entry.Links.Where(l => !_lonelyTargets.Contains(l.Target)))
                await _sql.ReadIds(_sql.Linked, related, cancellationToken,
                    ("@target", target), ("@owner", true), ("@linkers", kind == "arxiv"), ("@max_links", options.MaxLinksPerEntry), ("@fanout", options.MaxLinkFanout));
        }
        // The paper or repository itself: the posts about it join it.
        if ((entry.Key.StartsWith("arxiv:", StringComparison.Ordinal) || entry.Key.StartsWith("gh:", StringComparison.Ordinal))
            && !_lonelyTargets.Contains(entry.Key))
            await _sql.ReadIds(_sql.Linked, related, cancellationToken,
                ("@target", entry.Key), ("@owner", false), ("@linkers", true), ("@max_links", options.MaxLinksPerEntry), ("@fanout", options.MaxLinkFanout));
    }

    private async Task<long?> CurrentStoryAsync(long entryId, CancellationToken cancellationToken)
    {
        if (index.TryStory(entryId, out var cached)) return cached;
        return await _sql.Value(_sql.StoryOf, cancellationToken, ("@id", entryId)) is long story ? story : null;
    }

    // Sorts `values` ascending and drops repeats, in place.
    private static void SortDistinct(List<long> values)
    {
        values.Sort();
        var kept = 0;
        for (var i = 0; i < values.Count; i++)
            if (kept == 0 || values[i] != values[kept - 1]) values[kept++] = values[i];
        values.RemoveRange(kept, values.Count - kept);
    }

    // Puts the entry into the lowest of `stories` (ascending, no repeats), folding the others into it, or into a new story; returns its story.
    private async Task<long> JoinAsync(StoryCandidate entry, List<long> stories, CancellationToken cancellationToken)
    {
        long target;
        if (stories.Count == 0)
        {
            // A new story of one entry: that entry is its primary (nobody can have pinned another yet).
            target = await _sql.Scalar(_sql.CreateStory, cancellationToken, ("@id", entry.Id), ("@now", _now));
            index.SetState(target, new StoryIndex.StoryState([entry.Member], entry.Member, false));
            _created++;
        }
        else
        {
            target = stories[0];
            for (var i = 1; i < stories.Count; i++)
            {
                var other = stories[i];
                await MergeAsync(other, target, cancellationToken);
                _merged++;
            }
            Joined(target).Add(entry.Member);
            if (entry.StoryId is not null) _dirty.Add(target);   // a re-signed member: what the rule knew of it may be stale
        }
        index.SetStory(entry.Id, target);
        _touched.Add(target);
        return target;
    }

    // Chooses the primary of every story touched, unless an editor pinned one.
    private async Task SettlePrimariesAsync(CancellationToken cancellationToken)
    {
        foreach (var story in _touched)
        {
            var state = index.State(story);
            if (state is { Pinned: true }) continue;
            if (state?.Primary is not { } primary || _dirty.Contains(story))
            {
                index.SetState(story, await RefreshAsync(story, cancellationToken));
                continue;
            }
            if (!_joined.TryGetValue(story, out var joined)) continue;
            var deciding = state.Kept.Concat(joined).DistinctBy(m => m.Id).ToList();
            var chosen = primaryRule.Choose(deciding);
            if (chosen.Id != primary.Id) await _sql.Execute(_sql.SetPrimary, cancellationToken, ("@story", story), ("@id", chosen.Id));
            index.SetState(story, new StoryIndex.StoryState(primaryRule.Keep(deciding), chosen, false));
        }
    }

    // Folds story `from` into `to`; an editor's pinned primary survives unless `to` has its own.
    private async Task MergeAsync(long from, long to, CancellationToken cancellationToken)
    {
        long? pinned = null;
        await using (var reader = await _sql.Read(_sql.StoryRow, cancellationToken, ("@id", from)))
        {
            if (await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) && reader.GetBoolean(1)) pinned = reader.GetInt64(0);
        }
        await _sql.Execute(_sql.MoveStory, cancellationToken, ("@from", from), ("@to", to));
        if (pinned is { } primary) await _sql.Execute(_sql.KeepPinned, cancellationToken, ("@to", to), ("@id", primary));

        var fromState = index.State(from);
        var toState = index.State(to);
        index.MoveStory(from, to);
        if (_joined.Remove(from, out var moved)) Joined(to).AddRange(moved);
        if (_dirty.Remove(from)) _dirty.Add(to);
        _touched.Remove(from);
        _touched.Add(to);
        if (toState is null or { Pinned: true }) return;
        if (pinned is not null)
            index.SetState(to, fromState?.Primary is { Id: var id } known && id == pinned ? new StoryIndex.StoryState([.. toState.Kept, .. fromState.Kept], known, true) : null);
        else if (fromState is { Primary: not null }) Joined(to).AddRange(fromState.Kept);
        else _dirty.Add(to);
    }

    // Reads every member and applies the rule (or keeps the pinned one); returns what is now known of the story.
    private async Task<StoryIndex.StoryState?> RefreshAsync(long story, CancellationToken cancellationToken)
    {
        var members = new List<StoryPrimary.Member>();
        StoryPrimary.Member? pinned = null;
        await using (var reader = await _sql.Read(_sql.Members, cancellationToken, ("@story", story)))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var member = new StoryPrimary.Member(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), SqliteTime.Read(reader.GetString(5)));
                members.Add(member);
                if (reader.GetBoolean(6)) pinned = member;
            }
        }
        if (members.Count == 0) return null;
        if (pinned is not null) return new StoryIndex.StoryState(primaryRule.Keep(members), pinned, true);
        var chosen = primaryRule.Choose(members);
        await _sql.Execute(_sql.SetPrimary, cancellationToken, ("@story", story), ("@id", chosen.Id));
        return new StoryIndex.StoryState(primaryRule.Keep(members), chosen, false);
    }

    private List<StoryPrimary.Member> Joined(long story)
    {
        if (!_joined.TryGetValue(story, out var list)) _joined[story] = list = [];
        return list;
    }

    // `time` − `span`, or the earliest instant when that would underflow (an entry dated year 1).
    private static DateTimeOffset Earlier(DateTimeOffset time, TimeSpan span) =>
        time.UtcTicks - DateTimeOffset.MinValue.UtcTicks > span.Ticks ? time - span : DateTimeOffset.MinValue;
}
