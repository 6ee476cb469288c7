using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Summaries;

/// <summary>The checks a model's answer passes before it is stored as an entry's 摘要; pure functions, no I/O.</summary>
/// <remarks>
/// Cheap guards, not proof: mostly Chinese, within a length range, no links, and every number also in the source text (a
/// model that invents "提升了 45%" fails; one that writes "两倍" for "2x" is not caught, one that writes "2倍" for "two times" is
/// refused, which keeps the source text: the safe side).
/// </remarks>
internal static partial class SummaryCheck
{
    /// <summary>
    /// The answer as it would appear after 摘要：: trimmed, without a leading "摘要：", without the markdown the prompt asks the
    /// model not to write (bold, list bullets: the 2020 issues' 摘要 have none), on one line.
    /// </summary>
    public static string Normalize(string answer)
    {
        var text = Bullet().Replace(answer.Replace("**", "", StringComparison.Ordinal), "");
        text = text.Trim().Trim('"', '“', '”').Trim();
        text = LeadingLabel().Replace(text, "");
        // A line break after Chinese punctuation joins without a space (as an editor would); elsewhere it becomes one space.
        text = BreakAfterCjk().Replace(text, "$1");
        return Whitespace().Replace(text, " ").Trim();
    }

    /// <summary>
    /// <paramref name="text"/> (normalized) without the entry's title repeated before it: the draft prints the title on its
    /// own line, and the prompt asks for none ("不要标题"). Only the whole title, bare or in 《》 or quotes, followed by a
    /// separator; a 摘要 that merely begins with the same name is kept as it is.
    /// </summary>
    public static string WithoutTitle(string text, string title)
    {
        title = title.Trim();
        if (title.Length == 0) return text;
        foreach (var (open, close) in (ReadOnlySpan<(string, string)>)[("《", "》"), ("“", "”"), ("\"", "\""), ("", "")])
        {
            var quoted = open + title + close;
            if (!text.StartsWith(quoted, StringComparison.OrdinalIgnoreCase)) continue;
            var rest = text[quoted.Length..];
            var trimmed = rest.TrimStart(' ', ':', '：', '-', '–', '—', ',', '，', '.', '。');
            if (trimmed.Length > 0 && (trimmed.Length < rest.Length || open.Length > 0)) return trimmed;
        }
        return text;
    }

    /// <summary>
    /// The answer without the model's reasoning: what follows its last <c>&lt;/think&gt;</c> (Qwen3, DeepSeek-R1 and other
    /// reasoning models write their thinking first, inside <c>&lt;think&gt;…&lt;/think&gt;</c>, or only the closing tag when the
    /// chat template opened it; an empty block when thinking is off); null when it is only reasoning (a <c>&lt;think&gt;</c> never
    /// closed: the token limit ran out while the model was thinking).
    /// </summary>
    public static string? WithoutReasoning(string answer)
    {
        var end = answer.LastIndexOf(ThinkEnd, StringComparison.OrdinalIgnoreCase);
        if (end >= 0) return answer[(end + ThinkEnd.Length)..];
        return ThinkStart().IsMatch(answer) ? null : answer;
    }

    /// <summary>Why an answer that did not end as the model meant it to is not used, or null when it did.</summary>
    /// <param name="reasoningOnly">The answer was only the model's reasoning (<see cref="WithoutReasoning"/> gave null).</param>
    /// <param name="cut">The server stopped the answer at the token limit.</param>
    /// <param name="text">The answer's text without the reasoning, normalized.</param>
    /// <param name="finishReason">The server's finish reason: an answer without text that a content filter withheld or that is a tool call says so.</param>
    public static string? Unfinished(bool reasoningOnly, bool cut, string text, int maxOutputTokens, string? finishReason = null)
    {
        if (text.Length == 0 && finishReason is "content_filter")
            return $"{NoAnswer}: the server's content filter withheld it (finish reason content_filter)";
        if (text.Length == 0 && finishReason is "tool_calls" or "function_call")
            return $"{NoAnswer}: the model called a tool instead (finish reason {finishReason})";
        if (reasoningOnly)
            return $"{OnlyReasoning}: its <think> block did not end within MaxOutputTokens ({maxOutputTokens}); " +
                "raise Summaries:MaxOutputTokens or turn the model's thinking off";
        if (!cut) return null;
        return text.Length == 0
            ? $"{NoAnswer} within MaxOutputTokens ({maxOutputTokens}): a reasoning model may have spent them thinking; raise Summaries:MaxOutputTokens or turn its thinking off"
            : $"{Cut}: cut at MaxOutputTokens ({maxOutputTokens}); raise Summaries:MaxOutputTokens";
    }

    /// <summary>
    /// True when a stored <paramref name="problem"/> is one of <see cref="Unfinished"/>'s: it came from how the server ended
    /// the answer, which is not stored, so the stored text cannot be checked again (a cut answer would pass).
    /// </summary>
    public static bool IsUnfinished(string problem) =>
        problem.StartsWith(NoAnswer, StringComparison.Ordinal) || problem.StartsWith(OnlyReasoning, StringComparison.Ordinal) ||
        problem.StartsWith(Cut, StringComparison.Ordinal);

