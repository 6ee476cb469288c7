using System.Buffers;
using System.Net;
using System.Text;

namespace EmbeddedAiReport.Normalizing;

/// <summary>Turns feed HTML into one line of plain text and bounds its length.</summary>
/// <remarks>
/// A small state machine rather than a DOM parse: it runs for every summary on the ingest hot path.
/// Script and style content is dropped, tags become spaces, entities are decoded, control characters
/// are removed and white space is collapsed, so the result can never carry markup into the draft.
/// </remarks>
public static class TextCleaner
{
    /// <summary>Plain text of an HTML fragment (or of plain text with stray entities).</summary>
    /// <remarks>
    /// The same text as <c>PlainLinks(CollapseWhiteSpace(WebUtility.HtmlDecode(tagsAsSpaces)))</c>, in two pooled buffers and
    /// one string: it runs for every title, summary and whole text on the ingest path. An entity decodes on its own exactly as
    /// it does in context (WebUtility reads <c>&amp;…;</c> up to the first <c>;</c> with no <c>&amp;</c> before it), so each one
    /// is handed to <see cref="WebUtility.HtmlDecode(string)"/> alone, the few common ones without asking it.
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

    // Writes html with every tag as one space and script/style elements dropped into `into`; returns the length (never more than html's).
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
                into[length++] = ' ';
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

    private static bool IsSpace(char c) => char.IsWhiteSpace(c) || char.IsControl(c) || c is '\u200b' or '\ufeff';

    // Every character IsSpace holds true for, found by asking it of each.
    private static readonly SearchValues<char> Spaces =
        SearchValues.Create([.. Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(IsSpace)]);

