namespace EmbeddedAiReport.Sources.GitHub;

/// <summary>Releases read from one GitHub document, or why none could be read.</summary>
internal readonly record struct GitHubParse(IReadOnlyList<GitHubRelease> Releases, IReadOnlyList<string> Skipped, string? Error)
{
    public static GitHubParse Ok(IReadOnlyList<GitHubRelease> releases, IReadOnlyList<string> skipped) => new(releases, skipped, null);
    public static GitHubParse Fail(string error) => new([], [], error);
}
