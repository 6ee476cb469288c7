namespace EmbeddedAiReport.Normalizing;

/// <summary>The canonical key of whatever a URL points to, so one paper, article or release is one entry whichever source brought it.</summary>
/// <remarks>Recognizers for arXiv, WeChat and GitHub URL forms come first; anything else falls back to <see cref="CanonicalUrl.Key"/>.</remarks>
public static class EntryKey
{
    /// <summary>The key for <paramref name="uri"/>.</summary>
    public static string For(Uri uri)
    {
        if (ArxivId.TryFromUrl(uri) is { } paper) return paper.Key;

        // WeChat
        if (WeChatArticleLink.TryParse(uri) is { } article) return article.Key;

        // A repository page or a release is the repo's identity; commits, issues and files stay plain URLs.
        if (GitHubRepo.TryFromUrl(uri) is { } repo)
        {
            if (GitHubRepo.ReleaseTagFromUrl(uri) is { } tag) return repo.ReleaseKey(tag);
            if (uri.AbsolutePath.Trim('/').Count(c => c == '/') == 1) return repo.Key;
        }

        return CanonicalUrl.Key(uri);
    }
}
