using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Dedup;

/// <summary>The story writes of one pass: new stories, merges, memberships, and at the end the primaries of the stories touched.</summary>
/// <remarks>
/// A story's primary is chosen again only among its known primary and the members that joined it in this pass (the
/// rule is a fixed order, so the best of a set is the best of its best and the newcomers); when the primary is not known,
/// or a member's own text changed, all members are read and the rule runs over them. An editor's pin always stays.
/// </remarks>
internal sealed class StoryPass(StoryCommands sql, StoryIndex index, StoryPrimary primaryRule, string now)
{
    private readonly HashSet<long> _touched = [];
    private readonly Dictionary<long, List<StoryPrimary.Member>> _joined = [];
    private readonly HashSet<long> _dirty = [];

    public int Created { get; private set; }

    public int Merged { get; private set; }

    /// <summary>Puts <paramref name="entry"/> into the lowest of <paramref name="stories"/>, folding the others into it, or into a new story.</summary>
    /// <returns>The entry's story.</returns>
    public async Task<long> JoinAsync(StoryCandidate entry, SortedSet<long> stories, CancellationToken cancellationToken)
    {
        long target;
        if (stories.Count == 0)
        {
            // A new story of one entry: that entry is its primary (nobody can have pinned another yet).
            target = await sql.Scalar(sql.CreateStory, cancellationToken, ("$id", entry.Id), ("$now", now));
            index.SetState(target, new StoryIndex.StoryState(entry.Member, false));
            Created++;
        }
        else
        {
            target = stories.Min;
            foreach (var other in stories.Where(s => s != target))
            {
                await MergeAsync(other, target, cancellationToken);
                Merged++;
            }
            Joined(target).Add(entry.Member);
            if (entry.StoryId is not null) _dirty.Add(target);   // a re-signed member: what the rule knew of it may be stale
        }
        await sql.Execute(sql.SetStory, cancellationToken, ("$id", entry.Id), ("$story", target));
        index.SetStory(entry.Id, target);
        _touched.Add(target);
        return target;
    }

    /// <summary>Chooses the primary of every story touched, unless an editor pinned one.</summary>
    public async Task SettlePrimariesAsync(CancellationToken cancellationToken)
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
            var chosen = primaryRule.Choose(joined.Prepend(primary));
            if (chosen.Id == primary.Id) continue;
            await sql.Execute(sql.SetPrimary, cancellationToken, ("$story", story), ("$id", chosen.Id));
            index.SetState(story, new StoryIndex.StoryState(chosen, false));
        }
    }

    // Folds story `from` into `to`; an editor's pinned primary survives unless `to` has its own.
    private async Task MergeAsync(long from, long to, CancellationToken cancellationToken)
    {
        long? pinned = null;
        await using (var reader = await sql.With(sql.StoryRow, ("$id", from)).ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) && reader.GetBoolean(1)) pinned = reader.GetInt64(0);
        }
        await sql.Execute(sql.MoveStory, cancellationToken, ("$from", from), ("$to", to));
        if (pinned is { } primary) await sql.Execute(sql.KeepPinned, cancellationToken, ("$to", to), ("$id", primary));

        var fromState = index.State(from);
        var toState = index.State(to);
        index.MoveStory(from, to);
        if (_joined.Remove(from, out var moved)) Joined(to).AddRange(moved);
        if (_dirty.Remove(from)) _dirty.Add(to);
        _touched.Remove(from);
        _touched.Add(to);
        if (toState is null or { Pinned: true }) return;
        if (pinned is not null)
            index.SetState(to, fromState?.Primary is { Id: var id } known && id == pinned ? new StoryIndex.StoryState(known, true) : null);
        else if (fromState?.Primary is { } fromPrimary) Joined(to).Add(fromPrimary);
        else _dirty.Add(to);
    }

    // Reads every member and applies the rule (or keeps the pinned one); returns what is now known of the story.
    private async Task<StoryIndex.StoryState?> RefreshAsync(long story, CancellationToken cancellationToken)
    {
        var members = new List<StoryPrimary.Member>();
        StoryPrimary.Member? pinned = null;
        await using (var reader = await sql.With(sql.Members, ("$story", story)).ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var member = new StoryPrimary.Member(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), SqliteTime.Read(reader.GetString(5)));
                members.Add(member);
                if (reader.GetBoolean(6)) pinned = member;
            }
        }
        if (pinned is not null) return new StoryIndex.StoryState(pinned, true);
        if (members.Count == 0) return null;
        var chosen = primaryRule.Choose(members);
        await sql.Execute(sql.SetPrimary, cancellationToken, ("$story", story), ("$id", chosen.Id));
        return new StoryIndex.StoryState(chosen, false);
    }

    private List<StoryPrimary.Member> Joined(long story)
    {
        if (!_joined.TryGetValue(story, out var list)) _joined[story] = list = [];
        return list;
    }
}