    /// <summary>
    /// Markdown links and images written as text (<c>标题：[Title](https://arxiv.org/abs/…)</c>, as posts quote papers)
    /// become their text; the address is not lost, since links are read from the raw item (<see cref="Mentions"/>).
    /// </summary>
    /// <remarks>A link with empty text becomes its address. Brackets without a <c>(target)</c> right after them stay as written.</remarks>
    public static string PlainLinks(string text)
    {
        if (!text.Contains("](", StringComparison.Ordinal)) return text;
        var builder = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var open = text[i] == '!' && i + 1 < text.Length && text[i + 1] == '[' ? i + 1 : i;
            if (text[open] == '[' && MarkdownLink(text, open) is { } link)
            {
                builder.Append(link.Label);
                i = link.End;
                continue;
            }
            builder.Append(text[i]);
            i++;
        }
        return builder.ToString();
    }

    // [label](target): the label may hold brackets (a nested image), the target balanced parentheses and no white space.
    private static (string Label, int End)? MarkdownLink(string text, int open)
    {
        var close = -1;
        for (int j = open, depth = 0; j < text.Length; j++)
        {
            if (text[j] == '[') depth++;
            else if (text[j] == ']' && --depth == 0)
            {
                close = j;
                break;
            }
        }
        if (close < 0 || close + 1 >= text.Length || text[close + 1] != '(') return null;
        var end = close + 2;
        for (var depth = 0; end < text.Length; end++)
        {
            var c = text[end];
            if (char.IsWhiteSpace(c)) return null;
            if (c == '(') depth++;
            else if (c == ')' && depth-- == 0) break;
        }
        if (end >= text.Length || end == close + 2) return null;
        var label = PlainLinks(text[(open + 1)..close]).Trim();
        return (label.Length > 0 ? label : text[(close + 2)..end], end + 1);
    }

    /// <summary>Collapses runs of white space (and removes control characters) into single spaces, trimmed.</summary>
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

    /// <summary>
    /// Shortens <paramref name="text"/> to at most <paramref name="maxLength"/> characters, cutting after the
    /// last sentence end (。！？.!?) in the second half when there is one, else at a word boundary with an ellipsis.
    /// </summary>
    public static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength) return text;
        var window = text.AsSpan(0, maxLength);
        var sentenceEnd = window.LastIndexOfAny("。！？!?；");
        var period = LastPeriod(window);
        var cut = Math.Max(sentenceEnd, period);
        if (cut >= maxLength / 2) return text[..(cut + 1)].TrimEnd();
        var space = window.LastIndexOf(' ');
        var end = space >= maxLength / 2 ? space : maxLength - 1;
        if (end > 0 && char.IsHighSurrogate(text[end - 1])) end--;
        return text[..end].TrimEnd() + "…";
    }

    // A '.' ends a sentence only when followed by a space (not 3.5, not example.com).
    private static int LastPeriod(ReadOnlySpan<char> window)
    {
        for (var i = window.Length - 2; i >= 0; i--)
            if (window[i] == '.' && window[i + 1] == ' ') return i;
        return -1;
    }

    /// <summary>
    /// A summary of at most <paramref name="maxLength"/> characters that reads as whole text, ending with <c>…</c> when cut:
    /// after the last sentence end (。！？, or . ! ? before a space) that keeps at least a third of the limit, else after
    /// the last clause mark (，；、, ;) in the second half, else at a word boundary.
    /// </summary>
    /// <remarks>
    /// A list number (<c>1.</c>, <c>2)</c>) and common abbreviations (<c>e.g.</c>, <c>et al.</c>) are not sentence ends, so a
    /// 摘要 never stops at <c>核心点：1.</c>. Closing quotes and brackets right after the end stay with the sentence.
    /// </remarks>
    public static string Excerpt(string text, int maxLength)
    {
        if (text.Length <= maxLength) return text;
        var window = text.AsSpan(0, maxLength - 1);   // room for the ellipsis
        var cut = LastSentenceEnd(window);
        if (cut < window.Length / 3)
        {
            var clause = window.LastIndexOfAny("，；、,;");
            cut = clause >= window.Length / 2 ? clause : -1;
        }
        int end;
        if (cut >= 0)
        {
            end = cut + 1;
            while (end < window.Length && window[end] is '”' or '’' or '」' or '』' or '）' or ')' or '"' or '\'') end++;
        }
        else
        {
            var space = window.LastIndexOf(' ');
            end = space >= window.Length / 2 ? space : window.Length;
        }
        if (end > 0 && end < text.Length && char.IsHighSurrogate(text[end - 1])) end--;
        return text[..end].TrimEnd(' ', '，', '、', ',', '；', ';') + "…";
    }

    // The index of the last character that ends a sentence in window, or -1.
    private static int LastSentenceEnd(ReadOnlySpan<char> window)
    {
        for (var i = window.Length - 1; i >= 0; i--)
        {
            switch (window[i])
            {
                case '。' or '！' or '？':
                    return i;
                case '!' or '?' when i + 1 < window.Length && (char.IsWhiteSpace(window[i + 1]) || window[i + 1] > '\u2e80'):
                    return i;
                case '.' when i + 1 < window.Length && (char.IsWhiteSpace(window[i + 1]) || window[i + 1] > '\u2e80') && !ListNumberOrAbbreviation(window[..i]):
                    return i;
            }
        }
        return -1;
    }

    // What stands before a '.': a short number starting a list item ("：1.", " 2."), or a word that is abbreviated.
    private static bool ListNumberOrAbbreviation(ReadOnlySpan<char> before)
    {
        var start = before.Length;
        while (start > 0 && char.IsLetterOrDigit(before[start - 1]) && before[start - 1] < '\u2e80') start--;
        var word = before[start..];
        if (word.Length == 0) return false;
        var standsAlone = start == 0 || !char.IsLetterOrDigit(before[start - 1]);
        if (word.Length <= 2 && char.IsDigit(word[0]) && standsAlone && (start == 0 || before[start - 1] != '.')) return true;   // "1." but not "3.14." or "v2.1."
        if (word.Length == 1 && char.IsLetter(word[0])) return true;   // e.g. i.e. U.S. J. Smith
        return word.Equals("al", StringComparison.OrdinalIgnoreCase) || word.Equals("vs", StringComparison.OrdinalIgnoreCase)
            || word.Equals("fig", StringComparison.OrdinalIgnoreCase) || word.Equals("eq", StringComparison.OrdinalIgnoreCase)
            || word.Equals("no", StringComparison.OrdinalIgnoreCase) || word.Equals("ref", StringComparison.OrdinalIgnoreCase);
    }

    // The tag's name when it is script or style (the only ones whose content is dropped), else "".
    private static string TagName(string html, int start)
    {
        var i = start;
        while (i < html.Length && (char.IsLetterOrDigit(html[i]) || html[i] == '-')) i++;
        var name = html.AsSpan(start, i - start);
        return LowerEquals(name, "script") ? "script" : LowerEquals(name, "style") ? "style" : "";
    }

    // name.ToLowerInvariant() == lower, without the string.
    private static bool LowerEquals(ReadOnlySpan<char> name, string lower)
    {
        if (name.Length != lower.Length) return false;
        for (var k = 0; k < name.Length; k++)
            if (InvariantCase.Lower(name[k]) != lower[k]) return false;
        return true;
    }
}
