using System.Text;

namespace EmbeddedAiReport.Normalizing;

/// <summary>Turns feed HTML into one line of plain text and bounds its length.</summary>
/// <remarks>
/// A small state machine rather than a DOM parse: it runs for every summary on the ingest hot path.
/// Script and style content is dropped, tags become spaces, entities are decoded, control characters
/// are removed and white space is collapsed, so the result can never carry markup into the draft.
/// </remarks>
public static partial class TextCleaner
{
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

    /// <summary><paramref name="text"/>'s first <paramref name="maxLength"/> characters (never within a surrogate pair) and "…" when longer.</summary>
    /// <remarks>Unlike <see cref="Truncate"/>, always cut at the length and always marked: for an error or a value quoted back, not prose.</remarks>
    public static string Cut(string text, int maxLength)
    {
        if (text.Length <= maxLength) return text;
        var cut = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        return string.Concat(text.AsSpan(0, cut), "…");
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
        // One string: the cut, trimmed as a span, and its ellipsis (a substring, its trimmed copy and the concatenation were up to three).
        return string.Concat(text.AsSpan(0, end).TrimEnd(ExcerptTrim), "…");
    }

    // What an excerpt's cut drops at its end before the ellipsis.
    private const string ExcerptTrim = " ，、,；;";

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
}
