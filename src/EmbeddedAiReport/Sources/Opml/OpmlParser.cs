using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace EmbeddedAiReport.Sources.Opml;

/// <summary>Bytes of an OPML 1.0/2.0 subscription list in, its feed outlines (nested categories flattened, in document order) or a reason out.</summary>
/// <remarks>
/// The encoding is the one the XML declaration or byte-order mark names (GB2312, GBK and the other code pages too). No DTD
/// or external entity is ever processed. Attribute names are matched without regard to case: exports write
/// <c>xmlUrl</c>, <c>xmlurl</c> and <c>XMLURL</c>. An outline without <c>xmlUrl</c> is a category (or a plain note) and
/// only its children are read. A file that is no well-formed XML only because of a bare <c>&amp;</c> (one that starts no
/// entity or character reference: wewe-rss writes account names such as <c>AI&amp;芯片</c> into its export as they are) is
/// read with each such <c>&amp;</c> taken as the character, and the lines where that was done are given back; any other
/// fault is the file's error, at its line and column as written.
/// </remarks>
public static partial class OpmlParser
{
    static OpmlParser() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly XmlReaderSettings Settings = new() { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true };

    /// <summary>The outcome of <see cref="Parse"/>: the outlines, or why the bytes are no OPML.</summary>
    /// <param name="Outlines">The feed outlines, in document order.</param>
    /// <param name="Error">Why the bytes are no OPML, or null.</param>
    /// <param name="BareAmpersandLines">The line of each bare <c>&amp;</c> read as the character (a line twice for two on it); empty for a well-formed file.</param>
    public sealed record Result(IReadOnlyList<OpmlOutline> Outlines, string? Error, IReadOnlyList<int> BareAmpersandLines)
    {
        internal Result(IReadOnlyList<OpmlOutline> outlines, string? error) : this(outlines, error, []) { }
    }

    /// <summary>Parses <paramref name="bytes"/>; never throws for bad input.</summary>
    public static Result Parse(byte[] bytes)
    {
        var strict = Read(() => XmlReader.Create(new MemoryStream(bytes, writable: false), Settings), out var fault);
        if (fault is null || Decode(bytes) is not { } text) return strict;
        var bare = BareAmpersand().Matches(text).Select(m => m.Index).ToList();
        if (bare.Count == 0) return strict;

        // Read again with each bare & written as &amp; (the k-th now 4k characters further on): the lines stay, a fault
        // found then is told at its column as written, 4 back for each &amp; before it on its line.
        var repaired = BareAmpersand().Replace(text, "&amp;");
        var written = bare.Select((index, k) => Position(repaired, index + 4 * k)).ToList();
        var result = Read(() => XmlReader.Create(new StringReader(repaired), Settings), out var left);
        if (left is null) return result with { BareAmpersandLines = [.. written.Select(p => p.Line)] };
        var column = left.LinePosition - 4 * written.Count(p => p.Line == left.LineNumber && p.Column < left.LinePosition);
        return new Result([], WellFormedError(left.LineNumber, column, left));
    }

    private static Result Read(Func<XmlReader> open, out XmlException? fault)
    {
        fault = null;
        var outlines = new List<OpmlOutline>();
        try
        {
            using var reader = open();
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
                outlines.Add(new OpmlOutline(title, xmlUrl, NonEmpty(Attribute(reader, "htmlUrl")), line, NonEmpty(Attribute(reader, "section")), NonEmpty(Attribute(reader, "schedule")),
                    Disabled: "false".Equals(Attribute(reader, "enabled"), StringComparison.OrdinalIgnoreCase), SettingAttributes(reader)));
            }
            if (!body) return new Result([], "not an OPML file: it has no <body>");
        }
        catch (XmlException ex)
        {
            fault = ex;
            return new Result([], WellFormedError(ex.LineNumber, ex.LinePosition, ex));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)   // an encoding name no code page has
        {
            return new Result([], $"cannot be read: {ex.Message}");
        }
        return new Result(outlines, null);
    }

    // The outline's attributes of OpmlOutline.Namespace that carry a source's settings, trimmed; null when it has none.
    private static List<KeyValuePair<string, string>>? SettingAttributes(XmlReader reader)
    {
        var settings = OpmlOutline.SettingNames.Select(name => KeyValuePair.Create(name, reader.GetAttribute(name, OpmlOutline.Namespace)?.Trim()))
            .Where(s => !string.IsNullOrEmpty(s.Value)).Select(s => KeyValuePair.Create(s.Key, s.Value!)).ToList();
        return settings.Count > 0 ? settings : null;
    }

    private static string? NonEmpty(string? value) => value is { Length: > 0 } ? value : null;

    private static string WellFormedError(int line, int column, XmlException ex) => $"not well-formed XML: line {line}, column {column}: {Message(ex)}";

    // The text as XmlReader decodes the bytes: a byte-order mark, else the declaration's encoding, else UTF-8. Null when the
    // declaration names no encoding there is (the strict read has said so).
    private static string? Decode(byte[] bytes)
    {
        Encoding encoding = new UTF8Encoding(false);
        try
        {
            using (var reader = XmlReader.Create(new MemoryStream(bytes, writable: false), Settings))
                if (reader.Read() && reader.NodeType == XmlNodeType.XmlDeclaration && reader.GetAttribute("encoding") is { Length: > 0 } name)
                    encoding = Encoding.GetEncoding(name);
            using var text = new StreamReader(new MemoryStream(bytes, writable: false), encoding, detectEncodingFromByteOrderMarks: true);
            return text.ReadToEnd();
        }
        catch (Exception ex) when (ex is XmlException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    // The 1-based line and column of text[index], as XmlReader counts them.
    private static (int Line, int Column) Position(string text, int index)
    {
        var start = index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;
        return (text.AsSpan(0, index).Count('\n') + 1, index - start + 1);
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

    // An & that starts no character reference (&#38; &#x26;) and no entity reference (&amp; and the others: a name and a ;).
    [GeneratedRegex(@"&(?!#[0-9]+;|#x[0-9A-Fa-f]+;|[\p{L}_:][\p{L}\p{Mn}\p{Mc}\p{Nd}._:-]*;)")]
    private static partial Regex BareAmpersand();

    // XmlException repeats the position at the end of its message ("…, Line 3, position 7."): said once, in front.
    private static string Message(XmlException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Line ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim().TrimEnd('.', ',');
    }
}
