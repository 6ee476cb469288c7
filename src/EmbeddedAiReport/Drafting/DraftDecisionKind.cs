namespace EmbeddedAiReport.Drafting;

/// <summary>Whether an entry of a window is in its draft, or the reason it is out.</summary>
public enum DraftDecisionKind
{
    /// <summary>An item of the draft.</summary>
    InDraft,
    /// <summary>The editor rejected it.</summary>
    Rejected,
    /// <summary>Its status is published.</summary>
    Published,
    /// <summary>A recorded (imported or published) issue names it or another member of its story.</summary>
    NamedByIssue,
    /// <summary>Another member of its story represents the story.</summary>
    NotStoryPrimary,
    /// <summary>Its section already holds its quota of better items.</summary>
    OverQuota,
    /// <summary>Its score is under <see cref="DraftOptions.MinScore"/>.</summary>
    BelowThreshold,
    /// <summary>Its section is not one of the draft's sections.</summary>
    NoSection,
    /// <summary>An arXiv paper whose latest version withdraws it, or an article whose page was found gone (deleted, expired) after it was stored.</summary>
    Withdrawn,
}
