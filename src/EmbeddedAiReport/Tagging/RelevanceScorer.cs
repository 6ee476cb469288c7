using System.Runtime.CompilerServices;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tagging;

/// <summary>Scores an entry's relevance: tag weights + source weight + links to papers/code + recency (design.md §6).</summary>
/// <remarks>
/// The score is decided once, when the entry is stored; the draft keeps entries at or above Draft:MinScore.
/// Recency is small on purpose: an old on-topic entry must still pass the threshold and a fresh off-topic one must not.
/// </remarks>
public static class RelevanceScorer
{
    // One EntryTag per definition of the taxonomy, made the first time it is found: each entry's tags were new objects
    // (~2.6 MB of a cold 200-feed poll). Keyed by the definition object, not its name: a reloaded tags.json brings new
    // definitions (a changed weight among them), which get their own; old ones go with their taxonomy.
    private static readonly ConditionalWeakTable<TagDefinition, EntryTag> EntryTags = new();

    /// <summary>The score of <paramref name="entry"/> with the <paramref name="tags"/> found in it, explained.</summary>
    public static ScoreExplanation Score(CandidateEntry entry, IReadOnlyList<TagDefinition> tags, double sourceWeight, ScoringOptions scoring, DateTimeOffset now)
    {
        var entryTags = new EntryTag[tags.Count];
        double sum = 0;
        for (var i = 0; i < tags.Count; i++)
        {
            entryTags[i] = EntryTags.GetValue(tags[i], static tag => new EntryTag(tag.Name, tag.Weight));
            sum += tags[i].Weight;
        }
        var tagScore = Math.Min(sum, scoring.MaxTagScore);
        var linkBonus = PointsToPaperOrCode(entry) ? scoring.LinkWeight : 0;
        var recency = 0.0;
        if (entry.Published is { } published && scoring.RecencyWeight > 0)
        {
            var ageDays = Math.Max(0, (now - published).TotalDays);
            recency = scoring.RecencyWeight * Math.Max(0, 1 - ageDays / scoring.RecencyDays);
        }
        return new ScoreExplanation(entryTags, tagScore, sourceWeight, linkBonus, Math.Round(recency, 3));
    }

    /// <summary>
    /// How a stored score was made: its tags (capped), the source's weight and the link bonus as configured, and the
    /// recency bonus it had when stored (the remainder, since recency depends on when the entry was scored).
    /// </summary>
    public static ScoreExplanation Explain(double storedScore, IReadOnlyList<EntryTag> tags, IReadOnlyList<EntryLink> links, double sourceWeight, ScoringOptions scoring)
    {
        var tagScore = Math.Min(tags.Sum(t => t.Weight), scoring.MaxTagScore);
        var linkBonus = links.Any(l => l.Kind is "arxiv" or "github") ? scoring.LinkWeight : 0;
        var recency = Math.Round(storedScore - tagScore - sourceWeight - linkBonus, 3);
        return new ScoreExplanation(tags, tagScore, sourceWeight, linkBonus, recency);
    }

    // Only mentions count: an arXiv listing brings hundreds of papers a day, and being a paper says nothing about
    // being on topic; a post that points to a paper or a repository is usually a write-up the editor would consider.
    private static bool PointsToPaperOrCode(CandidateEntry entry)
    {
        foreach (var link in entry.Links)
            if (link.Kind is "arxiv" or "github") return true;
        return false;
    }
}
