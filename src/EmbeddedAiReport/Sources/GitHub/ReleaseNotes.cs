using System.Text;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.GitHub;

/// <summary>The first meaningful lines of release notes as one line of plain text, as the 摘要 of a release.</summary>
/// <remarks>
/// Notes are markdown (REST) or the HTML GitHub rendered from it (Atom), read into lines of text by
/// <see cref="ReleaseNoteLines"/>. GitHub's generated boilerplate ("What's Changed", "Full Changelog: …", "by @x in
/// …/pull/1") carries nothing an editor would quote, so it is dropped; the remaining lines are joined until the bound.
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
        var lines = html ? ReleaseNoteLines.OfHtml(notes) : ReleaseNoteLines.OfMarkdown(notes);
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

    // GitHub's generated notes end every item with "by @user in https://github.com/o/r/pull/123".
    [GeneratedRegex(@"\s+(?:by\s+@[\w-]+(?:\[bot\])?)?\s*(?:in\s+)?(?:https://github\.com/\S+/(?:pull|issues|commit|compare)/\S+|\(?#\d+\)?)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex GeneratedAttribution();

    [GeneratedRegex(@"^(?:https?://\S+\s*)+$")]
    private static partial Regex BareUrl();
}
