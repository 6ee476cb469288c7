namespace EmbeddedAiReport.Sources.GitHub;

/// <summary>Releases read from one GitHub document, or why none could be read.</summary>
/// <param name="Warning">The document was broken and only partly read.</param>
internal readonly record struct GitHubParse(IReadOnlyList<GitHubRelease> Releases, IReadOnlyList<string> Skipped, string? Error, string? Warning = null)
{
    public static GitHubParse Ok(IReadOnlyList<GitHubRelease> releases, IReadOnlyList<string> skipped, string? warning = null) => new(releases, skipped, null, warning);
    public static GitHubParse Fail(string error) => new([], [], error);
}
