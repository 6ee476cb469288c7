using System.Text.RegularExpressions;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.GitHub;

/// <summary>Releases of GitHub repositories (inference engines, compressors): kind <c>github-releases</c>.</summary>
/// <remarks>
/// One request per repo: <c>releases.atom</c> by default (no token, no API budget), <c>tags.atom</c> with
/// <c>"tags": true</c>, or the REST API with <c>"api": "rest"</c> (prerelease/draft flags, full notes; its
/// rate limit is budgeted through <see cref="GitHubRateLimits"/>). An entry's key is
/// <c>gh:owner/repo@tag</c> built from the repo as configured, so a renamed repo reached through GitHub's
/// redirect keeps the keys of the releases already stored.
/// </remarks>
public sealed partial class GitHubReleasesSource : ISourceKind, IRequestBudget
{
    public const string KindName = "github-releases";

    /// <summary>Longest title kept, in characters.</summary>
    internal const int MaxTitleLength = 300;

    /// <summary>Releases asked of the REST API per page (its most); further pages are read to catch up (<see cref="SourceReader.MaxCatchUpPages"/>).</summary>
    internal const int RestPageSize = 100;

    /// <summary>Releases a <c>releases.atom</c> or <c>tags.atom</c> carries: the newest 10, never more.</summary>
    internal const int AtomFeedSize = 10;

    private readonly GitHubRateLimits _rateLimits;

    public GitHubReleasesSource(GitHubRateLimits rateLimits) => _rateLimits = rateLimits;

    public string Kind => KindName;

    public IReadOnlyCollection<string> Fields => GitHubReleasesSettings.Fields;

    public string DefaultSection => "opensource";

    public IEnumerable<string> Validate(SourceDefinition source)
    {
        var problems = new List<string>();
        GitHubReleasesSettings.Read(source, problems);
        return problems;
    }

    public IReadOnlyList<SourceRequest> Requests(SourceDefinition source)
    {
        var settings = GitHubReleasesSettings.Read(source, []);
        var headers = settings.Api == GitHubApi.Rest ? RestHeaders(settings) : null;
        return settings.Repos.Select(repo => new SourceRequest(source.Url ?? Address(settings, repo), repo.FullName, source.Account, headers)).ToList();
    }

    public ParseOutcome Parse(FetchedDocument document, SourceDefinition source, SourceRequest request)
    {
        var settings = GitHubReleasesSettings.Read(source, []);
        var requested = GitHubRepo.TryParse(request.Label) ?? settings.Repos[0];
        var now = document.Received;
        var parsed = settings.Api == GitHubApi.Rest
            ? GitHubRestParser.Parse(document, requested, now)
            : GitHubAtomParser.Parse(document, requested, now);
        if (parsed.Error is { } error) return new ParseOutcome.WrongFormat(error);

        var entries = new List<CandidateEntry>(parsed.Releases.Count);
        var skipped = new List<string>(parsed.Skipped);
        foreach (var release in parsed.Releases)
        {
            if (release.Draft) skipped.Add($"{requested} {release.Tag}: draft");
            else if (!settings.Prereleases && (release.Prerelease ?? LooksLikePrerelease(release.Tag, release.Name)))
                skipped.Add($"{requested} {release.Tag}: prerelease (set \"prereleases\": true to keep them)");
            else if (!settings.KeepsTag(release.Tag)) skipped.Add($"{requested} {release.Tag}: tag filtered out by includeTags/excludeTags");
            else entries.Add(ToEntry(release, requested, request));
        }
        return new ParseOutcome.Parsed(entries, skipped, Next(settings, document), parsed.Warning, Slice: Slice(settings, document, requested, parsed.Releases),
            Name: parsed.Releases.Select(r => r.Repo.FullName).FirstOrDefault());
    }

