using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Tagging;

/// <summary>Decides an entry's section, score and tags before it is stored.</summary>
/// <remarks>
/// Section: the kind's choice (arXiv → papers, GitHub release → opensource) first; then editorial rules and the
/// router learned from past issues; a low-confidence guess yields to the source's section hint; without a router, the
/// hint or the kind's default. Score: see <see cref="RelevanceScorer"/>. Runs on the ingest path: one pass over the text
/// for tags, one for router features, no I/O.
/// The model is read once per entry from <paramref name="models"/>, so a reloaded tags.json or router.json applies to the next entry.
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
        var classification = Explain(entry, source, kindDefaultSection);
        return new EntryWrite(entry, source.Kind, classification.Route.Section, classification.Score.Total, classification.Score.Tags);
    }

    /// <summary>The section and score of <paramref name="entry"/> with the reasons for both.</summary>
    public Classification Explain(CandidateEntry entry, SourceDefinition source, string kindDefaultSection)
    {
        var model = models.CurrentValue;
        var tags = model.Taxonomy.Matcher.Match(entry.Title, entry.Summary);
        var score = RelevanceScorer.Score(entry, tags, source.Weight, model.Taxonomy.Scoring, timeProvider.GetUtcNow());
        return new Classification(Route(model, entry, tags, source, kindDefaultSection), score);
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
