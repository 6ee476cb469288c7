using System.Text;
using System.Xml;

namespace EmbeddedAiReport.Sources.Opml;

/// <summary>Bytes of an OPML 1.0/2.0 subscription list in, its feed outlines (nested categories flattened, in document order) or a reason out.</summary>
/// <remarks>
/// The encoding is the one the XML declaration or byte-order mark names (GB2312, GBK and the other code pages too). No DTD
/// or external entity is ever processed. Attribute names are matched without regard to case: exports write
/// <c>xmlUrl</c>, <c>xmlurl</c> and <c>XMLURL</c>. An outline without <c>xmlUrl</c> is a category (or a plain note) and
/// only its children are read.
/// </remarks>
public static class OpmlParser
{
    static OpmlParser() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The outcome of <see cref="Parse"/>: the outlines, or why the bytes are no OPML.</summary>
    public sealed record Result(IReadOnlyList<OpmlOutline> Outlines, string? Error);

    /// <summary>Parses <paramref name="bytes"/>; never throws for bad input.</summary>
    public static Result Parse(byte[] bytes)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true };
        var outlines = new List<OpmlOutline>();
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes, writable: false), settings);
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "opml")
                return new Result([], $"not an OPML file: its root element is <{reader.LocalName}>, not <opml>");
            var body = false;
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element) continue;
                if (reader.LocalName == "body" && reader.Depth == 1) body = true;
                if (reader.LocalName != "outline" || !body) continue;
                var line = ((IXmlLineInfo)reader).LineNumber;
                if (Attribute(reader, "xmlUrl") is not { Length: > 0 } xmlUrl) continue;
                var title = Attribute(reader, "title") is { Length: > 0 } named ? named : Attribute(reader, "text") ?? "";
                outlines.Add(new OpmlOutline(title, xmlUrl, Attribute(reader, "htmlUrl") is { Length: > 0 } html ? html : null, line));
            }
            if (!body) return new Result([], "not an OPML file: it has no <body>");
        }
        catch (XmlException ex)
        {
            return new Result([], $"not well-formed XML: line {ex.LineNumber}, column {ex.LinePosition}: {Message(ex)}");
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)   // an encoding name no code page has
        {
            return new Result([], $"cannot be read: {ex.Message}");
        }
        return new Result(outlines, null);
    }

    private static string? Attribute(XmlReader reader, string name)
    {
        for (var more = reader.MoveToFirstAttribute(); more; more = reader.MoveToNextAttribute())
        {
            if (!reader.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
            var value = reader.Value.Trim();
            reader.MoveToElement();
            return value;
        }
        reader.MoveToElement();
        return null;
    }

    // XmlException repeats the position at the end of its message ("…, Line 3, position 7."): said once, in front.
    private static string Message(XmlException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Line ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim().TrimEnd('.', ',');
    }
}
