using System.Text;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.GitHub;

/// <summary>The first meaningful lines of release notes as one line of plain text, as the 摘要 of a release.</summary>
/// <remarks>
/// Notes are markdown (REST) or the HTML GitHub rendered from it (Atom). Headings, code blocks, images, badges,
/// horizontal rules and GitHub's generated boilerplate ("What's Changed", "Full Changelog: …", "by @x in …/pull/1")
/// carry nothing an editor would quote, so they are dropped; the remaining lines are joined until the bound.
/// </remarks>
internal static partial class ReleaseNotes
{
    /// <summary>Longest summary kept, in characters.</summary>
    public const int MaxLength = 300;

    private static readonly string[] Boilerplate =
    [
        "what's changed", "what’s changed", "new contributors", "full changelog", "changelog", "release notes", "contributors",
        "assets", "checksums", "sha256", "downloads",
    ];

    public static string Summarize(string? notes, bool html, int maxLength = MaxLength)
    {
        if (string.IsNullOrWhiteSpace(notes)) return "";
        var lines = html ? HtmlLines(notes) : MarkdownLines(notes);
        var summary = new StringBuilder();
        foreach (var raw in lines)
        {
            var line = Clean(raw);
            if (!Meaningful(line)) continue;
            if (summary.Length > 0) summary.Append(Separator(summary[^1]));
            summary.Append(line);
            if (summary.Length >= maxLength) break;
        }
        return TextCleaner.Excerpt(summary.ToString(), maxLength);
    }

    /// <summary>All of the notes as plain text (markup and boilerplate kept: fingerprints drop what is not letters or digits), or null when empty.</summary>
    public static string? FullText(string? notes, bool html)
    {
        if (string.IsNullOrWhiteSpace(notes)) return null;
        return html ? TextCleaner.HtmlToText(notes) : TextCleaner.CollapseWhiteSpace(notes);
    }

    // Markdown: drop fenced code, headings, tables and HTML comments; keep the text of the rest.
    private static IEnumerable<string> MarkdownLines(string markdown)
    {
        var text = HtmlComment().Replace(markdown.Replace("\r\n", "\n"), "");
        var fenced = false;
        var credits = false;
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }
            if (!fenced && trimmed.StartsWith('#'))   // "## New Contributors" lists people, not changes
                credits = trimmed.TrimStart('#').Trim().Contains("contributor", StringComparison.OrdinalIgnoreCase);
            if (fenced || credits || trimmed.StartsWith('#') || trimmed.StartsWith('|') || HorizontalRule().IsMatch(trimmed)) continue;   // tables: downloads, benchmarks
            yield return TextCleaner.HtmlToText(Inline(trimmed));
        }
    }

    // HTML: every block element ends a line; headings, <pre> and images are dropped.
    private static IEnumerable<string> HtmlLines(string html)
    {
        var text = InlineTag().Replace(html, "");   // <strong>, <a> … are inside a sentence: no space for them
        text = DroppedBlocks().Replace(text, "\n");
        text = BlockBoundary().Replace(text, "\n");
        return text.Split('\n').Select(TextCleaner.HtmlToText);
    }

    private static string Inline(string line)
    {
        line = ListMarker().Replace(line, "");
        line = Image().Replace(line, "");
        line = Link().Replace(line, "$1");
        line = Emphasis().Replace(line, "$2");
        return line.Replace("`", "");
    }

    private static string Clean(string line)
    {
        line = GeneratedAttribution().Replace(line, "");
        return line.Trim();
    }

    private static bool Meaningful(string line)
    {
        if (line.Length < 3 || !line.Any(char.IsLetter)) return false;
        var lower = line.ToLowerInvariant();
        if (Boilerplate.Any(b => lower == b || lower.StartsWith(b + ":", StringComparison.Ordinal) || lower.StartsWith("full changelog", StringComparison.Ordinal)))
            return false;
        return !BareUrl().IsMatch(line);
    }

    // Lines are joined like sentences: after CJK punctuation nothing, after Latin punctuation a space, else a semicolon.
    private static string Separator(char last) => last switch
    {
        '。' or '！' or '？' or '；' or '：' or '，' => "",
        '.' or '!' or '?' or ';' or ':' => " ",
        _ when last >= '\u2e80' => "；",
        _ => "; ",
    };

    [GeneratedRegex(@"<!--[\s\S]*?-->")]
    private static partial Regex HtmlComment();

    [GeneratedRegex(@"^([-*_]\s*){3,}$")]
    private static partial Regex HorizontalRule();

    [GeneratedRegex(@"^(?:[-*+]\s+|\d+[.)]\s+|>\s*)+")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"!\[[^\]]*\]\([^)]*\)|\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)")]
    private static partial Regex Image();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"(?<!\w)(\*\*|__|\*|_|~~)(\S(?:.*?\S)?)\1(?!\w)")]
    private static partial Regex Emphasis();

    // GitHub's generated notes end every item with "by @user in https://github.com/o/r/pull/123".
    [GeneratedRegex(@"\s+(?:by\s+@[\w-]+(?:\[bot\])?)?\s*(?:in\s+)?(?:https://github\.com/\S+/(?:pull|issues|commit|compare)/\S+|\(?#\d+\)?)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex GeneratedAttribution();

    [GeneratedRegex(@"^(?:https?://\S+\s*)+$")]
    private static partial Regex BareUrl();

    [GeneratedRegex(@"</?(a|strong|b|em|i|code|span|sup|sub|kbd|g-emoji)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineTag();

    [GeneratedRegex(@"<(h[1-6]|pre|table)\b[\s\S]*?</\1\s*>|<img\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex DroppedBlocks();

    [GeneratedRegex(@"<br\s*/?>|</?(p|div|li|ul|ol|blockquote|tr|dd|dt|section)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockBoundary();
}
