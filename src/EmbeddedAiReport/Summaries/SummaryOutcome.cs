namespace EmbeddedAiReport.Summaries;

/// <summary>What a summarizer run did for one entry.</summary>
public enum SummaryOutcome
{
    /// <summary>The model answered and the answer passed the checks: the draft shows it.</summary>
    Accepted,
    /// <summary>The model answered but the answer failed a check: the draft keeps the source text; the reason is stored.</summary>
    Refused,
    /// <summary>An answer for this content, model and prompt was already stored (accepted or refused): no call.</summary>
    Cached,
    /// <summary>The editor wrote this entry's summary: never asked, never overwritten.</summary>
    EditorSummary,
    /// <summary>The source gave no text to summarize.</summary>
    NoText,
    /// <summary>The source text is already Chinese (Summaries:IncludeChinese is off).</summary>
    AlreadyChinese,
    /// <summary>The week's Summaries:MaxPerWeek answers are spent.</summary>
    OverWeeklyLimit,
    /// <summary>The run's time budget (export --summaries) ran out.</summary>
    OverTimeBudget,
    /// <summary>The call failed (unreachable, timeout, HTTP error, malformed answer): the source text stays.</summary>
    Failed,
    /// <summary>Not asked: an earlier call of this run failed, or the endpoint asked to wait.</summary>
    NotCalled,
}
