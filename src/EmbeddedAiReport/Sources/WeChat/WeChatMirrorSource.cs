using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources.Feeds;

namespace EmbeddedAiReport.Sources.WeChat;

/// <summary>WeChat official accounts through a mirror that serves them as feeds (wewe-rss, RSSHub, Wechat2RSS): kind <c>wechat-mirror</c>.</summary>
/// <remarks>
/// One source is one mirror base URL plus a list of accounts, or one feed <c>url</c>. Every article address form
/// becomes one key (<see cref="WeChatArticleLink"/>), so two mirrors serving one account store each article once.
/// The account shown as <c>| name</c> comes from the account's configured name, the source's <c>account</c>, the item
/// author (wewe-rss's <c>all</c> feed) or the channel title, in that order. With <c>enrich</c> on, article pages are
/// read for the real publish time, account, summary and long link (see <see cref="ArticlePageParser"/>).
/// </remarks>
public sealed class WeChatMirrorSource : ISourceKind, IPageEnrichingKind
{
    public const string KindName = "wechat-mirror";

    /// <summary>Longest summary kept, in characters; cut at a sentence end when there is one.</summary>
    internal const int MaxSummaryLength = 300;

    public string Kind => KindName;

    public IReadOnlyCollection<string> Fields => WeChatMirrorSettings.Fields;

    public string DefaultSection => "news";

    public IEnumerable<string> Validate(SourceDefinition source)
    {
        var problems = new List<string>();
        var settings = WeChatMirrorSettings.Read(source, problems);
        if (source.Url is null && settings.Mirror is null && !problems.Any(p => p.StartsWith(WeChatMirrorSettings.MirrorField, StringComparison.Ordinal)))
            problems.Add($"{WeChatMirrorSettings.MirrorField}: required (the mirror's base URL) unless 'url' names one feed");
        if (source.Url is null && settings.Mirror is not null && settings.Accounts.Count == 0 && !problems.Any(p => p.StartsWith(WeChatMirrorSettings.AccountsField, StringComparison.Ordinal)))
            problems.Add($"{WeChatMirrorSettings.AccountsField}: list at least one account feed id (or 'all' on wewe-rss)");
        if (source.Url is not null && settings.Accounts.Count > 1)
            problems.Add($"{WeChatMirrorSettings.AccountsField}: a source with 'url' reads one feed; list one account at most, or use 'mirror'");
        return problems;
    }

    /// <summary>The feed id the shipped config gives each account of its disabled <c>wechat-accounts</c> source (<c>SET-ME-qbitai</c>).</summary>
    private const string PlaceholderFeed = "SET-ME-";

    public IEnumerable<string> Warnings(SourceDefinition source)
    {
        var settings = Settings(source);
        // The README's table: `format` is wewe-rss's only (`{mirror}/feeds/{feed}.{format}`); RSSHub and Wechat2RSS addresses
        // have no format, and a `url` is read as it is. Set anyway, it was silently ignored.
        if (source.GetString(WeChatMirrorSettings.FormatField) is { } format)
        {
            if (source.Url is not null)
                yield return $"{WeChatMirrorSettings.FormatField}: '{format}' has no effect with 'url' (that feed is read as it is); remove it";
            else if (settings.Flavor != MirrorFlavor.WeweRss)
                yield return $"{WeChatMirrorSettings.FormatField}: '{format}' has no effect with flavor '{source.GetString(WeChatMirrorSettings.FlavorField)}' "
                    + "(only wewe-rss serves a feed as rss, atom or json); remove it";
        }
        // README "WeChat mirrors", Ops: replace each SET-ME-… with the account's id on your mirror. Enabled with some left as
        // shipped, the config was "OK" and each such account failed every poll with the mirror's 404.
        var placeholders = settings.Accounts.Where(a => a.Feed.StartsWith(PlaceholderFeed, StringComparison.Ordinal)).Select(a => a.Feed).ToList();
        if (source.Enabled && placeholders.Count > 0)
            yield return $"{WeChatMirrorSettings.AccountsField}: {Counted.Of(placeholders.Count, "feed id is", "feed ids are")} still the shipped "
                + $"{(placeholders.Count == 1 ? "placeholder" : "placeholders")} ({Counted.Named(placeholders)}): replace each with the account's feed id on "
                + "your mirror, or remove the account; the mirror has no such feed";
    }

