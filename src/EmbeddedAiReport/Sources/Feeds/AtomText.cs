using System.Buffers;

namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>
/// Atom text constructs (RFC 4287 3.1): a title, summary or content of type <c>text</c>, or without a type, is literal
/// text; only <c>html</c> and <c>xhtml</c> are markup.
/// </summary>
/// <remarks>
/// Every reader hands on titles, descriptions and content as HTML (the kinds read them with the text cleaner), so literal
/// text is escaped on the way: <c>List&amp;lt;T&amp;gt;</c> then reads as <c>List&lt;T&gt;</c> instead of losing a
/// <c>&lt;T&gt;</c> "tag". JSON Feed's <c>title</c>, <c>summary</c> and <c>content_text</c> are plain text the same way.
/// </remarks>
internal static class AtomText
{
    private static readonly SearchValues<char> Markup = SearchValues.Create("<>&");

    /// <summary>Whether an Atom <c>type</c> attribute (or its absence) makes the element literal text.</summary>
    /// <remarks>A media type (content only) is text when it is <c>text/*</c> other than <c>text/html</c>.</remarks>
    public static bool IsText(string? type)
    {
        if (type is null) return true;
        var t = type.AsSpan().Trim();
        if (t.Length == 0 || t.Equals("text", StringComparison.OrdinalIgnoreCase)) return true;
        return t.StartsWith("text/", StringComparison.OrdinalIgnoreCase) && !t.Equals("text/html", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary><paramref name="text"/> as HTML that shows it as written; the same instance when it holds no markup character.</summary>
    public static string ToHtml(string text)
    {
        if (text.AsSpan().IndexOfAny(Markup) < 0) return text;
        return text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
    }
}
