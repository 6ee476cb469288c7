using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources.Feeds;

namespace EmbeddedAiReport.Sources.GitHub;

/// <summary>A GitHub <c>releases.atom</c> or <c>tags.atom</c> document in, releases out; no I/O.</summary>
/// <remarks>
/// GitHub's release feeds carry no <c>published</c>, only <c>updated</c>; entry ids are
/// <c>tag:github.com,2008:Repository/{numeric id}/{tag}</c>; links may be relative (older feeds), so they
/// resolve against the feed's own link. The feed has no prerelease flag.
/// </remarks>
internal static class GitHubAtomParser
{
    public static GitHubParse Parse(FetchedDocument document, GitHubRepo requested, DateTimeOffset now)
    {
        var parsed = FeedDocumentParser.Parse(document);
        if (parsed.Feed is not { } feed) return GitHubParse.Fail(parsed.Error!);
        var baseUri = FeedSource.BaseUri(feed, document);
        var releases = new List<GitHubRelease>(feed.Items.Count);
        var skipped = new List<string>();
        foreach (var item in feed.Items)
        {
            var link = CanonicalUrl.TryParse(item.Link, baseUri);
            var fromId = GitHubRepo.FromAtomEntryId(item.Id);
            var tag = (link is null ? null : GitHubRepo.ReleaseTagFromUrl(link)) ?? fromId?.Tag;
            if (tag is null)
            {
                skipped.Add($"entry '{item.Title ?? item.Id}': not a release (no /releases/tag/ link or Repository id)");
                continue;
            }
            // The document names the repo by its current name; a feed reached through a rename redirect says the new one.
            var repo = (link is null ? null : GitHubRepo.TryFromUrl(link)) ?? RepoOf(feed.Link) ?? requested;
            var url = link is not null && GitHubRepo.ReleaseTagFromUrl(link) is not null ? link : new Uri($"{repo.Url}/releases/tag/{Uri.EscapeDataString(tag)}");
            releases.Add(new GitHubRelease(repo, fromId?.RepositoryId, tag, TextCleaner.HtmlToText(item.Title), url,
                item.Content ?? item.Description, NotesAreHtml: true,
                SourceDates.Parse(item.Published, now) ?? SourceDates.Parse(item.Updated, now), Prerelease: null, Draft: false));
        }
        return GitHubParse.Ok(releases, skipped, parsed.Warning);
    }

    private static GitHubRepo? RepoOf(string? link) => CanonicalUrl.TryParse(link) is { } uri ? GitHubRepo.TryFromUrl(uri) : null;
}
