using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources.Arxiv;
using EmbeddedAiReport.Sources.Feeds;
using EmbeddedAiReport.Sources.GitHub;
using EmbeddedAiReport.Sources.WeChat;

namespace EmbeddedAiReport.Sources.Opml;

/// <summary>The sources.json object one OPML outline becomes: the kind its address is recognised as, and its fields.</summary>
/// <param name="Kind">The source kind.</param>
/// <param name="Fields">The fields after <c>id</c>, each with its value as JSON text, in the order they are written.</param>
/// <param name="UrlId">An id made from the address, for a title that makes none (Chinese, or blank).</param>
/// <param name="NamesTitle">True when a field holds the outline's title (a WeChat account's <c>name</c>).</param>
public sealed partial record OpmlSource(string Kind, IReadOnlyList<KeyValuePair<string, string>> Fields, string UrlId, bool NamesTitle = false)
{
    private const int MaxIdLength = 48;

    // Chinese (and any other text) stays as written in the file, as editors write it: only what JSON requires is escaped.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>
    /// The source for <paramref name="uri"/>, the address of <paramref name="outline"/>: an arXiv category feed is
    /// <c>arxiv-rss</c> with its category, an arXiv listing page <c>arxiv-listing</c> with its category, list and page size,
    /// an export API query <c>arxiv-api</c> with its query and page size (the addresses those kinds fetch), a GitHub <c>releases.atom</c> or <c>tags.atom</c> is <c>github-releases</c>
    /// with its repo, a wewe-rss, RSSHub or Wechat2RSS account feed is <c>wechat-mirror</c> with its mirror, flavor and
    /// account (named by the title), anything else a <c>feed</c>. With <paramref name="kind"/> set, that kind: the
    /// recognised fields when the address is one of its own, else the address as <c>url</c>.
    /// </summary>
    public static OpmlSource For(OpmlOutline outline, Uri uri, string? kind)
    {
        var recognised = Arxiv(uri) ?? ArxivListing(uri) ?? ArxivApi(uri) ?? GitHub(uri) ?? WeChat(outline, uri);
        var source = recognised is not null && (kind is null || kind == recognised.Kind)
            ? recognised
            : new OpmlSource(kind ?? FeedSource.KindName, [Field("url", uri.AbsoluteUri)], Slug(Normalize(uri.Host) + uri.AbsolutePath) ?? "feed");
        return AllowingPrivateNetwork(source, uri);
    }

    // An address that is a private or loopback one by itself (localhost, an IP literal; no name is resolved here) is the
    // operator's own network: a self-hosted mirror or RSSHub, an intranet feed, which sources may reach only with
    // allowPrivateNetwork (README, sources.json). Without it every poll of the imported source was refused, and validate
    // warned of each (SourceCatalog.Warnings); a WeChat mirror had it already, any other kind now too.
    private static OpmlSource AllowingPrivateNetwork(OpmlSource source, Uri uri) =>
        AddressGuard.NamesPrivateAddress(uri) ? source with { Fields = [.. source.Fields, new("allowPrivateNetwork", "true")] } : source;

    /// <summary>The source's object as one line of sources.json: <c>{ "id": …, "kind": …, … }</c>, then <paramref name="extra"/> fields.</summary>
    public string ToJson(string id, IEnumerable<KeyValuePair<string, string>> extra)
    {
        var fields = new[] { Field("id", id), Field("kind", Kind) }.Concat(Fields).Concat(extra);
        return "{ " + string.Join(", ", fields.Select(f => $"{Text(f.Key)}: {f.Value}")) + " }";
    }

