using System.Runtime.InteropServices;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Dedup;

// Undoing what a link grouped once its target became a hub (StoryPass.UngroupNewHubsAsync): apart from placing, since it
// reads and joins a whole story's members again.
internal sealed partial class StoryPass
{
    /// <summary>
    /// A target this pass made a hub (linked now by more than <see cref="DedupOptions.MaxLinkFanout"/> entries, by at most
    /// that many before) groups nothing by link, as if it had been one from the start: the stories it grouped while it was not
    /// one are split where nothing else holds them together (<see cref="SplitAsync"/>). Otherwise a story would depend on the
    /// order its entries arrived in: the first few write-ups citing one backbone would chain their papers into one story.
    /// </summary>
    private async Task UngroupNewHubsAsync(CancellationToken cancellationToken)
    {
        if (_linkedNow.Count == 0) return;
        var fanout = options.MaxLinkFanout;
        var newHubs = new List<string>();
        await using (var reader = await _sql.Read(_sql.Linking, cancellationToken,
                         ("@limit", fanout + _linkedNow.Values.Max() + 1), ("@values", dialect.TextList(_linkedNow.Keys))))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (target, linking) = (reader.GetString(0), reader.GetInt64(1));
                if (linking > fanout && linking - _linkedNow[target] <= fanout) newHubs.Add(target);
            }
        }
        var stories = new SortedSet<long>();
        foreach (var hub in newHubs)
        {
            await using var reader = await _sql.Read(_sql.TargetStories, cancellationToken, ("@target", hub));
            while (await reader.ReadAsync(cancellationToken)) stories.Add(reader.GetInt64(0));
        }
        foreach (var story in stories) await SplitAsync(story, cancellationToken);
    }

    /// <summary>
    /// Splits a story into the groups of its members that what places entries joins now (the same rules, over all its members:
    /// same text, near-duplicate text within the lookback, a link to a target that is no hub). The group with the story's
    /// primary (an editor's pin included) keeps the story; each other group becomes a new story, its primary chosen by the rule.
    /// </summary>
    private async Task SplitAsync(long story, CancellationToken cancellationToken)
    {
        var members = await ReadTextsAsync(story, cancellationToken);
        if (members.Count < 2) return;
        var at = new Dictionary<long, int>(members.Count);
        for (var i = 0; i < members.Count; i++) at[members[i].Id] = i;
        var links = await ReadLinksAsync(story, at, cancellationToken);

        var groups = new Groups(members.Count);
        JoinByText(members, groups);
        await JoinByLinkAsync(members, links, groups, cancellationToken);

        var parts = Enumerable.Range(0, members.Count).GroupBy(groups.Root).ToList();
        if (parts.Count == 1) return;
        long? primary = null;
        await using (var reader = await _sql.Read(_sql.StoryRow, cancellationToken, ("@id", story)))
        {
            if (await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0)) primary = reader.GetInt64(0);
        }
        var kept = primary is { } p && at.TryGetValue(p, out var primaryAt) ? groups.Root(primaryAt) : parts[0].Key;
        foreach (var part in parts.Where(g => g.Key != kept)) await MoveToNewStoryAsync(part.Select(i => members[i].Id).ToList(), cancellationToken);
        logger.Split(story, parts.Count);
        // What was known of the story's primary may name a member that left: the rule runs again over those who stayed.
        index.SetState(story, null);
        _dirty.Add(story);
        _touched.Add(story);
    }

    private readonly record struct StoryText(long Id, string Key, long Ticks, string? Hash, byte[]? Signature);

    private async Task<List<StoryText>> ReadTextsAsync(long story, CancellationToken cancellationToken)
    {
        var members = new List<StoryText>();
        await using var reader = await _sql.Read(_sql.StoryTexts, cancellationToken, ("@story", story));
        while (await reader.ReadAsync(cancellationToken))
            members.Add(new StoryText(reader.GetInt64(0), reader.GetString(1), SqliteTime.Read(reader.GetString(2)).UtcTicks,
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4)));
        return members;
    }

    // The links of the story's members, each by the member's place in the list (`at`: entry id → place).
    private async Task<List<(int Member, string Kind, string Target)>> ReadLinksAsync(long story, Dictionary<long, int> at, CancellationToken cancellationToken)
    {
        var links = new List<(int Member, string Kind, string Target)>();
        await using var reader = await _sql.Read(_sql.StoryLinks, cancellationToken, ("@story", story));
        while (await reader.ReadAsync(cancellationToken))
            if (at.TryGetValue(reader.GetInt64(0), out var member)) links.Add((member, reader.GetString(1), reader.GetString(2)));
        return links;
    }

    // By text: the same normalized text, or signatures within the lookback whose estimated similarity reaches the threshold.
    private void JoinByText(List<StoryText> members, Groups groups)
    {
        var lookback = TimeSpan.FromDays(options.LookbackDays).Ticks;
        var signatureBytes = options.SignatureLength * sizeof(uint);
        for (var a = 0; a < members.Count; a++)
        {
            if (members[a].Hash is null) continue;
            for (var b = a + 1; b < members.Count; b++)
            {
                if (members[b].Hash is null || groups.Root(a) == groups.Root(b)) continue;
                if (members[a].Hash == members[b].Hash) groups.Join(a, b);
                else if (members[a].Signature is { } x && members[b].Signature is { } y && x.Length == signatureBytes && y.Length == signatureBytes
                         && Math.Abs(members[a].Ticks - members[b].Ticks) <= lookback
                         && MinHasher.Similarity(MemoryMarshal.Cast<byte, uint>(x), MemoryMarshal.Cast<byte, uint>(y)) >= options.Threshold)
                    groups.Join(a, b);
            }
        }
    }

    // By link, as FindLinkedAsync looks: an entry of at most MaxLinksPerEntry links joins the target's own entry and, for
    // a paper, the other such entries linking it, unless the target is a hub.
    private async Task JoinByLinkAsync(List<StoryText> members, List<(int Member, string Kind, string Target)> links, Groups groups,
        CancellationToken cancellationToken)
    {
        var linkCount = links.CountBy(l => l.Member).ToDictionary();
        var byTarget = links.Where(l => linkCount[l.Member] <= options.MaxLinksPerEntry).GroupBy(l => l.Target, StringComparer.Ordinal).ToList();
        var linking = new Dictionary<string, long>(StringComparer.Ordinal);
        if (byTarget.Count > 0)
        {
            await using var reader = await _sql.Read(_sql.Linking, cancellationToken,
                ("@limit", options.MaxLinkFanout + 1), ("@values", dialect.TextList(byTarget.Select(g => g.Key))));
            while (await reader.ReadAsync(cancellationToken)) linking[reader.GetString(0)] = reader.GetInt64(1);
        }
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < members.Count; i++) byKey[members[i].Key] = i;
        foreach (var target in byTarget)
        {
            if (linking.GetValueOrDefault(target.Key) > options.MaxLinkFanout) continue;
            if (byKey.TryGetValue(target.Key, out var owner))
                foreach (var linker in target) groups.Join(linker.Member, owner);
            var posts = target.Where(l => l.Kind == "arxiv").ToList();
            foreach (var post in posts.Skip(1)) groups.Join(post.Member, posts[0].Member);
        }
    }

    // A group split off becomes a new story of its own; the rule chooses its primary when the pass settles.
    private async Task MoveToNewStoryAsync(List<long> ids, CancellationToken cancellationToken)
    {
        var created = await _sql.Scalar(_sql.CreateStory, cancellationToken, ("@id", ids[0]), ("@now", _now));
        foreach (var id in ids)
        {
            await _sql.Execute(_sql.SetStory, cancellationToken, ("@id", id), ("@story", created));
            index.SetStory(id, created);
        }
        index.SetState(created, null);
        _touched.Add(created);
        _created++;
    }

    // Disjoint sets over the members' places: a member's group is named by its root.
    private sealed class Groups(int count)
    {
        private readonly int[] _parent = Enumerable.Range(0, count).ToArray();

        public int Root(int i) => _parent[i] == i ? i : _parent[i] = Root(_parent[i]);

        public void Join(int a, int b) => _parent[Root(a)] = Root(b);
    }
}
