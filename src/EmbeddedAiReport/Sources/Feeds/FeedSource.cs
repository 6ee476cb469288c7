using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>Any RSS/Atom/JSON feed (blogs, Zhihu columns, news sites): kind <c>feed</c>.</summary>
public sealed class FeedSource : ISourceKind
{
    public const string KindName = "feed";

    /// <summary>Longest summary kept, in characters; the editor shortens further by hand.</summary>
    internal const int MaxSummaryLength = 400;

    /// <summary>Longest title kept, in characters.</summary>
    internal const int MaxTitleLength = 300;

    /// <summary>Longest title made from the text of an item that has none.</summary>
    internal const int UntitledLength = 80;

    public string Kind => KindName;

    public IReadOnlyCollection<string> Fields { get; } = [];

    public string DefaultSection => "blogs";

    public IEnumerable<string> Validate(SourceDefinition source)
    {
        if (source.Url is null) yield return "url: required for kind 'feed'";
    }

    public IReadOnlyList<SourceRequest> Requests(SourceDefinition source) => [new SourceRequest(source.Url!)];

    public ParseOutcome Parse(FetchedDocument document, SourceDefinition source, SourceRequest request)
    {
        var parsed = FeedDocumentParser.Parse(document);
        if (parsed.Feed is not { } feed)
        {
            // A site's page where its feed was expected: readers follow the feed it names in its head (autodiscovery).
            if ((parsed.IsHtmlPage || document.ContentType is "text/html" or "application/xhtml+xml") && FeedAutodiscovery.Find(document) is { } found)
                return new ParseOutcome.Discovered(found);
            return new ParseOutcome.WrongFormat(parsed.Error!);
        }
        var now = document.Received;
        var entries = new List<CandidateEntry>(feed.Items.Count);
        var skipped = new List<string>();
        var baseUri = BaseUri(feed, document);
        // A Chinese feed's dates without a zone (news.qq.com's "2018-09-18 14:38:10"), and its "CST", are China's.
        var dateOffset = SourceDates.OffsetOfLanguage(feed.Language);
        foreach (var item in feed.Items)
        {
            if (Map(item, feed, source, request, baseUri, now, dateOffset) is { } entry) entries.Add(entry);
            else skipped.Add($"item '{(string.IsNullOrWhiteSpace(item.Title) ? item.Id ?? item.Link : item.Title)}': no usable link, or neither title nor text");
        }
        return new ParseOutcome.Parsed(entries, skipped, Warning: parsed.Warning);
    }

    /// <summary>
    /// What relative item links resolve against: the feed's own site link when it is absolute (GitHub's Atom writes
    /// relative release links), else the address the feed was fetched from.
    /// </summary>
    internal static Uri BaseUri(FeedDocument feed, FetchedDocument document) => CanonicalUrl.TryParse(feed.Link) ?? document.FinalUri;

    /// <summary>The common mapping of a feed item to a candidate; kinds built on feeds start from it.</summary>
    /// <param name="dateOffset">The offset of the source's dates that carry none (<see cref="SourceDates.Parse"/>); null: UTC.</param>
    internal static CandidateEntry? Map(FeedEntry item, FeedDocument feed, SourceDefinition source, SourceRequest request, Uri baseUri, DateTimeOffset now,
        TimeSpan? dateOffset = null)
    {
        var link = CanonicalUrl.TryParse(item.Link, baseUri) ?? CanonicalUrl.TryParse(item.Id, baseUri);
        if (link is null) return null;
        var body = item.Description ?? item.Content;
        var bodyText = TextCleaner.HtmlToText(body);
        var title = TextCleaner.Truncate(TextCleaner.HtmlToText(item.Title), MaxTitleLength);
        // An untitled item (microblogs, Telegram or Mastodon routes, JSON Feed) is titled by its first words, as miniflux does.
        if (title.Length == 0) title = TextCleaner.Truncate(bodyText.Length > 0 ? bodyText : TextCleaner.HtmlToText(item.Content), UntitledLength);
        if (title.Length == 0) return null;
        var summary = TextCleaner.Excerpt(bodyText, MaxSummaryLength);
        // content:encoded (or Atom content beside a summary) usually holds the whole article the description excerpts.
        var content = item.Content is { } c && !ReferenceEquals(c, body) ? TextCleaner.HtmlToText(c) : "";
        var text = content.Length > bodyText.Length ? content : bodyText;
        var key = EntryKey.For(link);
        return new CandidateEntry
        {
            CanonicalKey = key,
            Url = link.AbsoluteUri,
            Title = title,
            Summary = summary,
            Text = text.Length > summary.Length ? text : null,
            Account = source.Account ?? request.Account ?? item.Author ?? feed.Title,
            Published = SourceDates.Parse(item.Published, now, dateOffset) ?? SourceDates.Parse(item.Updated, now, dateOffset),
            Links = Mentions.Find(key, title, body, item.Content == body ? null : item.Content),
        };
    }
}
