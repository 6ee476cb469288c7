using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>The lenient path for feeds that are not well-formed XML: repair what is common, then keep the complete items.</summary>
/// <remarks>
/// Repairs: bare ampersands (<c>AT&amp;T</c> written as <c>AT&amp;T</c> unescaped), bare less-than signs, HTML entities
/// without a DTD, characters (raw or referenced) XML forbids, HTML void elements left unclosed in text
/// (<c>&lt;br&gt;</c>, <c>&lt;img …&gt;</c>, <c>&lt;hr&gt;</c>), and HTML fields whose markup does not nest
/// (<c>&lt;p&gt;</c> left open), escaped. Then the
/// document is read item by item; every <c>item</c>/<c>entry</c> that closes before the break is kept with the channel's
/// header, so a feed truncated mid-item or broken after its tenth item still yields its first nine.
/// </remarks>
internal static partial class FeedRecovery
{
    /// <summary>A well-formed document built from what could be read, or null when nothing usable was found.</summary>
    /// <param name="salvagedItems">The complete items kept when the document had to be cut at a break; -1 when the repairs
    /// alone made the whole document well-formed (nothing was lost).</param>
    /// <param name="tooDeep">True when the repaired document nests deeper than <see cref="FeedDocumentParser.MaxDepth"/>:
    /// nothing is salvaged from it (null).</param>
    public static string? TryRecover(string text, out int salvagedItems, out bool tooDeep)
    {
        salvagedItems = -1;
        tooDeep = false;
        var repaired = InvalidXmlChars().Replace(BareAmpersand().Replace(text, "&amp;"), "");
        repaired = InvalidCharReference().Replace(repaired, "");
        repaired = BareLessThan().Replace(repaired, "&lt;");
        repaired = NamedEntity().Replace(repaired, ResolveEntity);
        repaired = VoidTag().Replace(repaired, EscapeVoidTag);
        if (IsWellFormed(repaired)) return repaired;
        if (FieldNames().Matches(repaired).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).Take(MaxFieldNames + 1).Count() <= MaxFieldNames)
            repaired = HtmlField().Replace(repaired, EscapeBrokenHtml);
        if (IsWellFormed(repaired)) return repaired;
        salvagedItems = 0;
        if (tooDeep = FeedDocumentParser.NestsTooDeep(repaired)) return null;   // the repairs let the reader go deeper than the original did

        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        XElement? root = null;
        XElement? container = null;
        try
        {
            using var reader = XmlReader.Create(new StringReader(repaired), settings);
            reader.MoveToContent();
            root = new XElement(XName.Get(reader.LocalName, reader.NamespaceURI), ReadAttributes(reader));
            container = root;
            if (reader.IsEmptyElement) return null;
            reader.Read();
            while (!reader.EOF)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    if (reader.NodeType == XmlNodeType.EndElement && reader.Depth <= 1) reader.Read();
                    else reader.Read();
                    continue;
                }
                if (reader.LocalName is "channel" && reader.Depth == 1)
                {
                    var channel = new XElement(XName.Get(reader.LocalName, reader.NamespaceURI), ReadAttributes(reader));
                    root.Add(channel);
                    container = channel;
                    reader.Read();
                    continue;
                }
                // Each child read whole: a break inside it throws and ends the salvage with what is complete.
                var element = (XElement)XNode.ReadFrom(reader);
                if (element.Name.LocalName is "item" or "entry") salvagedItems++;
                (element.Name.LocalName == "item" && root.Name.LocalName == "RDF" ? root : container).Add(element);
            }
        }
        catch (XmlException)
        {
            // the break: keep what was complete before it
        }
        return root is not null && salvagedItems > 0 ? root.ToString(SaveOptions.DisableFormatting) : null;
    }

    private static IEnumerable<XAttribute> ReadAttributes(XmlReader reader)
    {
        var attributes = new List<XAttribute>();
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                attributes.Add(reader.Prefix == "xmlns" || reader.LocalName == "xmlns"
                    ? new XAttribute(reader.Prefix == "xmlns" ? XNamespace.Xmlns + reader.LocalName : "xmlns", reader.Value)
                    : new XAttribute(XName.Get(reader.LocalName, reader.NamespaceURI), reader.Value));
            }
            while (reader.MoveToNextAttribute());
            reader.MoveToElement();
        }
        return attributes;
    }

    private static bool IsWellFormed(string text)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            while (reader.Read()) { }
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    /// <summary>
    /// An entity XML does not predefine: an HTML one (<c>&amp;nbsp;</c>, common in RSS written by hand) becomes its
    /// character reference; any other name (an entity of a removed DOCTYPE: XXE, billion laughs) stays literal text.
    /// </summary>
    private static string ResolveEntity(Match match)
    {
        var name = match.Groups[1].Value;
        if (name is "amp" or "lt" or "gt" or "quot" or "apos") return match.Value;
        var decoded = System.Net.WebUtility.HtmlDecode(match.Value);
        if (decoded == match.Value) return "&amp;" + name + ";";
        var references = new StringBuilder();
        for (var i = 0; i < decoded.Length; i += char.IsSurrogatePair(decoded, i) ? 2 : 1)
            references.Append("&#").Append(char.ConvertToUtf32(decoded, i)).Append(';');
        return references.ToString();
    }

    /// <summary>
    /// An HTML void element written raw in a field (<c>line one&lt;br&gt;line two</c>) opens an element that never closes, so
    /// the end tag of its field breaks the document there. It is escaped into text: the field then holds the HTML its author
    /// meant (a description is HTML; the text cleaner reads the tag as a break), as miniflux and newsboat read it. A
    /// self-closed one is XML already and stays an element; CDATA sections and comments are left as they are.
    /// </summary>
    private static string EscapeVoidTag(Match match)
    {
        var tag = match.ValueSpan;
        if (tag[1] == '!' || tag[1] != '/' && tag[^2] == '/') return match.Value;
        return string.Concat("&lt;", tag[1..^1], "&gt;");
    }

    /// <summary>
    /// A field that carries HTML (RSS <c>description</c>, <c>content:encoded</c>, <c>title</c>; Atom <c>summary</c>,
    /// <c>content</c>, <c>title</c>) written raw with markup XML cannot nest (<c>&lt;p&gt;one&lt;p&gt;two</c>, a
    /// <c>&lt;b&gt;</c> closed as <c>&lt;/strong&gt;</c>): its end tag breaks the document there. Its content becomes the
    /// escaped HTML its author meant, as feedparser's loose mode and miniflux read it; well-formed fields, XHTML content and
    /// the text of CDATA sections are kept as they are.
    /// </summary>
    private static string EscapeBrokenHtml(Match match)
    {
        var inner = match.Groups["inner"];
        if (match.Groups["attributes"].Value.Contains("xhtml", StringComparison.OrdinalIgnoreCase) || IsWellFormedFragment(inner.Value)) return match.Value;
        var escaped = new StringBuilder(match.Length + 32).Append(match.Value.AsSpan(0, inner.Index - match.Index));
        var at = 0;
        foreach (Match cdata in CdataSection().Matches(inner.Value))
        {
            escaped.Append(inner.Value.AsSpan(at, cdata.Index - at).ToString().Replace("<", "&lt;"));
            escaped.Append(cdata.Groups[1].Value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;"));
            at = cdata.Index + cdata.Length;
        }
        escaped.Append(inner.Value[at..].Replace("<", "&lt;"));
        return escaped.Append(match.Value.AsSpan(inner.Index - match.Index + inner.Length)).ToString();
    }

    private static bool IsWellFormedFragment(string text)
    {
        try
        {
            var settings = new XmlReaderSettings { ConformanceLevel = ConformanceLevel.Fragment, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(text), settings, new XmlParserContext(null, new AnyPrefix(), null, XmlSpace.None));
            while (reader.Read()) { }
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    /// <summary>Every prefix in a field's markup taken as declared: a <c>media:</c> element inside a description is no break.</summary>
    private sealed class AnyPrefix() : XmlNamespaceManager(new NameTable())
    {
        public override string? LookupNamespace(string prefix) => base.LookupNamespace(prefix) ?? "urn:prefix:" + prefix;
    }

    /// <summary>
    /// Most distinct names of HTML-bearing fields (<c>title</c>, <c>media:title</c>, <c>itunes:summary</c> …) a document may
    /// have for their HTML to be repaired; a real feed has a handful. Each name's last start tag without an end tag is
    /// searched to the end of the text, so a hostile document of thousands of prefixes (<c>&lt;a1:title&gt;</c>,
    /// <c>&lt;a2:title&gt;</c> …) took time square to its size: 150 KB held a poll's thread for half a minute.
    /// </summary>
    private const int MaxFieldNames = 32;

    [GeneratedRegex(@"<((?:[A-Za-z_][\w.-]*:)?(?:description|encoded|summary|content|title))[\s/>]")]
    private static partial Regex FieldNames();

    // An HTML-bearing field up to its end tag: its text never holds the start of another field of its name,
    // so a field left without its end tag cannot take the next item's field end for its own and swallow the items between.
    [GeneratedRegex("""<(?<name>(?:[A-Za-z_][\w.-]*:)?(?:description|encoded|summary|content|title))(?<attributes>\s[^<>]*)?>(?<inner>(?:(?!<\k<name>[\s/>])[\s\S])*?)</\k<name>\s*>""")]
    private static partial Regex HtmlField();

    // This and VoidTag run without backtracking: a body of repeated "<![CDATA[" (or "<!--") that never closes made the
    // backtracking engine scan to the end from each one, minutes for a feed under the size cap, uncancellable.
    [GeneratedRegex(@"<!\[CDATA\[([\s\S]*?)\]\]>", RegexOptions.NonBacktracking)]
    private static partial Regex CdataSection();

    // CDATA sections and comments (kept as they are), then a start or end tag of an HTML void element, attributes quoted or
    // not. <link>, <source>, <meta> and <base> are void in HTML too, but RSS and Atom use those names for their own elements.
    // The name ends at white space, '/' or '>' (written without a lookahead, which the non-backtracking engine lacks).
    [GeneratedRegex("""<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|</?(?:area|br|col|embed|hr|img|input|param|track|wbr)(?:[\s/](?:[^<>"']|"[^"<]*"|'[^'<]*')*)?>""",
        RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex VoidTag();

    // "5 < 6" in text: no tag, comment or declaration starts with white space, a digit or '='.
    [GeneratedRegex(@"<(?=[\s\d=])")]
    private static partial Regex BareLessThan();

    [GeneratedRegex(@"&([A-Za-z][A-Za-z0-9]{1,31});")]
    private static partial Regex NamedEntity();

    // Character references to characters XML 1.0 forbids (&#1; &#x1B;): as invalid as the raw characters.
    [GeneratedRegex(@"&#(?:0*(?:[0-8]|1[124-9]|2[0-9]|3[01])|x0*(?:[0-8]|[bBcCeEfF]|1[0-9A-Fa-f]));")]
    private static partial Regex InvalidCharReference();

    [GeneratedRegex(@"&(?!(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)")]
    private static partial Regex BareAmpersand();

    [GeneratedRegex(@"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]")]
    private static partial Regex InvalidXmlChars();
}
