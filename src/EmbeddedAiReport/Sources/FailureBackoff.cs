using EmbeddedAiReport.Fetching;

namespace EmbeddedAiReport.Sources;

/// <summary>How long scheduled polls leave a failing source (or one failing request of it) alone.</summary>
public static class FailureBackoff
{
    /// <summary>
    /// <see cref="FetchingOptions.FailureBackoff"/> doubled for each failure in a row, capped at
    /// <see cref="FetchingOptions.MaxFailureBackoff"/>, and never shorter than the server's Retry-After.
    /// </summary>
    public static TimeSpan After(int failuresInARow, TimeSpan? retryAfter, FetchingOptions options)
    {
        var doubled = options.FailureBackoff.TotalSeconds * Math.Pow(2, Math.Min(failuresInARow - 1, 30));
        var backoff = TimeSpan.FromSeconds(Math.Min(doubled, options.MaxFailureBackoff.TotalSeconds));
        return retryAfter is { } wait && wait > backoff ? wait : backoff;
    }

    /// <summary>
    /// When the pause of a source that failed ends: <see cref="After"/> counted from <paramref name="from"/> (the firing
    /// that failed, or the poll's start), except that the server's Retry-After counts from its answer (<paramref name="answered"/>).
    /// </summary>
    public static DateTimeOffset Until(DateTimeOffset from, DateTimeOffset answered, int failuresInARow, TimeSpan? retryAfter, FetchingOptions options)
    {
        var backoff = from + After(failuresInARow, null, options);
        return retryAfter is { } wait && answered + wait > backoff ? answered + wait : backoff;
    }
}
