namespace EmbeddedAiReport.Normalizing;

/// <summary>The canonical key of whatever a URL points to, so one paper, article or release is one entry whichever source brought it.</summary>
/// <remarks>Recognizers for arXiv, WeChat and GitHub URL forms come first; anything else falls back to <see cref="CanonicalUrl.Key"/>.</remarks>
public static class EntryKey
{
    /// <summary>The key for <paramref name="uri"/>.</summary>
    public static string For(Uri uri)
    {
        // Read once and handed to each recognizer (a Uri keeps them once read, but each recognizer used to start anew).
        var (host, path) = (uri.Host, uri.AbsolutePath);
        if (ArxivId.TryFromUrl(host, path) is { } paper) return paper.Key;

        // WeChat
        if (WeChatArticleLink.TryParse(uri, host, path) is { } article) return article.Key;

        // A repository page or a release is the repo's identity; commits, issues and files stay plain URLs.
        if (GitHubRepo.TryFromUrl(host, path) is { } repo)
        {
            if (GitHubRepo.ReleaseTagFromUrl(path) is { } tag) return repo.ReleaseKey(tag);
            if (path.AsSpan().Trim('/').Count('/') == 1) return repo.Key;
        }

        return CanonicalUrl.Key(uri);
    }
}
