using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Tagging;

/// <summary>Decides an entry's section, relevance and tags before it is stored.</summary>
/// <remarks>
/// Section: the kind's choice (arXiv → papers, GitHub release → opensource) first; then editorial rules and the
/// router learned from past issues; a low-confidence guess yields to the source's section hint; without a router, the
/// hint or the kind's default. Relevance: the learned model (<see cref="RelevanceModel"/>), or without one the keyword
/// score mapped to 0–1 (<see cref="KeywordRelevance"/>). Runs on the ingest path: tag passes over the text, one feature
/// pass per model, no I/O. The model is read once per call from <paramref name="models"/>, so a reloaded tags.json,
/// router.json or ranker.json applies from the next entry on.
/// </remarks>
public sealed class EntryClassifier(IOptionsMonitor<TaggingModel> models, TimeProvider timeProvider)
{
    /// <summary>A classifier with a fixed model (tests, tools).</summary>
    public EntryClassifier(TaggingModel model, TimeProvider timeProvider) : this(new FixedOptionsMonitor<TaggingModel>(model), timeProvider)
    {
    }

    /// <summary>The stored form of <paramref name="entry"/> from <paramref name="source"/>.</summary>
    public EntryWrite Classify(CandidateEntry entry, SourceDefinition source, string kindDefaultSection)
    {
        var model = models.CurrentValue;
        var occurrences = model.Taxonomy.Matcher.Occurrences(entry.Title, entry.Summary);
        var tags = Tags(occurrences);
        var keywords = RelevanceScorer.Score(entry, tags, source.Weight, model.Taxonomy.Scoring, timeProvider.GetUtcNow());
        var score = model.Ranker is { } ranker
            ? ranker.Score(entry, occurrences, source.Weight)
            : KeywordRelevance.FromKeywordScore(keywords.Total);
        return new EntryWrite(entry, source.Kind, Route(model, entry, tags, source, kindDefaultSection).Section, score, keywords.Tags);
    }

    /// <summary>The section and relevance of <paramref name="entry"/> with the reasons for both.</summary>
    public Classification Explain(CandidateEntry entry, SourceDefinition source, string kindDefaultSection)
    {
        var model = models.CurrentValue;
        var occurrences = model.Taxonomy.Matcher.Occurrences(entry.Title, entry.Summary);
        var tags = Tags(occurrences);
        var route = Route(model, entry, tags, source, kindDefaultSection);
        var keywords = RelevanceScorer.Score(entry, tags, source.Weight, model.Taxonomy.Scoring, timeProvider.GetUtcNow());
        if (model.Ranker is not { } ranker)
            return new Classification(route, new Relevance(KeywordRelevance.FromKeywordScore(keywords.Total), model.ThresholdFor(route.Section), keywords, []));
        var score = ranker.Score(entry, occurrences, source.Weight);
        return new Classification(route, new Relevance(score, ranker.ThresholdFor(route.Section), null, ranker.Contributions(entry, occurrences)));
    }

    /// <summary>
    /// The relevance and tags of a stored entry as the current model and taxonomy give them (to rescore and retag the
    /// database after training: tags.json may have gained, lost or renamed tags since the entry was stored).
    /// </summary>
    public (double Score, IReadOnlyList<EntryTag> Tags) ClassifyStored(StoredEntry entry, double sourceWeight)
    {
        var model = models.CurrentValue;
        var candidate = entry.ToCandidate();
        var occurrences = model.Taxonomy.Matcher.Occurrences(candidate.Title, candidate.Summary);
        var keywords = RelevanceScorer.Score(candidate, Tags(occurrences), sourceWeight, model.Taxonomy.Scoring, timeProvider.GetUtcNow());
        var score = model.Ranker is { } ranker ? ranker.Score(candidate, occurrences, sourceWeight) : KeywordRelevance.FromKeywordScore(keywords.Total);
        return (score, keywords.Tags);
    }

    /// <summary>The relevance of a stored entry as the current model scores it, with the reasons.</summary>
    public Relevance ExplainStored(StoredEntry entry, double sourceWeight)
    {
        var model = models.CurrentValue;
        var candidate = entry.ToCandidate();
        var occurrences = model.Taxonomy.Matcher.Occurrences(candidate.Title, candidate.Summary);
        if (model.Ranker is not { } ranker)
        {
            // The stored relevance is σ(keyword score − midpoint): explain the keyword score it came from.
            var keywords = RelevanceScorer.Explain(KeywordRelevance.ToKeywordScore(entry.Score), occurrences.Select(t => new EntryTag(t.Tag.Name, t.Tag.Weight)).ToList(), entry.Links, sourceWeight, model.Taxonomy.Scoring);
            return new Relevance(entry.Score, model.ThresholdFor(entry.Section), keywords, []);
        }
        return new Relevance(ranker.Score(candidate, occurrences, sourceWeight), ranker.ThresholdFor(entry.Section), null,
            ranker.Contributions(candidate, occurrences));
    }

    // An array, not a LINQ list: it runs for every entry of a poll.
    private static TagDefinition[] Tags(IReadOnlyList<TagOccurrence> occurrences)
    {
        if (occurrences.Count == 0) return [];
        var tags = new TagDefinition[occurrences.Count];
        for (var i = 0; i < tags.Length; i++) tags[i] = occurrences[i].Tag;
        return tags;
    }

    private static RouteDecision Route(TaggingModel model, CandidateEntry entry, IReadOnlyList<TagDefinition> tags, SourceDefinition source, string kindDefaultSection)
    {
        if (entry.Section is { } kindSection) return new RouteDecision(kindSection, 1, "kind");
        if (SectionRouter.Rule(entry) is { } rule) return rule;
        if (model.Router is { } router)
        {
            var guess = router.Predict(entry, tags);
            if (guess.Confidence >= router.MinConfidence || source.Section is null) return guess;
            return new RouteDecision(source.Section, guess.Confidence, $"hint (router said {guess.Section})");
        }
        return source.Section is { } hint ? new RouteDecision(hint, 1, "hint") : new RouteDecision(kindDefaultSection, 1, "default");
    }
}