    /// <summary>
    /// The sources.json field of an outline's <paramref name="name"/> attribute (<see cref="OpmlOutline.Settings"/>): <c>keep</c>'s
    /// names joined by commas a list of them (one name: the name), another a number where <paramref name="text"/> is one
    /// as JSON writes it; else the text as a string, which the source's check then names as the wrong type.
    /// </summary>
    public static KeyValuePair<string, string> Setting(string name, string text)
    {
        if (name == "keep" && text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 1 } names)
            return new(name, "[" + string.Join(", ", names.Select(Text)) + "]");
        return name != "keep" && JsonNumber().IsMatch(text) ? new(name, text) : Field(name, text);
    }

    /// <summary>A field whose value is the string <paramref name="value"/>.</summary>
    public static KeyValuePair<string, string> Field(string name, string value) => new(name, Text(value));

    /// <summary>
    /// The id the README's slug rules make of <paramref name="text"/> (lower case; letters, digits, <c>.</c>, <c>_</c>,
    /// <c>-</c>; at most 48 characters), or null when it has none to give: blank, or written in another script (a
    /// Chinese title has no ASCII spelling to take, so the address names the source instead).
    /// </summary>
    public static string? Slug(string text)
    {
        if (text.Any(c => c > 127 && char.IsLetter(c))) return null;
        var slug = NotSlug().Replace(text.ToLowerInvariant(), "-").Trim('-', '.', '_');
        if (slug.Length > MaxIdLength) slug = slug[..MaxIdLength].TrimEnd('-', '.', '_');
        return slug.Length > 0 && char.IsAsciiLetterOrDigit(slug[0]) ? slug : null;
    }

    /// <summary>The key under which <paramref name="uri"/> and every address the dedup takes for the same feed are one.</summary>
    /// <remarks>
    /// <see cref="CanonicalUrl.Normalize"/> (scheme, <c>www.</c>, host case, trailing slash and tracking parameters do not
    /// count), GitHub paths without case (GitHub's names are case-insensitive), and arXiv's feed hosts as one: rss.arxiv.org
    /// serves what export.arxiv.org/rss and arxiv.org/rss redirect to.
    /// </remarks>
    public static string FeedKey(Uri uri)
    {
        var key = CanonicalUrl.Normalize(uri);
        if (GitHubRepo.TryFromUrl(uri) is not null) return key.ToLowerInvariant();
        // A wewe-rss account's feed in another format ({mirror}/feeds/MP_WXS_….atom beside the .rss sources.json polls) is
        // the same account's articles: one source, not two polling the mirror for the same entries.
        if (uri.Query.Length == 0 && uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) is [.., "feeds", var last] && WeweFeed().Match(last) is { Success: true } wewe)
            return key[..(key.Length - wewe.Groups["format"].Length - 1)];
        return IsArxivHost(uri) && uri.AbsolutePath.StartsWith("/rss/", StringComparison.Ordinal) ? "rss.arxiv.org" + key[key.IndexOf('/', StringComparison.Ordinal)..] : key;
    }

    private static bool IsArxivHost(Uri uri) => Normalize(uri.Host) is "arxiv.org" or "export.arxiv.org" or "rss.arxiv.org";

    // rss.arxiv.org/rss/cs.LG, also cs.LG+cs.CV and the older export.arxiv.org/rss/cs.LG.
    private static OpmlSource? Arxiv(Uri uri)
    {
        if (!IsArxivHost(uri) || uri.Query.Length > 0) return null;
        var path = uri.AbsolutePath.TrimEnd('/');
        if (!path.StartsWith("/rss/", StringComparison.Ordinal)) return null;
        var categories = path["/rss/".Length..].Split('+');
        if (!categories.All(ArxivCategory.IsCategory)) return null;
        var value = categories.Length == 1 ? Text(categories[0]) : "[" + string.Join(", ", categories.Select(Text)) + "]";
        return new OpmlSource(ArxivRssSource.KindName, [new("category", value)], Slug("arxiv-" + string.Join('-', categories))!);
    }

    // arxiv.org/list/CAT/new (recent, pastweek), with the skip=0 and an accepted show that arxiv-listing writes: the pages
    // a feed source could not read (they are HTML).
    private static OpmlSource? ArxivListing(Uri uri)
    {
        if (!IsArxivHost(uri) || uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) is not ["list", var category, var list]
            || !ArxivCategory.IsCategory(category) || list is not ("new" or "recent" or "pastweek")
            || Parameters(uri, "skip", "show") is not { } parameters || parameters.GetValueOrDefault("skip", "0") != "0")
            return null;
        List<KeyValuePair<string, string>> fields = [Field(ArxivCategory.Field, category)];
        if (list != "new") fields.Add(Field("list", list));
        if (parameters.TryGetValue("show", out var show))
        {
            var pageSize = Whole(show) ?? 0;
            if (!ArxivListingSource.AllowedShow.Contains(pageSize)) return null;
            if (pageSize != ArxivListingSource.DefaultShow) fields.Add(new("show", show));
        }
        return new OpmlSource(ArxivListingSource.KindName, fields, Slug($"arxiv-{category}-{list}")!);
    }

    // export.arxiv.org/api/query?search_query=… sorted newest first from the start, as arxiv-api asks: its query and
    // page size come back; one sorted otherwise, or with id_list or another parameter, is read as the feed it is.
    private static OpmlSource? ArxivApi(Uri uri)
    {
        if (!IsArxivHost(uri) || uri.AbsolutePath.TrimEnd('/') != "/api/query"
            || Parameters(uri, "search_query", "sortBy", "sortOrder", "start", "max_results") is not { } parameters
            || parameters.GetValueOrDefault("search_query") is not { } query || string.IsNullOrWhiteSpace(query)
            || parameters.GetValueOrDefault("sortBy", "submittedDate") != "submittedDate"
            || parameters.GetValueOrDefault("sortOrder", "descending") != "descending"
            || parameters.GetValueOrDefault("start", "0") != "0")
            return null;
        List<KeyValuePair<string, string>> fields = [Field("query", query)];
        if (parameters.TryGetValue("max_results", out var size))
        {
            var pageSize = Whole(size);
            if (pageSize is not (>= 1 and <= ArxivApiSource.MaxPageSize)) return null;
            if (pageSize != ArxivApiSource.DefaultMaxResults) fields.Add(new("maxResults", size));
        }
        return new OpmlSource(ArxivApiSource.KindName, fields, Slug("arxiv-api-" + query) ?? "arxiv-api");
    }

    // The query's parameters (decoded, + as a space), or null when it has one not in <paramref name="allowed"/> or one twice.
    private static Dictionary<string, string>? Parameters(Uri uri, params string[] allowed)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            if (!allowed.Contains(name) || !parameters.TryAdd(name, value)) return null;
        }
        return parameters;
    }

    private static int? Whole(string text) => int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    // github.com/{owner}/{repo}/releases.atom and …/tags.atom: the feeds github-releases reads by default.
    private static OpmlSource? GitHub(Uri uri)
    {
        if (GitHubRepo.TryFromUrl(uri) is not { } repo || uri.Query.Length > 0) return null;
        var parts = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3 || parts[2] is not ("releases.atom" or "tags.atom")) return null;
        List<KeyValuePair<string, string>> fields = [Field("repo", repo.FullName)];
        if (parts[2] == "tags.atom") fields.Add(new("tags", "true"));
        return new OpmlSource(GitHubReleasesSource.KindName, fields, Slug($"{repo.Owner}-{repo.Name}")!);
    }

    // An account feed of one of the mirrors README's wechat-mirror kind knows (its flavors), under any base path:
    // wewe-rss {mirror}/feeds/MP_WXS_….{rss|atom|json} (the feed ids its /opml export lists), RSSHub {mirror}/wechat/…
    // routes, Wechat2RSS {mirror}/feed/{hex id}.xml. A mirror on the operator's own network gets allowPrivateNetwork (For).
    private static OpmlSource? WeChat(OpmlOutline outline, Uri uri)
    {
        if (uri.Query.Length > 0) return null;
        var parts = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? flavor = null, feed = null, format = null;
        var prefix = 0;
        if (parts.Length >= 2 && parts[^2] == "feeds" && WeweFeed().Match(parts[^1]) is { Success: true } wewe)
            (flavor, feed, format, prefix) = ("wewe-rss", wewe.Groups["id"].Value, wewe.Groups["format"].Value, parts.Length - 2);
        else if (Array.IndexOf(parts, "wechat") is >= 0 and var route && route < parts.Length - 1)
            (flavor, feed, prefix) = ("rsshub", string.Join('/', parts[route..]), route);
        else if (parts.Length >= 2 && parts[^2] == "feed" && Wechat2RssFeed().Match(parts[^1]) is { Success: true } wechat2rss)
            (flavor, feed, prefix) = ("wechat2rss", wechat2rss.Groups["id"].Value, parts.Length - 2);
        if (flavor is null || feed is null) return null;

        var mirror = uri.GetLeftPart(UriPartial.Authority) + string.Concat(parts[..prefix].Select(p => "/" + p));
        List<KeyValuePair<string, string>> fields = [Field(WeChatMirrorSettings.MirrorField, mirror), Field(WeChatMirrorSettings.FlavorField, flavor)];
        if (format is not null && format != "rss") fields.Add(Field(WeChatMirrorSettings.FormatField, format));
        var account = outline.Title.Length > 0 ? $"{{ \"feed\": {Text(feed)}, \"name\": {Text(outline.Title)} }}" : Text(feed);
        fields.Add(new(WeChatMirrorSettings.AccountsField, $"[{account}]"));
        return new OpmlSource(WeChatMirrorSource.KindName, fields, Slug(feed) ?? "wechat", NamesTitle: outline.Title.Length > 0);
    }

    private static string Normalize(string host) => host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? host[4..].ToLowerInvariant() : host.ToLowerInvariant();

    private static string Text(string value) => "\"" + JsonEncodedText.Encode(value, Encoder).ToString() + "\"";

    // A number as JSON writes it (RFC 8259 §6): what Setting passes on as a number, nothing else.
    [GeneratedRegex(@"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    [GeneratedRegex("[^a-z0-9._]+")]
    private static partial Regex NotSlug();

    [GeneratedRegex(@"^(?<id>MP_WXS_[0-9]+)\.(?<format>rss|atom|json)$")]
    private static partial Regex WeweFeed();

    [GeneratedRegex(@"^(?<id>[0-9a-f]{16,})\.xml$")]
    private static partial Regex Wechat2RssFeed();
}
