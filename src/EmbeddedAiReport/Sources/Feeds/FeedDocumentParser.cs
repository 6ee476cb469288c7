using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using CodeHollow.FeedReader;
using CodeHollow.FeedReader.Feeds;
using CodeHollow.FeedReader.Parser;

namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>Bytes of an RSS 0.9x/1.0/2.0, Atom or JSON Feed document in, a <see cref="FeedDocument"/> or a reason out. Shared by every feed-based kind.</summary>
/// <remarks>
/// DOCTYPE declarations are removed before parsing, so no DTD, internal entity (billion laughs) or external
/// entity (XXE) is ever processed; a feed that then references an undeclared entity is reported as malformed.
/// The HTTP charset wins over the XML declaration, because FeedReader ignores it.
/// </remarks>
public static partial class FeedDocumentParser
{
    static FeedDocumentParser() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Parses <paramref name="document"/>; never throws for bad input.</summary>
    public static ParseResult Parse(FetchedDocument document)
    {
        string text;
        try
        {
            text = Decode(document.Body, document.Charset);
        }
        catch (ArgumentException ex)
        {
            return ParseResult.Fail($"unknown charset '{document.Charset}': {ex.Message}");
        }
        text = text.TrimStart('\ufeff', ' ', '\t', '\r', '\n');
        if (text.Length == 0) return ParseResult.Fail("empty response body");
        if (LooksLikeHtml(text)) return ParseResult.Fail("got an HTML page, not a feed (check the URL; the site may show an error or login page)");
        text = DocType().Replace(text, "");

        Feed feed;
        try
        {
            feed = FeedReader.ReadFromString(text);
        }
        catch (XmlException ex)
        {
            return ParseResult.Fail($"malformed XML: {ex.Message}");
        }
        catch (Exception ex) when (ex is FeedTypeNotSupportedException or InvalidOperationException or FormatException or ArgumentException or NullReferenceException)
        {
            return ParseResult.Fail($"not a feed: {ex.Message}");
        }
        if (feed.Type == FeedType.Unknown) return ParseResult.Fail("not a recognized feed format (RSS, Atom, RDF or JSON Feed)");

        var items = feed.Items.Select(ToEntry).ToList();
        return ParseResult.Ok(new FeedDocument(Clean(feed.Title), Clean(feed.Link), items));
    }

    private static FeedEntry ToEntry(FeedItem item)
    {
        string? updated = item.SpecificItem is AtomFeedItem atom ? atom.UpdatedDateString : null;
        return new FeedEntry(Clean(item.Id), item.Title, Clean(item.Link), item.Description, item.Content, Clean(item.Author),
            Clean(item.PublishingDateString), Clean(updated), item.Categories?.ToList() ?? [], item.SpecificItem);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Decode(byte[] body, string? charset)
    {
        if (!string.IsNullOrWhiteSpace(charset))
            return Encoding.GetEncoding(charset).GetString(body);
        // No HTTP charset: the XML declaration decides; without one, XML means UTF-8 (FeedReader does the same).
        var head = Encoding.ASCII.GetString(body, 0, Math.Min(body.Length, 200));
        var declared = DeclaredEncoding().Match(head);
        if (declared.Success)
        {
            try { return Encoding.GetEncoding(declared.Groups[1].Value).GetString(body); }
            catch (ArgumentException) { }
        }
        return Encoding.UTF8.GetString(body);
    }

    private static bool LooksLikeHtml(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 512));
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"<!DOCTYPE[^\[>]*(\[[\s\S]*?\])?\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex DocType();

    [GeneratedRegex("""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")]
    private static partial Regex DeclaredEncoding();

    /// <summary>A parsed feed or the reason there is none.</summary>
    public readonly record struct ParseResult(FeedDocument? Feed, string? Error)
    {
        public static ParseResult Ok(FeedDocument feed) => new(feed, null);
        public static ParseResult Fail(string error) => new(null, error);
    }
}
