namespace EmbeddedAiReport.Normalizing;

/// <summary>Finds the papers and code a text points to, as entry links (a post about an arXiv paper, an abstract naming its repo).</summary>
public static class Mentions
{
    /// <summary>Links to every arXiv paper and GitHub repository named in <paramref name="texts"/>, without repeats, except <paramref name="selfKey"/>.</summary>
    public static IReadOnlyList<EntryLink> Find(string? selfKey, params string?[] texts)
    {
        var links = new List<EntryLink>();
        foreach (var text in texts)
        {
            if (string.IsNullOrEmpty(text)) continue;
            foreach (var id in ArxivId.FindAll(text))
                Add(links, selfKey, new EntryLink("arxiv", id.Key, id.AbsUrl));
            foreach (var repo in GitHubRepo.FindAll(text))
                Add(links, selfKey, new EntryLink("github", repo.Key, repo.Url));
            // A post that links a release page is the write-up of that release, not only of the repo.
            foreach (var (repo, tag) in GitHubRepo.FindReleases(text))
                Add(links, selfKey, new EntryLink("github", repo.ReleaseKey(tag), $"{repo.Url}/releases/tag/{Uri.EscapeDataString(tag)}"));
        }
        return links;
    }

    private static void Add(List<EntryLink> links, string? selfKey, EntryLink link)
    {
        if (link.Target == selfKey || (selfKey is not null && IsReleaseOf(selfKey, link.Target))) return;
        foreach (var other in links)
            if (other.Target == link.Target) return;
        links.Add(link);
    }

    // True when `key` is `target` + "@" + something (a release key of the repository `target`).
    private static bool IsReleaseOf(string key, string target) =>
        key.Length > target.Length && key[target.Length] == '@' && key.StartsWith(target, StringComparison.Ordinal);

    // A match's text as a string the first time it is read in a text, recorded in `read`; null when it was read before
    // (a link and its label), since it would give the same key again.
    internal static string? FirstReading(List<string> read, ReadOnlySpan<char> value)
    {
        foreach (var earlier in read)
            if (value.SequenceEqual(earlier)) return null;
        var text = value.ToString();
        read.Add(text);
        return text;
    }
}