    private const string NoAnswer = "no answer";
    private const string OnlyReasoning = "only the model's reasoning";
    private const string Cut = "unfinished";

    private const string ThinkEnd = "</think>";

    /// <summary>Why <paramref name="summary"/> (normalized) must not be used for <paramref name="source"/>, or null when it passes.</summary>
    public static string? Problem(string summary, string source, SummariesOptions options)
    {
        if (summary.Length == 0) return "empty answer";
        if (Link().IsMatch(summary)) return "contains a link (links and markdown are not allowed in a 摘要)";
        var share = ChineseShare(summary);
        if (share < options.MinChineseShare)
            return $"not Chinese (Chinese share {share.ToString("0.00", CultureInfo.InvariantCulture)} < {options.MinChineseShare.ToString("0.00", CultureInfo.InvariantCulture)})";
        var traditional = summary.Where(c => TraditionalOnly.Contains(c) && !source.Contains(c)).Distinct().ToList();
        if (traditional.Count >= 3) return $"not Simplified Chinese (Traditional characters: {string.Concat(traditional.Take(5))})";
        if (summary.Length < options.MinLength) return $"too short ({summary.Length} characters < {options.MinLength})";
        if (summary.Length > options.MaxLength) return $"too long ({summary.Length} characters > {options.MaxLength})";
        var known = SourceNumbers(source);
        var invented = Numbers(summary).Where(n => !known.Contains(n)).Distinct().ToList();
        return invented.Count > 0 ? $"numbers not in the source: {string.Join(", ", invented)}" : null;
    }

    // Common Traditional characters whose Simplified form differs (這/这, 們/们, 個/个, 訓練/训练 …): never written in a Simplified
    // text. Three different ones that the source does not have mean the model translated into Traditional Chinese; the
    // issues are Simplified (the one Traditional 摘要 of 2020 quotes a Traditional source, whose characters are allowed).
    private static readonly HashSet<char> TraditionalOnly = [.. "這們個為與來對說時會從還體處發開關實現學應計網絡雲際數據優僅較響導將類動態記憶選擇裝載頻測試點務預訓練標準確輸讀寫設備機視覺語圖識別構顯軟種權層進過後並該當無經內長間問題達證質參減傳統單雙離線邊緣終場號積專門業產價費萬億幾麼嗎讓給條樣變換區團隊員釋佈"];

    /// <summary>Chinese characters / (Chinese characters + Latin letters); 0 for text with neither.</summary>
    public static double ChineseShare(string text)
    {
        int chinese = 0, latin = 0;
        foreach (var c in text)
        {
            if (c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf') chinese++;
            else if (char.IsAsciiLetter(c)) latin++;
        }
        return chinese + latin == 0 ? 0 : (double)chinese / (chinese + latin);
    }

    /// <summary>The numbers written in <paramref name="text"/> with digits, normalized (1,000 → 1000; 2.50 → 2.5; full-width digits).</summary>
    public static IEnumerable<string> Numbers(string text)
    {
        foreach (Match match in Number().Matches(text.Normalize(NormalizationForm.FormKC)))
            yield return NormalizeNumber(match.Value);
    }

    // The source's numbers, plus the parts of comma-joined runs: "10,106,404" in a source may be written 10、106、404.
    private static HashSet<string> SourceNumbers(string source)
    {
        var numbers = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in Number().Matches(source.Normalize(NormalizationForm.FormKC)))
        {
            numbers.Add(NormalizeNumber(match.Value));
            foreach (var part in match.Value.Split(',')) numbers.Add(NormalizeNumber(part));
        }
        return numbers;
    }

    private static string NormalizeNumber(string token)
    {
        var text = ThousandsGroups().IsMatch(token) ? token.Replace(",", "") : token;
        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && text.Count(c => c == '.') <= 1
            ? value.ToString("0.############################", CultureInfo.InvariantCulture)
            : text;
    }

    [GeneratedRegex(@"\d+(?:[.,]\d+)*")]
    private static partial Regex Number();

    [GeneratedRegex(@"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")]
    private static partial Regex ThousandsGroups();

    [GeneratedRegex(@"\]\s*\(|https?://|www\.|<a\s", RegexOptions.IgnoreCase)]
    private static partial Regex Link();

    [GeneratedRegex(@"^摘要\s*[:：]\s*")]
    private static partial Regex LeadingLabel();

    // A markdown list item's bullet at the start of a line ("- ", "* ", "• "); numbered items keep their number.
    [GeneratedRegex(@"^[ \t]*[-*•][ \t]+", RegexOptions.Multiline)]
    private static partial Regex Bullet();

    [GeneratedRegex(@"([\u3000-\u303f\uff00-\uffef\u4e00-\u9fff])\s*\n\s*")]
    private static partial Regex BreakAfterCjk();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^\s*<think>", RegexOptions.IgnoreCase)]
    private static partial Regex ThinkStart();
}