    /// <summary>The rename GitHub's permanent redirect says (REST <c>/repositories/ID</c>, the feed at its new name), for the operator.</summary>
    public string? Moved(SourceDefinition source, SourceRequest request, PermanentRedirect target, ParseOutcome.Parsed parsed)
    {
        var settings = GitHubReleasesSettings.Read(source, []);
        if (GitHubRepo.TryParse(request.Label) is not { } requested) return null;
        // The releases name the repo as it is called now (Parse's Name, kept or filtered out); an empty list leaves the feed's
        // own address (/{owner}/{repo}/releases.atom).
        var now = GitHubRepo.TryParse(parsed.Name)
            ?? (settings.Api == GitHubApi.Atom && target.Target.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) is [var owner, var name, ..]
                ? GitHubRepo.TryParse($"{owner}/{name}") : null);
        if (now is { } renamed && renamed.Equals(requested)) return null;   // the same repo (an http → https hop): nothing to tell
        return $"{requested} moved to {(now is { } known ? known.FullName : target.Target.AbsoluteUri)} (GitHub {target.Status}); update sources.json";
    }

    // REST: the Link header's next page (read only to catch up, see Slice).
    private static Uri? Next(GitHubReleasesSettings settings, FetchedDocument document) =>
        settings.Api == GitHubApi.Rest ? GitHubRestParser.NextLink(document.Headers?["Link"], document.FinalUri) : null;

    // A REST page with a next one, or a full feed (its newest 10): releases older than these were not read.
    private static NewestFirst? Slice(GitHubReleasesSettings settings, FetchedDocument document, GitHubRepo requested, IReadOnlyList<GitHubRelease> releases)
    {
        if (releases.Select(r => r.Published).Min() is not { } oldest) return null;
        if (settings.Api == GitHubApi.Rest)
            return Next(settings, document) is null ? null
                : new NewestFirst(oldest, $"{requested}: the {SourceReader.MaxCatchUpPages} REST pages of releases read are all newer than the newest stored; releases before them may be missing", requested.Key + "@");
        return releases.Count < AtomFeedSize ? null
            : new NewestFirst(oldest, $"{requested}: all {releases.Count} releases in its {(settings.Tags ? "tags" : "releases")}.atom are newer than the newest stored; releases before them may be missing (the feed holds only the newest {AtomFeedSize}: \"api\": \"rest\" reads back further)", requested.Key + "@");
    }

    public string? Hold(SourceDefinition source, SourceRequest request) =>
        IsRest(source) ? _rateLimits.Hold(Bucket(request)) : null;

    public string? Observe(SourceDefinition source, SourceRequest request, FetchOutcome outcome) =>
        IsRest(source) ? _rateLimits.Observe(Bucket(request), outcome) : null;

    public DateTimeOffset? HeldUntil(SourceDefinition source, SourceRequest request) =>
        IsRest(source) ? _rateLimits.HeldUntil(Bucket(request)) : null;

    /// <summary>
    /// Whether a release without GitHub's flag (Atom) looks like a prerelease by its tag or name:
    /// <c>-rc1</c>, <c>-beta</c>, <c>.dev0</c>, <c>1.0a1</c>, <c>nightly</c>, <c>preview</c> …; llama.cpp's <c>b4567</c> build tags are not.
    /// </summary>
    internal static bool LooksLikePrerelease(string tag, string name) => PrereleaseMarker().IsMatch(tag) || PrereleaseMarker().IsMatch(name);

    /// <summary>The title as the issues write repos: <c>owner/repo: release name</c>, with the tag when the name does not name the version.</summary>
    internal static string Title(GitHubRelease release)
    {
        var name = release.Name.Trim();
        var bareTag = release.Tag.TrimStart('v', 'V');
        var label = name.Length == 0 ? release.Tag
            : name.Contains(bareTag, StringComparison.OrdinalIgnoreCase) || bareTag.StartsWith(name.TrimStart('v', 'V'), StringComparison.OrdinalIgnoreCase) ? name
            : $"{release.Tag} {name}";
        return TextCleaner.Truncate(TextCleaner.CollapseWhiteSpace($"{release.Repo.FullName}: {label}"), MaxTitleLength);
    }

    private static CandidateEntry ToEntry(GitHubRelease release, GitHubRepo requested, SourceRequest request)
    {
        // The configured name is the identity: after a rename, GitHub redirects the old feed to the new one and
        // the same tags must land on the entries already stored (design §5: owner/repo case-insensitive, release owner/repo@tag).
        var key = requested.ReleaseKey(release.Tag);
        return new CandidateEntry
        {
            CanonicalKey = key,
            Url = release.Url.AbsoluteUri,
            Title = Title(release),
            Summary = ReleaseNotes.Summarize(release.Notes, release.NotesAreHtml),
            Text = ReleaseNotes.FullText(release.Notes, release.NotesAreHtml),
            Account = request.Account,
            Published = release.Published,
            Links = Mentions.Find(key, release.Notes),
        };
    }

    private static Uri Address(GitHubReleasesSettings settings, GitHubRepo repo) => settings.Api == GitHubApi.Rest
        ? new Uri(settings.ApiBase, $"repos/{repo.Owner}/{repo.Name}/releases?per_page={RestPageSize}")
        : new Uri(settings.WebBase, $"{repo.Owner}/{repo.Name}/{(settings.Tags ? "tags" : "releases")}.atom");

    private static Dictionary<string, string> RestHeaders(GitHubReleasesSettings settings)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Accept"] = "application/vnd.github+json",
            ["X-GitHub-Api-Version"] = "2022-11-28",
        };
        if (Environment.GetEnvironmentVariable(settings.TokenEnv) is { Length: > 0 } token) headers["Authorization"] = "Bearer " + token.Trim();
        return headers;
    }

    private static bool IsRest(SourceDefinition source) => source.GetString("api") == "rest";

    // GitHub limits per credential, so sources sharing a token (or none) share a budget; the token itself is never kept.
    private static string Bucket(SourceRequest request) =>
        $"{request.Uri.Authority} {(request.Headers?.TryGetValue("Authorization", out var auth) == true ? "token:" + Normalizing.TextDigest.Sha256Hex(auth, 8) : "anonymous")}";

    [GeneratedRegex(@"(?:^|[\s._+/-])(?:alpha|beta|rc|pre|preview|dev|nightly|snapshot|canary)\d*(?:$|[\s._+-])|\d(?:a|b|rc)\d+$", RegexOptions.IgnoreCase)]
    private static partial Regex PrereleaseMarker();
}
