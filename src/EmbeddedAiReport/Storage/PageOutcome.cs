namespace EmbeddedAiReport.Storage;

/// <summary>The result of reading one entry's page.</summary>
public enum PageOutcome
{
    /// <summary>The page was read and completed the entry.</summary>
    Read,

    /// <summary>Deleted or expired: the entry is not stored as content.</summary>
    Gone,

    /// <summary>An anti-bot page: page fetches for the source pause, the page is retried later.</summary>
    Blocked,

    /// <summary>Not an article page we can read, or one whose host failed too often; the entry stays as the feed gave it.</summary>
    Unreadable,

    /// <summary>
    /// Not read yet: its host failed (a 5xx, a 408, no answer) <see cref="StoredPage.Failures"/> times in a row; a poll asks
    /// it again from <see cref="StoredPage.RetryAt"/> on.
    /// </summary>
    Failing,
}
