using System.Buffers;
using System.Net;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>
/// A title whose format nobody declares (an RSS title, a WeChat article page's) is text unless it looks like HTML. RSS leaves
/// it open (titles of real feeds hold both <c>量&lt;b&gt;化&lt;/b&gt;</c> and <c>Release &lt;TensorRT&gt; 8.0</c>), so this is
/// the rule feedparser applies to RSS titles: HTML when it holds a closing tag or an entity, every tag in it is an HTML
/// element's and every named entity is HTML's. A void element (<c>&lt;br&gt;</c>, which has no closing tag) counts as a
/// closing tag here: feedparser sees such raw markup as HTML while it parses, and the feeds <see cref="FeedRecovery"/>
/// repairs hand it on escaped. Text is escaped on the way, as Atom text is (<see cref="AtomText"/>), so
/// <c>n&lt;m and m&gt;k</c> does not lose a "tag" <c>&lt;m and m&gt;</c>.
/// </summary>
internal static partial class UndeclaredTitle
{
    private static readonly SearchValues<char> Markup = SearchValues.Create("<&");

    // HTML's elements, the obsolete ones too (what a feed's title markup can be made of).
    private static readonly HashSet<string> Elements = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo", "big", "blink", "blockquote",
        "body", "br", "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup", "data", "datalist", "dd", "del",
        "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em", "embed", "fieldset", "figcaption", "figure", "font", "footer",
        "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "i", "iframe",
        "img", "input", "ins", "kbd", "label", "legend", "li", "link", "main", "map", "mark", "marquee", "menu", "meta", "meter",
        "nav", "nobr", "noscript", "object", "ol", "optgroup", "option", "output", "p", "param", "picture", "pre", "progress", "q",
        "rp", "rt", "ruby", "s", "samp", "script", "section", "select", "small", "source", "span", "strike", "strong", "style",
        "sub", "summary", "sup", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr",
        "track", "tt", "u", "ul", "var", "video", "wbr",
    };

    /// <summary><paramref name="title"/> as the HTML the kinds read it as: itself when it looks like HTML, else escaped text.</summary>
    public static string ToHtml(string title) =>
        title.AsSpan().IndexOfAny(Markup) < 0 || LooksLikeHtml(title) ? title : AtomText.ToHtml(title);

    /// <summary>feedparser's test: a closing tag, a void element or an entity, and only HTML's elements and named entities.</summary>
    internal static bool LooksLikeHtml(string text)
    {
        if (!ClosingTag().IsMatch(text) && !VoidElement().IsMatch(text) && !Entity().IsMatch(text)) return false;
        foreach (Match tag in TagName().Matches(text))
            if (!Elements.Contains(tag.Groups[1].Value)) return false;
        foreach (Match entity in NamedEntity().Matches(text))
            if (WebUtility.HtmlDecode(entity.Value) == entity.Value) return false;
        return true;
    }

    [GeneratedRegex("</[A-Za-z][A-Za-z0-9]*>")]
    private static partial Regex ClosingTag();

    [GeneratedRegex(@"<(br|hr|img|wbr)(\s[^>]*)?/?>", RegexOptions.IgnoreCase)]
    private static partial Regex VoidElement();

    [GeneratedRegex("&(#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")]
    private static partial Regex Entity();

    [GeneratedRegex("</?([A-Za-z][A-Za-z0-9]*)")]
    private static partial Regex TagName();

    [GeneratedRegex("&[A-Za-z][A-Za-z0-9]*;")]
    private static partial Regex NamedEntity();
}
