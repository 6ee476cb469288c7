using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using CodeHollow.FeedReader;
using CodeHollow.FeedReader.Feeds;
using CodeHollow.FeedReader.Parser;

using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>Bytes of an RSS 0.9x/1.0/2.0, Atom or JSON Feed document in, a <see cref="FeedDocument"/> or a reason out. Shared by every feed-based kind.</summary>
/// <remarks>
/// DOCTYPE declarations are removed before parsing, so no DTD, internal entity (billion laughs) or external
/// entity (XXE) is ever processed; a feed that then references an undeclared entity is reported as malformed.
/// Bytes are decoded by <see cref="FeedText"/> (byte-order mark, HTTP charset, declaration, UTF-8, then a guess); a document that is not
/// well-formed goes through <see cref="FeedRecovery"/>, and the result says so.
/// </remarks>
public static partial class FeedDocumentParser
{
    private static readonly SearchValues<char> LeadingSpace = SearchValues.Create("\ufeff \t\r\n");

    /// <summary>Parses <paramref name="document"/>; never throws for bad input.</summary>
    public static ParseResult Parse(FetchedDocument document) => Parse(document, streaming: true);

    /// <param name="streaming">False: the library reads every format (tests compare the two ways).</param>
    internal static ParseResult Parse(FetchedDocument document, bool streaming)
    {
        var (chars, length, _) = FeedText.DecodePooled(document.Body.Span, document.Charset);
        string text;
        var bases = XmlBase.For(document.FinalUri);
        try
        {
            var start = chars.AsSpan(0, length).IndexOfAnyExcept(LeadingSpace);
            if (start < 0) start = length;
            // The one pass straight from the decoded buffer: it reads only a well-formed RSS 2.0 or Atom document without a
            // DOCTYPE (it refuses one), that is, one the steps below would hand to it unchanged. Anything else takes them.
            if (streaming && FeedStreamReader.TryRead(chars, start, length - start, bases) is { } streamed)
                return ParseResult.Ok(Cleaned(streamed));
            text = new string(chars, start, length - start);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
        if (text.Length == 0) return ParseResult.Fail("empty response body (the server sent nothing; check the URL in a browser)");
        if (LooksLikeHtml(text)) return ParseResult.Fail(HtmlPage);
        var withoutDocType = DocType().Replace(text, "");
        if (NestsTooDeep(withoutDocType)) return ParseResult.Fail(TooDeep);
        // The one-pass reader already refused this text above; it gets it again only without a DOCTYPE (Replace returns
        // the same instance when there was none).
        var strict = TryRead(withoutDocType, streaming && !ReferenceEquals(withoutDocType, text), bases);
        text = withoutDocType;
        if (strict.Feed is not null || !strict.Error!.StartsWith("malformed XML", StringComparison.Ordinal)) return strict;
        // Lenient path: repair common breakage and keep every complete item; say so when items may be missing. A repair that
        // kept the whole document (an HTML entity without a DTD, a bare ampersand) lost nothing: no warning, as in miniflux.
        if (FeedRecovery.TryRecover(text, out var salvaged, out var tooDeep) is { } recovered && TryRead(recovered, streaming, bases) is { Feed: { } feed })
            return salvaged < 0 ? ParseResult.Ok(feed) : new ParseResult(feed, null, $"{strict.Error}; recovered {salvaged} complete item(s)");
        return tooDeep ? ParseResult.Fail(TooDeep) : strict;
    }

    /// <summary>How deep elements may nest in a document the library or the repairs read (a feed needs a handful; XHTML content a few dozen).</summary>
    internal const int MaxDepth = 256;

    internal const string TooDeep = "malformed XML: elements nested more than 256 deep (not a feed)";

    /// <summary>
    /// True when elements nest deeper than <see cref="MaxDepth"/> before the document ends or breaks. LINQ to XML, which
    /// the library and the salvage build trees with, takes time in the square of the depth: a 2 MB feed of unclosed
    /// <c>&lt;title&gt;</c>s held a poll's thread for minutes, past any budget (a regex or a tree build cannot be cancelled).
    /// </summary>
    internal static bool NestsTooDeep(string text) => NestsTooDeep(XmlReader.Create(new StringReader(text), ReaderSettings));

    /// <summary>As <see cref="NestsTooDeep(string)"/>, for a body's bytes as XML reads them (the encoding from the byte-order mark or the declaration).</summary>
    internal static bool NestsTooDeep(FetchedDocument document) => NestsTooDeep(XmlReader.Create(document.OpenBody(), ReaderSettings));

    private static bool NestsTooDeep(XmlReader created)
    {
        try
        {
            using var reader = created;
            while (reader.Read())
                if (reader.Depth > MaxDepth) return true;
        }
        catch (XmlException)
        {
            // the break: only what came before it counts
        }
        return false;
    }

    private static ParseResult TryRead(string text, bool streaming, XmlBase bases)
    {
        // RSS 2.0 and Atom in one pass; the library for the rest (and for every document that is not well-formed).
        if (streaming && FeedStreamReader.TryRead(text, bases) is { } streamed) return ParseResult.Ok(Cleaned(streamed));
        Feed feed;
        try
        {
            // FeedReader dereferences the <channel> of RSS 0.9x/2.0 and RDF without checking that there is one.
            if (RootWithoutChannel(text) is { } root) return ParseResult.Fail($"not a feed: <{root}> has no <channel> element");
            feed = FeedReader.ReadFromString(text);
        }
        catch (XmlException ex)
        {
            return ParseResult.Fail($"malformed XML: {ex.Message}");
        }
        catch (Exception ex) when (ex is FeedTypeNotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            return ParseResult.Fail($"not a feed: {ex.Message}");
        }
        if (feed.Type == FeedType.Unknown) return ParseResult.Fail("not a recognized feed format (RSS, Atom, RDF or JSON Feed)");
        // The library's tree is walked up from each item only when there is an xml:base to find (the xml prefix is reserved:
        // no other name can declare the attribute).
        if (!text.Contains("xml:base", StringComparison.Ordinal)) bases = XmlBase.None;
        var items = feed.Items.Select(item => ToEntry(item, bases)).ToList();
        // The library reads RSS's <language> and JSON Feed's "language", not Atom's xml:lang, which the one-pass reader gives.
        var language = feed.Language ?? (feed.Type == FeedType.Atom ? feed.SpecificFeed?.Element?.Attribute(XNamespace.Xml + "lang")?.Value : null);
        return ParseResult.Ok(new FeedDocument(CleanText(feed.Title), Clean(FeedLink(feed, bases)), items, Clean(language)));
    }

    // The feed's link resolved against the xml:base in scope at it, as the one-pass reader does.
    private static string? FeedLink(Feed feed, XmlBase bases)
    {
        if (bases.Document is null || feed.Link is null || feed.SpecificFeed?.Element is not { } element) return feed.Link;
        var channel = element.Name.LocalName == "channel" ? element : element.Elements().FirstOrDefault(e => e.Name.LocalName == "channel") ?? element;
        return bases.Enter(LinkElement(channel, feed.Link) ?? channel).Resolve(feed.Link);
    }

    // The first link child of parent that gave the library `link`: an Atom link by its href, an RSS link by its text.
    private static XElement? LinkElement(XElement parent, string link) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == "link" && ((string?)e.Attribute("href") ?? e.Value).Trim() == link.Trim());

