using System.Buffers;
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
    public string Key => KeyOf(null);

    /// <summary>The entry key of one release: <c>gh:owner/repo@tag</c> (the tag keeps its case).</summary>
    public string ReleaseKey(string tag) => KeyOf(tag);

    // "gh:" + owner/name in lower case (+ "@" + tag), written at once: every feed entry of a release gets one.
    private string KeyOf(string? tag) =>
        string.Create(3 + Owner.Length + 1 + Name.Length + (tag is null ? 0 : 1 + tag.Length), (Owner, Name, tag), static (span, parts) =>
        {
            "gh:".CopyTo(span);
            var at = 3 + parts.Owner.AsSpan().ToLowerInvariant(span[3..]);
            span[at++] = '/';
            at += parts.Name.AsSpan().ToLowerInvariant(span[at..]);
            if (parts.tag is null) return;
            span[at++] = '@';
            parts.tag.CopyTo(span[at..]);
        });

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
    public static GitHubRepo? TryFromUrl(Uri uri) => TryFromUrl(uri.Host, uri.AbsolutePath);

    /// <summary>As <see cref="TryFromUrl(Uri)"/>, from a URL's host and path read once (<see cref="EntryKey.For"/> hands them to each recognizer).</summary>
    internal static GitHubRepo? TryFromUrl(string host, string path)
    {
        if (!host.Equals("github.com", StringComparison.OrdinalIgnoreCase) && !host.Equals("www.github.com", StringComparison.OrdinalIgnoreCase))
            return null;
        // The path's first two non-empty segments, read as TryParse reads "owner/name" (trimmed, then the pattern), without
        // making that string.
        Span<Range> segments = stackalloc Range[2];
        if (Segments(path, segments) < 2) return null;
        var owner = path.AsSpan(segments[0]).TrimStart();
        var name = path.AsSpan(segments[1]).TrimEnd();
        return IsOwner(owner) && IsName(name) && !ReservedOwners.GetAlternateLookup<ReadOnlySpan<char>>().Contains(owner)
            ? new GitHubRepo(owner.ToString(), name.ToString())
            : null;
    }

    /// <summary>The release tag a <c>/releases/tag/TAG</c> URL names, or null.</summary>
    public static string? ReleaseTagFromUrl(Uri uri) => ReleaseTagFromUrl(uri.AbsolutePath);

    /// <summary>As <see cref="ReleaseTagFromUrl(Uri)"/>, from the URL's path.</summary>
    internal static string? ReleaseTagFromUrl(string path)
    {
        Span<Range> segments = stackalloc Range[5];
        if (Segments(path, segments) < 5 || path.AsSpan(segments[2]) is not "releases" || path.AsSpan(segments[3]) is not "tag") return null;
        // The tag is every segment from the fifth on, joined by one '/' (empty segments dropped, as a split drops them).
        var tag = path.AsSpan(segments[4].Start.Value).TrimEnd('/');
        return Uri.UnescapeDataString(tag.Contains("//", StringComparison.Ordinal) ? string.Join('/', tag.ToString().Split('/', StringSplitOptions.RemoveEmptyEntries)) : tag);
    }

    // The first non-empty '/'-separated segments of `path`, as many as `segments` holds: how many were found.
    private static int Segments(string path, Span<Range> segments)
    {
        var found = 0;
        foreach (var segment in path.AsSpan().Split('/'))
        {
            if (segment.Start.Value == segment.End.Value) continue;
            segments[found++] = segment;
            if (found == segments.Length) break;
        }
        return found;
    }

    // FullNamePattern()'s owner, [A-Za-z0-9](?:[A-Za-z0-9-]{0,38}), and name, [A-Za-z0-9._-]{1,100}, read in place.
    private static bool IsOwner(ReadOnlySpan<char> owner) =>
        owner.Length is >= 1 and <= 39 && char.IsAsciiLetterOrDigit(owner[0]) && owner[1..].IndexOfAnyExcept(OwnerChars) < 0;

    private static bool IsName(ReadOnlySpan<char> name) => name.Length is >= 1 and <= 100 && name.IndexOfAnyExcept(NameChars) < 0;

    private static readonly SearchValues<char> OwnerChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");
    private static readonly SearchValues<char> NameChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

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
