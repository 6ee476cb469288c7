using System.Text.Json;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Drafting;

/// <summary>Says for every entry of a window whether it is in the draft or why it is out (the review page and <c>entries --explain</c>).</summary>
/// <remarks>
/// A thin layer over <see cref="DraftSelector"/>'s result, not a second selection: the draft says what is in; the same
/// selector run again without quotas says which entry represents each story and where each item would rank, so an
/// item it places but the draft lacks is over the quota, and a story member it does not place is not the story's
/// primary. Entries the selector never sees are out by their status or a recorded issue; the rest are below the threshold.
/// </remarks>
public sealed class DraftExplainer(DraftOptions options, IOptionsMonitor<TaggingModel> models)
{
    private readonly DraftSelector _unlimited = new(WithoutQuotas(options), models);

    /// <summary>The decision for each of <paramref name="entries"/>, by entry id.</summary>
    /// <param name="draft">The window's draft as <see cref="DraftExporter"/> built it.</param>
    public IReadOnlyDictionary<long, DraftDecision> Explain(IReadOnlyList<ReviewEntry> entries, Draft draft, DraftWindow window)
    {
        var byId = entries.ToDictionary(e => e.Entry.Id, e => e.Entry);
        var inDraft = Places(draft);
        // In the order places are given (shortlisted first): an item past its section's quota there is over the quota.
        var ranked = Places(_unlimited.Select(entries.Where(IsSelectable).Select(e => e.Entry).ToList(), window, inPriorityOrder: true));
        var draftStories = Representatives(inDraft.Keys, byId);
        var rankedStories = Representatives(ranked.Keys, byId);
        var rejectedStories = Representatives(_unlimited.RejectedStories(entries.Where(IsSelectable).Select(e => e.Entry).ToList()), byId);

        var decisions = new Dictionary<long, DraftDecision>(entries.Count);
        foreach (var review in entries)
        {
            var e = review.Entry;
            decisions[e.Id] = e switch
            {
                _ when inDraft.TryGetValue(e.Id, out var place) => new DraftDecision(DraftDecisionKind.InDraft, $"in draft ({place.Section.Name} #{place.Rank})"),
                { Status: "rejected" } => new DraftDecision(DraftDecisionKind.Rejected, "out: rejected by the editor"),
                { Status: "published" } => new DraftDecision(DraftDecisionKind.Published,
                    review.CoveredBy is { } date ? $"out: published (issue of {date})" : "out: published"),
                _ when review.CoveredBy is { } date => new DraftDecision(DraftDecisionKind.NamedByIssue, $"out: named by a recorded issue (issue of {date})"),
                { IsWithdrawnPaper: true, Status: "candidate" } => new DraftDecision(DraftDecisionKind.Withdrawn,
                    $"out: withdrawn by its authors ({e.Prefix ?? e.CanonicalKey} is a withdrawal notice); shortlist it to keep it"),
                { IsPageGone: true, Status: "candidate" } => new DraftDecision(DraftDecisionKind.Withdrawn,
                    "out: its article page is gone (deleted or expired), found after it was stored; shortlist it to keep it"),
                _ when Primary(e, draftStories) is { } primary => NotPrimary(byId[primary], "in the draft"),
                _ when ranked.TryGetValue(e.Id, out var place) => new DraftDecision(DraftDecisionKind.OverQuota,
                    $"out: over the quota ({place.Section.Name} #{place.Rank}, quota {options.QuotaFor(place.Section.Slug)})"),
                _ when Primary(e, rankedStories) is { } primary => NotPrimary(byId[primary], "out of the draft too"),
                _ when Primary(e, rejectedStories) is { } primary => NotPrimary(byId[primary], "rejected by the editor"),
                _ when !options.EffectiveSections.Any(s => string.Equals(s.Slug, e.Section, StringComparison.OrdinalIgnoreCase)) =>
                    new DraftDecision(DraftDecisionKind.NoSection, $"out: section '{e.Section ?? "none"}' is not one of the draft's sections"),
                // In a draft section, selectable, yet not ranked even without quotas: the selector's score threshold left it out.
                _ => new DraftDecision(DraftDecisionKind.BelowThreshold, e.Score < _unlimited.ThresholdFor(e.Section)
                    ? $"out: below the threshold (relevance {Relevance.Format(e.Score)} < {Relevance.Format(_unlimited.ThresholdFor(e.Section))} in {e.Section})"
                    : $"out: below the threshold (relevance {Relevance.Format(e.Score)})"),
            };
        }
        return decisions;
    }

    // Mirrors the window read of EntryStore.ListWindowAsync: what the selector is given.
    private static bool IsSelectable(ReviewEntry review) => review.Entry.Status is "candidate" or "shortlisted" or "rejected" && review.CoveredBy is null;

    private static Dictionary<long, (DraftSectionItems Section, int Rank)> Places(Draft draft)
    {
        var places = new Dictionary<long, (DraftSectionItems, int)>();
        foreach (var section in draft.Sections)
            for (var i = 0; i < section.Items.Count; i++) places[section.Items[i].EntryId] = (section, i + 1);
        return places;
    }

    // The item standing for each story, and for each repository whose releases the draft shows as one (DraftSelector).
    private static Dictionary<string, long> Representatives(IEnumerable<long> items, IReadOnlyDictionary<long, StoredEntry> byId)
    {
        var stories = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var id in items)
        {
            if (!byId.TryGetValue(id, out var entry)) continue;
            if (entry.StoryId is { } story) stories[$"story:{story}"] = id;
            if (GitHubRepo.RepositoryKeyOf(entry.CanonicalKey) is { } repo) stories[repo] = id;
        }
        return stories;
    }

    private static long? Primary(StoredEntry entry, IReadOnlyDictionary<string, long> stories) =>
        (entry.StoryId is { } story && stories.TryGetValue($"story:{story}", out var primary)
         || GitHubRepo.RepositoryKeyOf(entry.CanonicalKey) is { } repo && stories.TryGetValue(repo, out primary)) && primary != entry.Id ? primary : null;

    private static DraftDecision NotPrimary(StoredEntry primary, string where) => new(DraftDecisionKind.NotStoryPrimary,
        $"out: not its story's primary (the story is #{primary.Id} {TextCleaner.Truncate(primary.Title, 60)}, {where})", primary.Id);

    // A copy through JSON keeps every setting the selector reads (a threshold added later included), then lifts the quotas.
    private static DraftOptions WithoutQuotas(DraftOptions options)
    {
        var contract = JsonContracts.Plain.For<DraftOptions>();
        var copy = JsonSerializer.Deserialize(JsonSerializer.Serialize(options, contract), contract) ?? new DraftOptions();
        copy.Quotas = options.EffectiveSections.ToDictionary(s => s.Slug, _ => int.MaxValue, StringComparer.OrdinalIgnoreCase);
        copy.KeepEmptySections = true;
        return copy;
    }
}