    private static FeedEntry ToEntry(FeedItem item, XmlBase bases)
    {
        // The date used when the published one is missing or unreadable: Atom updated, JSON Feed date_modified, RSS 2.0 dc:date.
        string? updated = item.SpecificItem switch
        {
            AtomFeedItem atom => atom.UpdatedDateString,
            JsonFeedItem json => json.DateModifiedString,
            Rss20FeedItem rss => rss.DC?.DateString,
            MediaRssFeedItem media => media.DC?.DateString,
            _ => null,
        };
        Dictionary<string, string>? extensions = null;
        if (item.SpecificItem?.Element is { } element)
        {
            var own = element.GetDefaultNamespace();
            foreach (var child in element.Elements().Where(c => c.Name.Namespace != own && c.Name.NamespaceName.Length > 0))
                (extensions ??= new Dictionary<string, string>(StringComparer.Ordinal)).TryAdd(FeedEntry.ExtensionKey(child.Name.NamespaceName, child.Name.LocalName), child.Value);
        }
        var (title, description, content) = (item.Title, item.Description, RawContent(item));
        if (item.SpecificItem is AtomFeedItem { Element: { } entry })
        {
            // As the one-pass reader: literal text constructs become the HTML that shows them (AtomText).
            var ns = entry.GetDefaultNamespace();
            title = Literal(entry.Element(ns + "title"), title);
            description = Literal(entry.Element(ns + "summary"), description);
            content = Literal(entry.Element(entry.Name.Namespace + "content"), content);
        }
        else if (item.SpecificItem is JsonFeedItem json)
        {
            // JSON Feed: title, summary and content_text are plain text, content_html is HTML (whichever the library took).
            title = title is null ? null : AtomText.ToHtml(title);
            if (description is not null && (ReferenceEquals(description, json.Summary) || ReferenceEquals(description, json.ContentText)))
                description = AtomText.ToHtml(description);
            if (content is not null && ReferenceEquals(content, json.ContentText)) content = AtomText.ToHtml(content);
        }
        else if (title is not null)
        {
            title = UndeclaredTitle.ToHtml(title);   // RSS 0.9x, 1.0, 2.0: text unless it looks like HTML
        }
        var link = bases.Document is null || item.Link is null || item.SpecificItem?.Element is not { } itemElement
            ? item.Link
            : bases.Enter(LinkElement(itemElement, item.Link) ?? itemElement).Resolve(item.Link);
        return Entry(item.Id, title, link, description, content, item.Author, item.PublishingDateString, updated,
            item.Categories?.ToList() ?? [], (item.SpecificItem as Rss20FeedItem)?.DC?.Creator, extensions);
    }

