namespace EmbeddedAiReport.Drafting;

/// <summary>Why an entry is in its window's draft or out of it, in words an editor reads (<c>in draft</c>, <c>out: over the quota …</c>).</summary>
/// <param name="RelatedEntryId">For <see cref="DraftDecisionKind.NotStoryPrimary"/>: the entry that represents the story.</param>
public sealed record DraftDecision(DraftDecisionKind Kind, string Text, long? RelatedEntryId = null)
{
    /// <summary>True for <see cref="DraftDecisionKind.InDraft"/>.</summary>
    public bool InDraft => Kind == DraftDecisionKind.InDraft;

    public override string ToString() => Text;
}
