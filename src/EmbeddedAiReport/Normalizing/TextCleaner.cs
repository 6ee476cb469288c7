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
    public static string HtmlToText(string? html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        var text = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<' && i + 1 < html.Length && (char.IsLetter(html[i + 1]) || html[i + 1] is '/' or '!' or '?'))
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
                text.Append(' ');
                continue;
            }
            text.Append(c);
            i++;
        }
        return CollapseWhiteSpace(WebUtility.HtmlDecode(text.ToString()));
    }

    /// <summary>Collapses runs of white space (and removes control characters) into single spaces, trimmed.</summary>
    public static string CollapseWhiteSpace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '\u200b' or '\ufeff')
            {
                space = builder.Length > 0;
                continue;
            }
            if (space) builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        return builder.ToString();
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

    private static string TagName(string html, int start)
    {
        var i = start;
        while (i < html.Length && (char.IsLetterOrDigit(html[i]) || html[i] == '-')) i++;
        return html[start..i].ToLowerInvariant();
    }
}
