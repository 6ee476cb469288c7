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

    /// <summary>Not an article page we can read; the entry stays as the feed gave it.</summary>
    Unreadable,
}
