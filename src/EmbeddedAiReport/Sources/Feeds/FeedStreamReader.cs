using System.Buffers;
using System.Text;
using System.Xml;

namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>
/// Reads the two formats almost every feed uses, RSS 2.0 and Atom, in one forward pass (no document tree), with the field
/// rules of CodeHollow.FeedReader, which reads everything else.
/// </summary>
/// <remarks>
/// Returns null, and the caller hands the text to the library, for anything it does not read the library's way: JSON
/// Feed, RSS 0.9x/1.0 and Media RSS, a feed without a channel, characters the library strips before parsing, and any
/// document that is not well-formed (the library then reports the same XML error, and the lenient path runs as before).
/// Fields follow the library: an element is found among its parent's children in the namespace the parent's default
/// namespace gives (<c>content:encoded</c> and <c>dc:creator</c> by their prefixes in scope); a value is the text of the
/// element and its descendants, white-space-only text left out (<c>XDocument.Parse</c> ignores it); Atom's link is the
/// first alternate text/html one, else the first alternate, else the first. FeedStreamReaderTests read every fixture both
/// ways and compare.
/// </remarks>
internal static class FeedStreamReader
{
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    // What XDocument.Parse reads with (LoadOptions.None); DOCTYPEs are removed before either reader runs.
    private static readonly XmlReaderSettings Settings = new()
    {
        IgnoreWhitespace = true,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
    };

    /// <summary>The feed, or null when the library must read it.</summary>
    /// <param name="bases">Where links under an <c>xml:base</c> resolve (<see cref="XmlBase.For"/>); none by default.</param>
    public static FeedDocument? TryRead(string text, XmlBase bases = default) => Readable(text) ? TryRead(new StringReader(text), bases) : null;

    /// <summary>As <see cref="TryRead(string, XmlBase)"/>, from <paramref name="length"/> characters of <paramref name="chars"/> at <paramref name="start"/> (no string of the whole text).</summary>
    public static FeedDocument? TryRead(char[] chars, int start, int length, XmlBase bases = default) =>
        Readable(chars.AsSpan(start, length)) ? TryRead(new CharsReader(chars, start, length), bases) : null;

    // What this reader can take at all: markup from the first character and none of the characters the library strips.
    private static bool Readable(ReadOnlySpan<char> text) => text.Length > 0 && text[0] == '<' && text.IndexOfAny(Stripped) < 0;

