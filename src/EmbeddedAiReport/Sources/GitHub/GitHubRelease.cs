using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.GitHub;

/// <summary>One release (or tag) as GitHub described it, before it becomes a candidate entry.</summary>
/// <param name="Repo">The repository as the document names it (after a rename, the new name).</param>
/// <param name="RepositoryId">GitHub's numeric repository id when the document carries it (Atom entry id); stable across renames.</param>
/// <param name="Name">The release name (Atom title, REST <c>name</c>); may equal the tag or be empty.</param>
/// <param name="Notes">Release notes: HTML for Atom, markdown for REST.</param>
/// <param name="Prerelease">GitHub's flag (REST); null when the document has none (Atom).</param>
internal sealed record GitHubRelease(
    GitHubRepo Repo,
    long? RepositoryId,
    string Tag,
    string Name,
    Uri Url,
    string? Notes,
    bool NotesAreHtml,
    DateTimeOffset? Published,
    bool? Prerelease,
    bool Draft);
