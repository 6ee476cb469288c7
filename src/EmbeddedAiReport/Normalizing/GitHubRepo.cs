using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Normalizing;

/// <summary>A GitHub repository, <c>owner/repo</c>, compared case-insensitively (GitHub treats names so).</summary>
public readonly partial record struct GitHubRepo
{
    // Paths under github.com that are not repositories.
    private static readonly HashSet<string> ReservedOwners = new(StringComparer.OrdinalIgnoreCase)
    {
        "about", "features", "pricing", "topics", "trending", "orgs", "settings", "marketplace", "sponsors", "login", "join", "apps",
        "collections", "events", "explore", "notifications", "search", "site", "security", "enterprise", "readme", "customer-stories",
    };

    public GitHubRepo(string owner, string name)
    {
        Owner = owner;
        Name = name.EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;
    }

    public string Owner { get; }
    public string Name { get; }

    /// <summary><c>owner/repo</c> as written by the source (display form).</summary>
    public string FullName => $"{Owner}/{Name}";

    /// <summary>The entry key of the repository: <c>gh:owner/repo</c>, lower case.</summary>
    public string Key => "gh:" + FullName.ToLowerInvariant();

    /// <summary>The entry key of one release: <c>gh:owner/repo@tag</c> (the tag keeps its case).</summary>
    public string ReleaseKey(string tag) => $"{Key}@{tag}";

    /// <summary>The repository's key of a release key (<c>gh:owner/repo@tag</c> → <c>gh:owner/repo</c>); null for any other key.</summary>
    public static string? RepositoryKeyOf(string key) =>
        key.StartsWith("gh:", StringComparison.Ordinal) && key.IndexOf('@', StringComparison.Ordinal) is > 3 and var at ? key[..at] : null;

    public string Url => $"https://github.com/{FullName}";

    public bool Equals(GitHubRepo other) =>
        string.Equals(Owner, other.Owner, StringComparison.OrdinalIgnoreCase) && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(FullName);

    public override string ToString() => FullName;

    /// <summary>Reads <c>owner/repo</c>.</summary>
    public static GitHubRepo? TryParse(string? text)
    {
        var match = text is null ? null : FullNamePattern().Match(text.Trim());
        return match is { Success: true } && !ReservedOwners.Contains(match.Groups[1].Value) ? new GitHubRepo(match.Groups[1].Value, match.Groups[2].Value) : null;
    }

    /// <summary>The repository a github.com URL points into (repo page, release, tree, issue …), or null.</summary>
    public static GitHubRepo? TryFromUrl(Uri uri)
    {
        if (!uri.Host.Equals("github.com", StringComparison.OrdinalIgnoreCase) && !uri.Host.Equals("www.github.com", StringComparison.OrdinalIgnoreCase))
            return null;
        var parts = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 ? TryParse($"{parts[0]}/{parts[1]}") : null;
    }

    /// <summary>The release tag a <c>/releases/tag/TAG</c> URL names, or null.</summary>
    public static string? ReleaseTagFromUrl(Uri uri)
    {
        var parts = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 5 && parts[2] == "releases" && parts[3] == "tag" ? Uri.UnescapeDataString(string.Join('/', parts[4..])) : null;
    }

    /// <summary>Every repository named by a github.com URL in free text, in order, without repeats.</summary>
    /// <remarks>Matches are read as spans (<c>github.com/</c> + owner + <c>/</c> + name, and no owner holds a <c>/</c>), a name written again is not parsed again.</remarks>
    public static IReadOnlyList<GitHubRepo> FindAll(string text)
    {
        var found = new List<GitHubRepo>();
        var read = new List<string>();
        foreach (var match in Mention().EnumerateMatches(text))
        {
            if (Mentions.FirstReading(read, text.AsSpan(match.Index + Host.Length, match.Length - Host.Length)) is not { } fullName) continue;
            if (TryParse(fullName) is { } repo && !found.Contains(repo)) found.Add(repo);
        }
        return found;
    }

    /// <summary>Every release (<c>github.com/owner/repo/releases/tag/TAG</c>) named in free text, in order, without repeats.</summary>
    public static IReadOnlyList<(GitHubRepo Repo, string Tag)> FindReleases(string text)
    {
        var found = new List<(GitHubRepo Repo, string Tag)>();
        var read = new List<string>();
        foreach (var match in ReleaseMention().EnumerateMatches(text))
        {
            if (Mentions.FirstReading(read, text.AsSpan(match.Index, match.Length)) is not { } mention) continue;
            // github.com/ + owner + / + name + /releases/tag/ + tag: neither owner nor name holds a '/'.
            var path = mention.AsSpan(Host.Length);
            var nameEnd = path.IndexOf('/') + 1;
            nameEnd += path[nameEnd..].IndexOf('/');   // where "/releases/tag/" starts
            var fullName = path[..nameEnd];
            var rawTag = path[(nameEnd + ReleasePath.Length)..];
            var tag = Uri.UnescapeDataString(rawTag.TrimEnd(".,;:!?"));
            if (tag.Length > 0 && TryParse(fullName.ToString()) is { } repo && !found.Any(f => f.Repo.Equals(repo) && f.Tag == tag))
                found.Add((repo, tag));
        }
        return found;
    }

    private const string Host = "github.com/";
    private const string ReleasePath = "/releases/tag/";

    /// <summary>The numeric repository id and tag in a GitHub Atom entry id (<c>tag:github.com,2008:Repository/ID/TAG</c>), or null.</summary>
    public static (long RepositoryId, string Tag)? FromAtomEntryId(string? id)
    {
        var match = id is null ? null : AtomEntryId().Match(id.Trim());
        return match is { Success: true } && long.TryParse(match.Groups[1].Value, out var repositoryId) ? (repositoryId, match.Groups[2].Value) : null;
    }

    [GeneratedRegex(@"^tag:github\.com,2008:Repository/(\d+)/(.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex AtomEntryId();

    [GeneratedRegex(@"github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9_.-]*[A-Za-z0-9_-])/releases/tag/([^\s""'<>()\[\]{}|\\^`#?]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ReleaseMention();

    [GeneratedRegex(@"^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})$")]
    private static partial Regex FullNamePattern();

    [GeneratedRegex(@"github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9_.-]*[A-Za-z0-9_-])", RegexOptions.IgnoreCase)]
    private static partial Regex Mention();
}