    private static FeedDocument? TryRead(TextReader text, XmlBase bases)
    {
        try
        {
            using var reader = XmlReader.Create(text, Settings);
            reader.MoveToContent();
            FeedDocument? feed = null;
            if (reader.LocalName.Equals("feed", StringComparison.OrdinalIgnoreCase)) feed = ReadAtom(reader, bases);
            else if (reader.LocalName.Equals("rss", StringComparison.OrdinalIgnoreCase) && IsPlainRss20(reader)) feed = ReadRss(reader, bases);
            if (feed is null) return null;
            while (reader.Read()) { }   // the rest must be well-formed too, or the library's error is the answer
            return feed;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    // version="2.0" (any case) and no media namespace declared on the root: the library reads those as Media RSS.
    private static bool IsPlainRss20(XmlReader reader) =>
        (reader.GetAttribute("version") ?? "").Equals("2.0", StringComparison.OrdinalIgnoreCase) && reader.GetAttribute("media", XmlnsNamespace) is null;

    private static FeedDocument? ReadRss(XmlReader reader, XmlBase bases)
    {
        var rootNamespace = Default(reader);
        bases = bases.Enter(reader);
        if (reader.IsEmptyElement) return null;
        var depth = reader.Depth;
        reader.Read();
        FeedDocument? feed = null;
        while (reader.Depth > depth)
        {
            if (reader.NodeType == XmlNodeType.Element && feed is null && Is(reader, rootNamespace, "channel")) feed = ReadChannel(reader, bases);
            else if (reader.NodeType == XmlNodeType.Element) reader.Skip();
            else reader.Read();
        }
        return feed;   // no channel: the library fails on it
    }

    private static FeedDocument ReadChannel(XmlReader reader, XmlBase bases)
    {
        var ns = Default(reader);
        bases = bases.Enter(reader);
        string? title = null, link = null, language = null;
        var items = new List<FeedEntry>();
        foreach (var depth in Children(reader))
        {
            if (Is(reader, ns, "item")) items.Add(ReadRssItem(reader, bases));
            else if (title is null && Is(reader, ns, "title")) title = Value(reader);
            else if (link is null && Is(reader, ns, "link")) link = bases.Enter(reader).Resolve(Value(reader));
            else if (language is null && Is(reader, ns, "language")) language = Value(reader);
            else reader.Skip();
        }
        return new FeedDocument(title, link, items, language);
    }

    private static FeedEntry ReadRssItem(XmlReader reader, XmlBase bases)
    {
        var ns = Default(reader);
        bases = bases.Enter(reader);
        var content = reader.LookupNamespace("content");
        var dc = reader.LookupNamespace("dc");
        var item = new Fields();
        string? date = null;
        foreach (var depth in Children(reader))
        {
            var (name, space) = (reader.LocalName, reader.NamespaceURI);
            var link = bases.Document is not null && item.Link is null && space == ns && name == "link" ? bases.Enter(reader) : XmlBase.None;
            var value = Value(reader);
            if (space == ns)
            {
                switch (name)
                {
                    case "title": item.Title ??= UndeclaredTitle.ToHtml(value); break;
                    case "link": item.Link ??= link.Resolve(value); break;
                    case "description": item.Description ??= value; break;
                    case "guid": item.Id ??= value; break;
                    case "author": item.Author ??= value; break;
                    case "pubDate": item.Published ??= value; break;
                    case "category": item.Categories.Add(value); break;
                }
            }
            if (content is not null && space == content && name == "encoded") item.Content ??= value;
            if (dc is not null && space == dc && name == "creator") item.Creator ??= value;
            if (dc is not null && space == dc && name == "date") date ??= value;
            if (space.Length > 0 && space != ns) item.Extension(space, name, value);
        }
        return item.ToEntry(updated: date);   // dc:date, the fallback when pubDate is missing or unreadable
    }

    private static FeedDocument ReadAtom(XmlReader reader, XmlBase bases)
    {
        var ns = Default(reader);
        bases = bases.Enter(reader);
        var language = reader.GetAttribute("lang", "http://www.w3.org/XML/1998/namespace");
        string? title = null;
        var links = new List<(string? Href, string? Rel, string? Type)>();
        var items = new List<FeedEntry>();
        foreach (var depth in Children(reader))
        {
            if (Is(reader, ns, "entry")) items.Add(ReadAtomEntry(reader, bases));
            else if (Is(reader, ns, "link"))
            {
                links.Add(LinkAttributes(reader, bases));
                reader.Skip();
            }
            else if (title is null && Is(reader, ns, "title")) title = Value(reader);
            else reader.Skip();
        }
        return new FeedDocument(title, MainHref(links), items, language);
    }

    private static FeedEntry ReadAtomEntry(XmlReader reader, XmlBase bases)
    {
        var ns = Default(reader);
        bases = bases.Enter(reader);
        var item = new Fields();
        var links = new List<(string? Href, string? Rel, string? Type)>();
        string? content = null, summary = null, published = null, issued = null, created = null, updated = null, modified = null, author = null;
        bool contentSeen = false, authorSeen = false;
        foreach (var depth in Children(reader))
        {
            var (name, space) = (reader.LocalName, reader.NamespaceURI);
            if (space == ns && name == "link") links.Add(LinkAttributes(reader, bases));
            string? label = null, term = null;
            if (space == ns && name == "category") (label, term) = (reader.GetAttribute("label"), reader.GetAttribute("term"));
            if (space == ns && name == "author" && !authorSeen)
            {
                (author, authorSeen) = (Person(reader), true);
                continue;
            }
            // A text construct without a type, or of type text, is literal text (AtomText); the attribute is read only on these three.
            var literal = space == ns && name is "title" or "summary" or "content" && AtomText.IsText(reader.HasAttributes ? reader.GetAttribute("type") : null);
            var value = Value(reader);
            if (literal) value = AtomText.ToHtml(value);
            if (space == ns)
            {
                switch (name)
                {
                    case "title": item.Title ??= value; break;
                    case "id": item.Id ??= value; break;
                    case "summary": summary ??= value; break;
                    case "content" when !contentSeen: (content, contentSeen) = (value, true); break;
                    case "published": published ??= value; break;
                    case "issued": issued ??= value; break;
                    case "created": created ??= value; break;
                    case "updated": updated ??= value; break;
                    case "modified": modified ??= value; break;
                    case "category": item.Categories.Add(!string.IsNullOrEmpty(label) ? label : !string.IsNullOrEmpty(term) ? term : value); break;
                }
            }
            if (space.Length > 0 && space != ns) item.Extension(space, name, value);
        }
        item.Link = MainHref(links);
        item.Description = summary;
        item.Content = content;
        item.Author = author;
        item.Published = published ?? issued ?? created;
        return item.ToEntry(updated ?? modified);
    }

    // AtomPerson.ToString: the name, or "name <email>" trimmed when there is an e-mail; null without a name or e-mail.
    private static string? Person(XmlReader reader)
    {
        var ns = Default(reader);
        string? name = null, email = null;
        foreach (var depth in Children(reader))
        {
            if (name is null && Is(reader, ns, "name")) name = Value(reader);
            else if (email is null && Is(reader, ns, "email")) email = Value(reader);
            else reader.Skip();
        }
        return string.IsNullOrEmpty(email) ? name : (name + " <" + email + ">").Trim();
    }

    private static (string? Href, string? Rel, string? Type) LinkAttributes(XmlReader reader, XmlBase bases) =>
        (bases.Enter(reader).Resolve(reader.GetAttribute("href")), reader.GetAttribute("rel"), reader.GetAttribute("type"));

    // AtomLink.GetMainHref: the first alternate text/html link, else the first alternate, else the first link. One pass and
    // no list of the alternates: it runs for every Atom entry.
    private static string? MainHref(List<(string? Href, string? Rel, string? Type)> links)
    {
        (string? Href, bool Found) alternate = default;
        foreach (var link in links)
        {
            if (!string.IsNullOrEmpty(link.Rel) && !link.Rel.Equals("alternate", StringComparison.OrdinalIgnoreCase)) continue;
            if (string.Equals(link.Type, "text/html", StringComparison.OrdinalIgnoreCase)) return link.Href;
            if (!alternate.Found) alternate = (link.Href, true);
        }
        return alternate.Found ? alternate.Href : links.Count > 0 ? links[0].Href : null;
    }

    // Positions the reader on each child element of the current element in turn (the caller consumes each one: Value or
    // Skip) and ends past the current element's end tag.
    private static IEnumerable<int> Children(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            yield break;
        }
        var depth = reader.Depth;
        reader.Read();
        while (reader.Depth > depth)
        {
            if (reader.NodeType == XmlNodeType.Element) yield return depth;
            else reader.Read();
        }
        reader.Read();   // the end tag
    }

    // XElement.Value: the text of the element and all its descendants (CDATA included), read past its end.
    private static string Value(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return "";
        }
        var depth = reader.Depth;
        reader.Read();
        string? single = null;
        StringBuilder? many = null;
        while (reader.Depth > depth)
        {
            // No white space node ever comes: IgnoreWhitespace drops significant white space too (xml:space="preserve").
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA)
            {
                if (single is null) single = reader.Value;
                else (many ??= new StringBuilder(single)).Append(reader.Value);
            }
            reader.Read();
        }
        reader.Read();   // the end tag
        return many?.ToString() ?? single ?? "";
    }

    private static bool Is(XmlReader reader, string ns, string localName) => reader.LocalName == localName && reader.NamespaceURI == ns;

    private static string Default(XmlReader reader) => reader.LookupNamespace("") ?? "";

    // FeedParser.RemoveWrongChars strips these everywhere before parsing: a text holding any goes to the library.
    private static readonly SearchValues<char> Stripped = SearchValues.Create(
        [.. Enumerable.Range(0, 32).Where(c => c is not ('\t' or '\n' or '\r')).Select(c => (char)c), '\u007f', '\ufeff']);

    private sealed class Fields
    {
        private Dictionary<string, string>? _extensions;

        public string? Id, Title, Link, Description, Content, Author, Published, Creator;
        public List<string> Categories { get; } = [];

        // The first child element of each name outside the item's default namespace (arXiv's announce_type …).
        public void Extension(string ns, string localName, string value)
        {
            _extensions ??= new Dictionary<string, string>(StringComparer.Ordinal);
            _extensions.TryAdd(FeedEntry.ExtensionKey(ns, localName), value);
        }

        public FeedEntry ToEntry(string? updated) =>
            FeedDocumentParser.Entry(Id, Title, Link, Description, Content, Author, Published, updated, Categories, Creator, _extensions);
    }
}
