namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>The feed an HTML page names in its head (RSS autodiscovery), as feed readers find a site's feed from its address.</summary>
internal static class FeedAutodiscovery
{
    // RSS, Atom and JSON Feed (application/json is left out: sites use it for APIs, not feeds).
    private static readonly string[] FeedTypes = ["application/rss+xml", "application/atom+xml", "application/feed+json"];

    /// <summary>
    /// The first <c>&lt;link rel="alternate"&gt;</c> of a feed type in <paramref name="page"/>, resolved against its
    /// <c>&lt;base href&gt;</c> or address; null when there is none, or it is not http(s), or it is the page itself.
    /// </summary>
    public static Uri? Find(FetchedDocument page)
    {
        if (HtmlDocumentLoader.Load(page).Document is not { } html) return null;
        var pageUri = page.FinalUri;
        if (html.QuerySelector("base[href]")?.GetAttribute("href") is { } written && Uri.TryCreate(page.FinalUri, written.Trim(), out var declared))
            pageUri = declared;
        foreach (var link in html.QuerySelectorAll("link"))
        {
            if (link.GetAttribute("rel") is not { } rel || link.GetAttribute("type") is not { } type || link.GetAttribute("href") is not { } href) continue;
            if (!rel.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Contains("alternate", StringComparer.OrdinalIgnoreCase)) continue;
            if (!FeedTypes.Contains(type.Trim(), StringComparer.OrdinalIgnoreCase)) continue;
            if (!Uri.TryCreate(pageUri, href.Trim(), out var feed) || feed.Scheme is not ("http" or "https")) continue;
            return feed == page.FinalUri ? null : feed;
        }
        return null;
    }
}
