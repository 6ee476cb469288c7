using System.Buffers;
using System.Net;

namespace EmbeddedAiReport.Normalizing;

// HTML to one line of plain text: tags, entities and white space (the rest of TextCleaner bounds and cuts text).
public static partial class TextCleaner
{
    /// <summary>Plain text of an HTML fragment (or of plain text with stray entities).</summary>
    /// <remarks>
    /// The same text as <c>PlainLinks(CollapseWhiteSpace(WebUtility.HtmlDecode(tagsAsSpaces)))</c> (an inline element's tags as
    /// nothing), in two pooled buffers and one string: it runs for every title, summary and whole text on the ingest path. An
    /// entity decodes on its own exactly as it does in context (WebUtility reads <c>&amp;…;</c> up to the first <c>;</c> with no
    /// <c>&amp;</c> before it), so each one is handed to <see cref="WebUtility.HtmlDecode(string)"/> alone, the few common ones
    /// without asking it.
    /// </remarks>
    public static string HtmlToText(string? html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        var stripped = ArrayPool<char>.Shared.Rent(html.Length);
        var collapsed = ArrayPool<char>.Shared.Rent(html.Length);
        try
        {
            var text = new Collapser(collapsed);
            Decode(stripped.AsSpan(0, StripTags(html, stripped)), ref text);
            var result = new string(text.Written);
            return PlainLinks(result);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(stripped);
            ArrayPool<char>.Shared.Return(collapsed);
        }
    }

    // Writes html with every tag but an inline element's as one space and script/style elements dropped into `into`; returns the length (never more than html's).
    private static int StripTags(string html, Span<char> into)
    {
        var length = 0;
        var i = 0;
        while (i < html.Length)
        {
            // Text up to the next '<' in one copy.
            var lt = html.IndexOf('<', i);
            if (lt < 0) lt = html.Length;
            html.AsSpan(i, lt - i).CopyTo(into[length..]);
            length += lt - i;
            i = lt;
            if (i >= html.Length) break;
            if (i + 1 < html.Length && (char.IsLetter(html[i + 1]) || html[i + 1] is '/' or '!' or '?'))
            {
                var close = html.IndexOf('>', i + 1);
                if (close < 0) break;   // a cut-off tag at the end: drop it
                var tag = TagName(html, i + 1);
                i = close + 1;
                if (tag is "script" or "style")
                {
                    var end = html.IndexOf("</" + tag, i, StringComparison.OrdinalIgnoreCase);
                    i = end < 0 ? html.Length : Math.Max(i, html.IndexOf('>', end) + 1);
                    if (i == 0) i = html.Length;
                }
                // Inline elements (<span>, <b>, <a> …) do not break the text, as a browser shows it: 量<b>化</b> is 量化.
                if (tag != "inline") into[length++] = ' ';
                continue;
            }
            into[length++] = '<';
            i++;
        }
        return length;
    }

    // Decodes the entities of text into `into` (WebUtility.HtmlDecode's rules, one entity at a time).
    private static void Decode(ReadOnlySpan<char> text, ref Collapser into)
    {
        var i = 0;
        while (i < text.Length)
        {
            var amp = text[i..].IndexOf('&');
            if (amp < 0)
            {
                into.Add(text[i..]);
                return;
            }
            into.Add(text.Slice(i, amp));
            i += amp;
            // An entity runs to the first ';' with no '&' before it; anything else is a plain '&'.
            var end = text[(i + 1)..].IndexOfAny(';', '&');
            if (end < 0 || text[i + 1 + end] != ';')
            {
                into.Add('&');
                i++;
                continue;
            }
            var entity = text.Slice(i, end + 2);
            switch (entity)
            {
                case "&amp;": into.Add('&'); break;
                case "&lt;": into.Add('<'); break;
                case "&gt;": into.Add('>'); break;
                case "&quot;": into.Add('"'); break;
                case "&nbsp;": into.Add('\u00a0'); break;
                default: into.Add(WebUtility.HtmlDecode(entity.ToString())); break;
            }
            i += entity.Length;
        }
    }

    // CollapseWhiteSpace as characters arrive: runs of white space and control characters become one space, none at either end.
    private ref struct Collapser(Span<char> buffer)
    {
        private readonly Span<char> _buffer = buffer;
        private int _length;
        private bool _space;

        public readonly ReadOnlySpan<char> Written => _buffer[.._length];

        // Runs between space characters are found vectorized and copied whole, which is what per-character Add does to them.
        public void Add(ReadOnlySpan<char> text)
        {
            while (!text.IsEmpty)
            {
                var space = text.IndexOfAny(Spaces);
                var run = space < 0 ? text : text[..space];
                if (!run.IsEmpty)
                {
                    if (_space) _buffer[_length++] = ' ';
                    _space = false;
                    run.CopyTo(_buffer[_length..]);
                    _length += run.Length;
                }
                if (space < 0) return;
                _space = _length > 0;
                text = text[(space + 1)..];
            }
        }

        public void Add(char c)
        {
            if (IsSpace(c))
            {
                _space = _length > 0;
                return;
            }
            if (_space) _buffer[_length++] = ' ';
            _space = false;
            _buffer[_length++] = c;
        }
    }

    // Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) too: a title with U+202E shows its text reversed
    // in a terminal, the review page and the draft the editor pastes ("evil" reads "live"), and no feed title needs them.
    private static bool IsSpace(char c) => char.IsWhiteSpace(c) || char.IsControl(c) || c is '\u200b' or '\ufeff' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');

    // Every character IsSpace holds true for, found by asking it of each.
    private static readonly SearchValues<char> Spaces =
        SearchValues.Create([.. Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(IsSpace)]);

    /// <summary>Collapses runs of white space (and removes control and bidi override characters) into single spaces, trimmed.</summary>
    public static string CollapseWhiteSpace(string text)
    {
        // Runs on every summary and whole text of the ingest path: one pass into a buffer, the string as it is when nothing changes.
        var rented = ArrayPool<char>.Shared.Rent(Math.Max(1, text.Length));
        var collapsed = new Collapser(rented);
        collapsed.Add(text);
        var result = collapsed.Written.SequenceEqual(text) ? text : new string(collapsed.Written);
        ArrayPool<char>.Shared.Return(rented);
        return result;
    }

    // "script" or "style" for those opening tags (the only ones whose content is dropped), "inline" for an inline element's
    // opening or closing tag, else "".
    private static string TagName(string html, int start)
    {
        var closing = html[start] == '/';
        if (closing) start++;
        var i = start;
        while (i < html.Length && (char.IsLetterOrDigit(html[i]) || html[i] == '-')) i++;
        var name = html.AsSpan(start, i - start);
        if (InlineLookup.Contains(name)) return "inline";
        if (closing) return "";
        return LowerEquals(name, "script") ? "script" : LowerEquals(name, "style") ? "style" : "";
    }

    // Phrasing elements that sit inside a line of text (HTML's inline formatting), including the old <font>, <tt>, <strike>.
    private static readonly HashSet<string> InlineElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark", "q", "s",
        "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> InlineLookup = InlineElements.GetAlternateLookup<ReadOnlySpan<char>>();

    // name.ToLowerInvariant() == lower, without the string.
    private static bool LowerEquals(ReadOnlySpan<char> name, string lower)
    {
        if (name.Length != lower.Length) return false;
        for (var k = 0; k < name.Length; k++)
            if (InvariantCase.Lower(name[k]) != lower[k]) return false;
        return true;
    }
}
