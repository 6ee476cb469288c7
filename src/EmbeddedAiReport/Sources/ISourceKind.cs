namespace EmbeddedAiReport.Sources;

/// <summary>A kind of source (feed, arxiv-rss, github-releases …): how to address it and how to read what it returns.</summary>
/// <remarks>
/// Implementations are stateless singletons; <see cref="Parse"/> is pure (no I/O, no clock): it measures dates against
/// <see cref="FetchedDocument.Received"/>, so the same document parses the same way whenever it is parsed.
/// </remarks>
public interface ISourceKind
{
    /// <summary>The <c>kind</c> value in sources.json.</summary>
    string Kind { get; }

    /// <summary>Kind-specific keys accepted in sources.json besides the common ones.</summary>
    IReadOnlyCollection<string> Fields { get; }

    /// <summary>Section slug for this kind's entries when the source sets none.</summary>
    string DefaultSection { get; }

    /// <summary>Every problem with the kind-specific fields, each naming its field (<c>category: …</c>).</summary>
    IEnumerable<string> Validate(SourceDefinition source);

    /// <summary>What is valid but does not do what it says (a field that has no effect with the others), each naming its field.</summary>
    IEnumerable<string> Warnings(SourceDefinition source) => [];

    /// <summary>The requests one poll makes, in order (one per repo, account …).</summary>
    IReadOnlyList<SourceRequest> Requests(SourceDefinition source);

    /// <summary>Reads one fetched document into candidate entries.</summary>
    ParseOutcome Parse(FetchedDocument document, SourceDefinition source, SourceRequest request);

    /// <summary>
    /// What to tell the operator when <paramref name="request"/> was answered, through permanent redirects, from
    /// <paramref name="target"/> (the document <see cref="Parse"/> read as <paramref name="parsed"/>): the address is then
    /// remembered and asked first by later polls. Null (the default): follow the redirect at each poll, as any other.
    /// </summary>
    string? Moved(SourceDefinition source, SourceRequest request, Fetching.PermanentRedirect target, ParseOutcome.Parsed parsed) => null;

    /// <summary>
    /// How long the source may go without a new entry while its polls succeed before it counts as stale
    /// (a mirror whose login expired still answers 200); null: never stale.
    /// </summary>
    TimeSpan? StaleAfter(SourceDefinition source) => null;
}