    public IReadOnlyList<SourceRequest> Requests(SourceDefinition source)
    {
        var settings = Settings(source);
        if (source.Url is not null)
            return [new SourceRequest(source.Url, settings.Accounts.FirstOrDefault()?.Feed, settings.Accounts.FirstOrDefault()?.Name)];
        return settings.Accounts.Select(a => new SourceRequest(settings.FeedUri(a), a.Feed, a.Name)).ToList();
    }

    public ParseOutcome Parse(FetchedDocument document, SourceDefinition source, SourceRequest request)
    {
        var parsed = FeedDocumentParser.Parse(document);
        if (parsed.Feed is not { } feed) return new ParseOutcome.WrongFormat(parsed.Error!);
        var now = document.Received;
        var baseUri = FeedSource.BaseUri(feed, document);
        var entries = new List<CandidateEntry>(feed.Items.Count);
        var skipped = new List<string>();
        foreach (var item in feed.Items)
        {
            // WeChat is in China: a mirror's date without a zone, or with "CST", is China's (+08:00), not UTC or US Central.
            if (FeedSource.Map(item, feed, source, request, baseUri, now, SourceDates.China) is not { } entry)
            {
                skipped.Add($"item '{(string.IsNullOrWhiteSpace(item.Title) ? item.Id ?? item.Link : item.Title)}': no usable link, or neither title nor text");
                continue;
            }
            // wewe-rss puts the short code in the guid and the link; RSSHub may link a redirect, so try both.
            var article = WeChatArticleLink.TryParse(item.Link) ?? WeChatArticleLink.TryParse(item.Id);
            var summary = TextCleaner.Excerpt(TextCleaner.HtmlToText(item.Description ?? item.Content), MaxSummaryLength);
            entries.Add(entry with
            {
                CanonicalKey = article?.Key ?? entry.CanonicalKey,
                Url = article?.Url ?? entry.Url,
                Account = request.Account ?? source.Account ?? item.Author ?? feed.Title,
                Summary = summary,
                // The feed mapping kept the whole text only when it exceeded its own (longer) summary bound.
                Text = entry.Text ?? (entry.Summary.Length > summary.Length ? entry.Summary : null),
            });
        }
        return new ParseOutcome.Parsed(entries, skipped, Warning: parsed.Warning);
    }

    public TimeSpan? StaleAfter(SourceDefinition source) => Settings(source).StaleAfter;

    public int PageBudget(SourceDefinition source)
    {
        var settings = Settings(source);
        return settings.Enrich ? settings.EnrichLimit : 0;
    }

    public TimeSpan BlockedBackoff(SourceDefinition source) => Settings(source).EnrichBackoff;

    public Uri? PageFor(CandidateEntry entry) =>
        entry.CanonicalKey.StartsWith("wx:", StringComparison.Ordinal) && Uri.TryCreate(entry.Url, UriKind.Absolute, out var url) ? url : null;

    public ParseOutcome ParsePage(FetchedDocument page, CandidateEntry entry, SourceDefinition source)
    {
        var (article, failure) = ArticlePageParser.Parse(page);
        if (article is null) return failure!;
        var title = article.Title is { } t ? TextCleaner.Truncate(TextCleaner.HtmlToText(UndeclaredTitle.ToHtml(t)), FeedSource.MaxTitleLength) : entry.Title;
        // The author's own description is the better 摘要 unless it merely repeats the title; else the body's opening.
        var summarySource = article.Description is { Length: > 0 } d && d != title ? d : article.Body;
        var summary = TextCleaner.Excerpt(TextCleaner.PlainLinks(summarySource), MaxSummaryLength);
        var aliases = article.LongLink is { } link && link.Key != entry.CanonicalKey ? [link.Key] : entry.AliasKeys;
        return new ParseOutcome.Parsed([entry with
        {
            Title = title.Length > 0 ? title : entry.Title,
            Account = entry.Account ?? article.Account,
            Published = article.Published ?? entry.Published,
            PublishedFromPage = article.Published is not null,
            Summary = summary.Length > 0 ? summary : entry.Summary,
            // The page holds the whole article; the feed often carried only its opening.
            Text = article.Body.Length > (entry.Text ?? entry.Summary).Length ? article.Body : entry.Text,
            Links = Mentions.Find(entry.CanonicalKey, entry.Summary, article.Description, article.Body)
                .Concat(entry.Links).DistinctBy(l => l.Target).ToList(),
            AliasKeys = aliases,
        }], []);
    }

    private static WeChatMirrorSettings Settings(SourceDefinition source) => WeChatMirrorSettings.Read(source, new List<string>());
}
