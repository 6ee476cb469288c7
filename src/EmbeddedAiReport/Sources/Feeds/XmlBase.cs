using System.Xml;
using System.Xml.Linq;

namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>The <c>xml:base</c> in scope at an element (XML Base): what its relative links resolve against.</summary>
/// <remarks>
/// Each <c>xml:base</c> resolves against the one in scope at its parent, the outermost against the address the document
/// was fetched from; an element's own <c>xml:base</c> applies to its attributes and text (an Atom link's <c>href</c>).
/// Links with no <c>xml:base</c> in scope are left as written: the kinds resolve them as before (the feed's site link,
/// then the feed's address). Entering an element without attributes (an RSS item, its link) costs one property read; the
/// one-pass reader enters only the root, channel, items, entries and links.
/// </remarks>
/// <param name="Document">The document's address; null: <c>xml:base</c> is not read at all.</param>
/// <param name="InScope">The base in scope; null when no <c>xml:base</c> is.</param>
internal readonly record struct XmlBase(Uri? Document, Uri? InScope)
{
    /// <summary>Nothing is ever resolved.</summary>
    public static XmlBase None => default;

    /// <summary>The start of the scopes of a document fetched from <paramref name="document"/>.</summary>
    public static XmlBase For(Uri document) => new(document, null);

    /// <summary>The scope inside the element <paramref name="reader"/> is on.</summary>
    public XmlBase Enter(XmlReader reader) =>
        Document is null || !reader.HasAttributes ? this : Enter(reader.GetAttribute("base", XmlNamespace));

    /// <summary>The scope inside <paramref name="element"/>, from the document's root down (the library's tree).</summary>
    /// <remarks>Walks the element's ancestors: callers pass <see cref="None"/> when the text has no <c>xml:base</c>.</remarks>
    public XmlBase Enter(XElement? element)
    {
        if (Document is null || element is null) return this;
        var scope = this;
        foreach (var ancestor in element.AncestorsAndSelf().Reverse()) scope = scope.Enter(ancestor.Attribute(XNamespace.Xml + "base")?.Value);
        return scope;
    }

    /// <summary><paramref name="link"/> resolved against the base in scope; as written when none is or it does not resolve.</summary>
    public string? Resolve(string? link) =>
        InScope is null || link is null || !Uri.TryCreate(InScope, link.Trim(), out var resolved) ? link : resolved.AbsoluteUri;

    private XmlBase Enter(string? value) =>
        value is null || !Uri.TryCreate(InScope ?? Document, value.Trim(), out var resolved) ? this : this with { InScope = resolved };

    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";
}
