namespace EmbeddedAiReport.Summaries;

/// <summary>What one model call gave: an answer's text (not yet checked), or why there is none.</summary>
public abstract record SummaryAnswer
{
    private SummaryAnswer() { }

    /// <summary>The model answered; <paramref name="Text"/> may be empty.</summary>
    /// <param name="Cut">The answer stopped at the token limit (finish reason <c>length</c>), not where the model ended it.</param>
    /// <param name="FinishReason">The server's finish reason (<c>stop</c>, <c>length</c>, <c>content_filter</c>, <c>tool_calls</c>), if it gave one.</param>
    public sealed record Answered(string Text, bool Cut = false, string? FinishReason = null) : SummaryAnswer;

    /// <summary>No usable answer: unreachable, timed out, an HTTP error, a malformed body.</summary>
    /// <param name="RetryAt">When the endpoint asked to be called again (a 429's Retry-After), if it did.</param>
    /// <param name="EntryOnly">The failure is this entry's own (its prompt exceeds the server's context): other entries may still be asked.</param>
    public sealed record Failed(string Reason, DateTimeOffset? RetryAt, bool EntryOnly = false) : SummaryAnswer;
}
