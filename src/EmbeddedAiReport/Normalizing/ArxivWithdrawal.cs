using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Normalizing;

/// <summary>Tells a withdrawn arXiv paper by the notice its last version carries instead of an abstract.</summary>
/// <remarks>
/// "A withdrawal creates a new version of the paper marked as withdrawn" (https://info.arxiv.org/help/withdraw.html); its
/// abstract reads as arXiv's help asks authors to write it: "This paper has been withdrawn by the author due to …"
/// (arxiv.org/help/withdraw). That version reaches the feeds as a replacement, with the notice where the abstract was.
/// The text may still begin with the header rss.arxiv.org writes before every abstract (<c>arXiv:2402.14655v2 Announce
/// Type: replace Abstract: …</c>), as in the summary of a <c>feed</c> source reading that feed.
/// </remarks>
public static partial class ArxivWithdrawal
{
    /// <summary>True when <paramref name="text"/> (an abstract) starts with a withdrawal notice.</summary>
    public static bool IsNotice(string? text) => text is not null && Notice().IsMatch(text);

    /// <summary>True when <paramref name="key"/> is an arXiv paper's (<c>arxiv:…</c>) and <paramref name="text"/>, its abstract as a source gave it, the withdrawal notice.</summary>
    public static bool Withdraws(string key, string? text) => key.StartsWith("arxiv:", StringComparison.Ordinal) && IsNotice(text);

    [GeneratedRegex(@"^\s*(?:arXiv:\S+\s+Announce\s+Type:\s*[a-z\-]+\s+Abstract:\s*)?(?:(?:this|the)\s+(?:paper|article|manuscript|submission|preprint|work)\s+(?:has\s+been|is|was)\s+withdrawn|withdrawn(?:\s*[.:;,(]|\s+(?:by|due|because|for)\b|\s*$))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Notice();
}
