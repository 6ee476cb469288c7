using System.Text.RegularExpressions;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.GitHub;

/// <summary>Which GitHub document a <c>github-releases</c> source reads.</summary>
internal enum GitHubApi
{
    /// <summary><c>releases.atom</c> (or <c>tags.atom</c>): no token, no API budget, the 10 newest, no prerelease flag.</summary>
    Atom,

    /// <summary>REST <c>/repos/{o}/{r}/releases</c>: prerelease/draft flags and full notes, 60 requests/hour without a token.</summary>
    Rest,
}

/// <summary>The kind-specific fields of a <c>github-releases</c> source, read and checked once.</summary>
internal sealed record GitHubReleasesSettings
{
    public static readonly Uri DefaultWebBase = new("https://github.com/");
    public static readonly Uri DefaultApiBase = new("https://api.github.com/");
    public const string DefaultTokenEnv = "GITHUB_TOKEN";

    public required IReadOnlyList<GitHubRepo> Repos { get; init; }
    public GitHubApi Api { get; init; } = GitHubApi.Atom;
    /// <summary>Read <c>tags.atom</c> instead of <c>releases.atom</c> (repos that tag without releases).</summary>
    public bool Tags { get; init; }
    public bool Prereleases { get; init; }
    public IReadOnlyList<Regex> IncludeTags { get; init; } = [];
    public IReadOnlyList<Regex> ExcludeTags { get; init; } = [];
    public Uri WebBase { get; init; } = DefaultWebBase;
    public Uri ApiBase { get; init; } = DefaultApiBase;
    public string TokenEnv { get; init; } = DefaultTokenEnv;

    /// <summary>The field names sources.json may use for this kind.</summary>
    public static readonly IReadOnlyCollection<string> Fields =
        ["repo", "repos", "api", "tags", "prereleases", "includeTags", "excludeTags", "baseUrl", "apiUrl", "tokenEnv"];

    /// <summary>Reads the settings of <paramref name="source"/>; <paramref name="problems"/> gets every bad field, named.</summary>
    public static GitHubReleasesSettings Read(SourceDefinition source, List<string> problems)
    {
        var repos = new List<GitHubRepo>();
        foreach (var field in new[] { "repo", "repos" })
        {
            if (source.Settings.TryGetValue(field, out _) && source.GetStrings(field).Count == 0)
                problems.Add($"{field}: expected \"owner/repo\" or a list of them");
            foreach (var text in source.GetStrings(field))
            {
                if (GitHubRepo.TryParse(text) is not { } repo) problems.Add($"{field}: not owner/repo: '{text}'");
                else if (repos.Contains(repo)) problems.Add($"{field}: '{text}' is listed twice (names are case-insensitive)");
                else repos.Add(repo);
            }
        }
        if (repos.Count == 0) problems.Add("repos: required: \"repo\": \"owner/repo\" or \"repos\": [\"owner/repo\", …]");
        if (source.Url is not null && repos.Count > 1) problems.Add("url: only with a single repo (use baseUrl/apiUrl for a list)");

        var api = GitHubApi.Atom;
        switch (source.GetString("api"))
        {
            case null or "atom": break;
            case "rest": api = GitHubApi.Rest; break;
            case var other: problems.Add($"api: expected \"atom\" or \"rest\", got '{other}'"); break;
        }
        var tags = Flag(source, "tags", problems);
        if (tags && api == GitHubApi.Rest) problems.Add("tags: tags.atom is an Atom feed; it cannot be combined with \"api\": \"rest\"");

        var tokenEnv = source.GetString("tokenEnv") ?? DefaultTokenEnv;
        if (!Regex.IsMatch(tokenEnv, "^[A-Za-z_][A-Za-z0-9_]*$")) problems.Add($"tokenEnv: not an environment variable name: '{tokenEnv}'");
        // A source's own Authorization replaces the one built from the token; naming a token as well would leave it unused.
        var authorization = source.Headers.ContainsKey("Authorization") ? SourceHeaders.Field
            : source.HeadersEnv.ContainsKey("Authorization") ? SourceHeaders.EnvField : null;
        if (authorization is not null && source.Settings.ContainsKey("tokenEnv"))
            problems.Add($"{authorization}: 'Authorization' and tokenEnv both give the API credentials; keep one");

        return new GitHubReleasesSettings
        {
            Repos = repos,
            Api = api,
            Tags = tags,
            Prereleases = Flag(source, "prereleases", problems),
            IncludeTags = Patterns(source, "includeTags", problems),
            ExcludeTags = Patterns(source, "excludeTags", problems),
            WebBase = Base(source, "baseUrl", DefaultWebBase, problems),
            ApiBase = Base(source, "apiUrl", DefaultApiBase, problems),
            TokenEnv = tokenEnv,
        };
    }

    /// <summary>Whether a release with <paramref name="tag"/> passes the tag filters.</summary>
    public bool KeepsTag(string tag) =>
        (IncludeTags.Count == 0 || IncludeTags.Any(r => r.IsMatch(tag))) && !ExcludeTags.Any(r => r.IsMatch(tag));

    private static bool Flag(SourceDefinition source, string field, List<string> problems)
    {
        if (source.Settings.TryGetValue(field, out var value) && value.ValueKind is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
            problems.Add($"{field}: expected true or false");
        return source.GetBool(field, false);
    }

    private static IReadOnlyList<Regex> Patterns(SourceDefinition source, string field, List<string> problems)
    {
        if (source.Settings.TryGetValue(field, out _) && source.GetStrings(field).Count == 0)
            problems.Add($"{field}: expected a regex or a list of regexes");
        var patterns = new List<Regex>();
        foreach (var pattern in source.GetStrings(field))
        {
            try { patterns.Add(new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))); }
            catch (ArgumentException ex) { problems.Add($"{field}: bad regex '{pattern}': {ex.Message}"); }
        }
        return patterns;
    }

    private static Uri Base(SourceDefinition source, string field, Uri fallback, List<string> problems)
    {
        if (source.GetString(field) is not { } text) return fallback;
        if (Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
        problems.Add($"{field}: not an absolute http(s) URL: '{text}'");
        return fallback;
    }
}
