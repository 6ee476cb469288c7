using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Summaries;

/// <summary>Puts the stored model 摘要 into a draft, and says for an entry which summary a draft shows and why.</summary>
/// <remarks>
/// Reads only: a draft never waits for a model. While summaries are off (no <see cref="SummariesOptions.Endpoint"/>) nothing
/// is read and drafts are exactly what they were without this feature. The editor's own summary always wins.
/// </remarks>
public sealed class DraftSummaries(SummaryStore store, IOptions<SummariesOptions> options, SummaryPrompt? prompt = null)
{
    /// <summary>True when an endpoint is configured and the prompt loaded.</summary>
    public bool Enabled => options.Value.Enabled && prompt is not null;

    /// <summary>The model and prompt version answers are stored under.</summary>
    internal (string Model, string Prompt) Key => (options.Value.Model, prompt?.Version ?? "");

    /// <summary><paramref name="draft"/> with each item's summary replaced by its accepted model 摘要, unless the editor wrote one.</summary>
    public async Task<Draft> ApplyAsync(Draft draft, CancellationToken cancellationToken)
    {
        if (!Enabled) return draft;
        var ids = draft.Sections.SelectMany(s => s.Items).Select(i => i.EntryId).ToList();
        if (ids.Count == 0) return draft;
        var edited = (await store.SourcesAsync(ids, cancellationToken)).Where(s => s.EditorSummary).Select(s => s.Source.EntryId).ToHashSet();
        var found = await store.FindAsync(ids, Key.Model, Key.Prompt, cancellationToken);
        string? Written(long id) => !edited.Contains(id) && found.TryGetValue(id, out var s) ? s.Text : null;
        return draft with
        {
            Sections = draft.Sections.Select(section => section with
            {
                Items = section.Items.Select(i => Written(i.EntryId) is { } text ? i with { Summary = text } : i).ToList(),
            }).ToList(),
        };
    }

    /// <summary>For <c>entries --explain</c>: which summary each of <paramref name="ids"/> shows in drafts and why; empty while off.</summary>
    public async Task<IReadOnlyDictionary<long, string>> DescribeAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        var texts = new Dictionary<long, string>();
        if (!Enabled || ids.Count == 0) return texts;
        var found = await store.FindAsync(ids, Key.Model, Key.Prompt, cancellationToken);
        foreach (var (source, editorSummary) in await store.SourcesAsync(ids, cancellationToken))
        {
            texts[source.EntryId] = (Skip(source, editorSummary, options.Value), found.GetValueOrDefault(source.EntryId)) switch
            {
                (SummaryOutcome.EditorSummary, _) => "the editor's",
                (SummaryOutcome.NoText, _) => "none (the source gave no text)",
                (SummaryOutcome.AlreadyChinese, _) => "the source text (already Chinese)",
                (_, { Text: not null }) => $"written by {Key.Model}",
                (_, { Problem: { } problem }) => $"the source text (the answer of {Key.Model} was refused: {problem})",
                _ => "the source text (no model summary yet; run summarize)",
            };
        }
        return texts;
    }

    /// <summary>Why an entry is not one to summarize (the editor's summary, no text, already Chinese), or null when it is.</summary>
    internal static SummaryOutcome? Skip(SummarySource source, bool editorSummary, SummariesOptions options)
    {
        if (editorSummary) return SummaryOutcome.EditorSummary;
        if (string.IsNullOrWhiteSpace(source.Text)) return SummaryOutcome.NoText;
        if (!options.IncludeChinese && SummaryCheck.ChineseShare(source.Text) >= options.MinChineseShare) return SummaryOutcome.AlreadyChinese;
        return null;
    }
}
