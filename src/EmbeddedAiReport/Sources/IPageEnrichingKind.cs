namespace EmbeddedAiReport.Sources;

/// <summary>A kind whose entries can be completed from their own pages (WeChat article pages): the poller fetches, the kind reads.</summary>
/// <remarks>
/// The poller asks for at most <see cref="PageBudget"/> pages per poll, remembers each page's result so a page is
/// fetched once, skips entries whose page is gone, and stops fetching for <see cref="BlockedBackoff"/> after an
/// anti-bot page; pages a poll did not read are read by later polls (the source's stored entries, newest first). <see cref="ParsePage"/> is pure, like <see cref="ISourceKind.Parse"/>.
/// </remarks>
public interface IPageEnrichingKind
{
    /// <summary>Most pages to fetch in one poll of <paramref name="source"/>; 0 turns enrichment off.</summary>
    int PageBudget(SourceDefinition source);

    /// <summary>How long to fetch no pages for <paramref name="source"/> after an anti-bot page.</summary>
    TimeSpan BlockedBackoff(SourceDefinition source);

    /// <summary>The page that completes <paramref name="entry"/>, or null when it has none.</summary>
    Uri? PageFor(CandidateEntry entry);

    /// <summary>
    /// Reads <paramref name="page"/>: <see cref="ParseOutcome.Parsed"/> with the completed entry as its only entry,
    /// <see cref="ParseOutcome.Gone"/> (deleted, expired), <see cref="ParseOutcome.Blocked"/> (anti-bot) or
    /// <see cref="ParseOutcome.WrongFormat"/> (keep the entry as the feed gave it).
    /// </summary>
    ParseOutcome ParsePage(FetchedDocument page, CandidateEntry entry, SourceDefinition source);
}