    private static string? Literal(XElement? element, string? value) =>
        element is not null && value is not null && AtomText.IsText(element.Attribute("type")?.Value) ? AtomText.ToHtml(value) : value;

    // The item's content as the document has it. The library HTML-decodes content:encoded and Atom content once more, which
    // turns escaped text ("never put input inside a &lt;script&gt;") into tags the text cleaner then drops; the cleaner
    // decodes entities itself, as it does for descriptions.
    private static string? RawContent(FeedItem item)
    {
        if (item.SpecificItem?.Element is not { } element) return item.Content;
        var name = item.SpecificItem is AtomFeedItem ? element.Name.Namespace + "content" : ContentModule + "encoded";
        return element.Element(name) is { } content ? content.Value : item.Content;
    }

    private static readonly XNamespace ContentModule = "http://purl.org/rss/1.0/modules/content/";

    /// <summary>An item as every reader hands it on: identifiers, links, author and dates trimmed, blank ones null.</summary>
    /// <remarks>FeedBurner's <c>feedburner:origLink</c>, when it holds an http(s) address, is the link: the item's own link is
    /// FeedBurner's redirect to it (miniflux reads it so too).</remarks>
    internal static FeedEntry Entry(string? id, string? title, string? link, string? description, string? content, string? author, string? published,
        string? updated, IReadOnlyList<string> categories, string? creator, IReadOnlyDictionary<string, string>? extensions)
    {
        if (extensions?.GetValueOrDefault(OrigLinkKey) is { } original && Uri.TryCreate(original.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            link = original;
        return new(Clean(id), title, Clean(link), description, content, CleanText(author), Clean(published), Clean(updated), categories, creator, extensions);
    }

    private static readonly string OrigLinkKey = FeedEntry.ExtensionKey("http://rssnamespace.org/feedburner/ext/1.0", "origLink");

    // The root's name when it is <rss> or <rdf:RDF> and no child of it is a <channel>; reads no further than that child.
    private static string? RootWithoutChannel(string text)
    {
        if (text.StartsWith('{')) return null;   // JSON Feed
        using var reader = XmlReader.Create(new StringReader(text), ReaderSettings);
        if (reader.MoveToContent() != XmlNodeType.Element) return null;
        if (!reader.LocalName.Equals("rss", StringComparison.OrdinalIgnoreCase) && !reader.LocalName.Equals("rdf", StringComparison.OrdinalIgnoreCase))
            return null;
        var root = reader.Name;
        if (reader.IsEmptyElement) return root;
        reader.Read();
        while (!reader.EOF && reader.Depth > 0)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName.Equals("channel", StringComparison.OrdinalIgnoreCase)) return null;
            if (reader.NodeType == XmlNodeType.Element) reader.Skip();
            else reader.Read();
        }
        return root;
    }

    private static readonly XmlReaderSettings ReaderSettings = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    // The one-pass reader's document with its channel fields cleaned as the library's are.
    private static FeedDocument Cleaned(FeedDocument streamed) =>
        streamed with { Title = CleanText(streamed.Title), Link = Clean(streamed.Link), Language = Clean(streamed.Language) };

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    // The author and the feed's title become an entry's account, printed as they are by entries, sources and the draft:
    // no control characters (a JSON Feed's "\u001b[2J" reaches a terminal) and no bidi overrides, as titles are cleaned.
    private static string? CleanText(string? value) => Clean(value) is { } text ? Clean(TextCleaner.CollapseWhiteSpace(text)) : null;

    private static bool LooksLikeHtml(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 512));
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    // Without backtracking: a body of 180,000 "<!DOCTYPE [" and no "]" made the backtracking engine scan to the end from each
    // one (2 MB: 7 s, the 10 MB cap: minutes, uncancellable); this engine reads the text once.
    [GeneratedRegex(@"<!DOCTYPE[^\[>]*(\[[\s\S]*?\])?\s*>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex DocType();

    private const string HtmlPage = "got an HTML page, not a feed (check the URL; the site may show an error or login page)";

    /// <summary>A parsed feed or the reason there is none; <paramref name="Warning"/> says when the lenient path was used.</summary>
    public readonly record struct ParseResult(FeedDocument? Feed, string? Error, string? Warning = null)
    {
        /// <summary>The document was an HTML page (a site's home page, an error or login page), not a feed.</summary>
        public bool IsHtmlPage => ReferenceEquals(Error, HtmlPage);

        public static ParseResult Ok(FeedDocument feed) => new(feed, null);
        public static ParseResult Fail(string error) => new(null, error);
    }
}
