using EmbeddedAiReport.Summaries;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Summaries;

public sealed class SummaryCheckTests
{
    private static readonly SummariesOptions Defaults = new();

    /// <summary>The Chinese 摘要 lines (with at least one Chinese character) of the 2020 issues in Fixtures/corpus.</summary>
    private static IReadOnlyList<string> CorpusSummaries() => Fixtures.CorpusIssues()
        .Where(f => Path.GetFileName(f).StartsWith("2020-", StringComparison.Ordinal))
        .SelectMany(File.ReadLines)
        .Where(l => l.StartsWith("摘要", StringComparison.Ordinal))
        .Select(SummaryCheck.Normalize)
        .Where(t => t.Any(c => c is >= '\u4e00' and <= '\u9fff'))
        .ToList();

    [Fact]
    public void Problem_TheEditorsOwn2020Summaries_PassExceptTheFourWithLinksAndTheOneOf467Characters()
    {
        // Counted independently with a short Python script over the same files: 138 Chinese 摘要, 4 carry a URL or a
        // markdown link, one is 467 characters long, none has a Chinese share below 0.3 (the lowest is 0.32).
        var problems = CorpusSummaries().Select(t => SummaryCheck.Problem(t, t, Defaults)).ToList();

        Assert.Equal(138, problems.Count);
        Assert.Equal(133, problems.Count(p => p is null));
        Assert.Equal(4, problems.Count(p => p is not null && p.StartsWith("contains a link", StringComparison.Ordinal)));
        Assert.Equal("too long (467 characters > 400)", Assert.Single(problems, p => p is not null && p.StartsWith("too long", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("在骁龙 8 Gen 2 上快 3.1 倍。", "On a Snapdragon 8 Gen 2 it runs 3.1x faster.", new string[0])]
    [InlineData("在骁龙 8 Gen 2 上快 45 倍。", "On a Snapdragon 8 Gen 2 it runs 3.1x faster.", new[] { "45" })]
    [InlineData("参数量为 1000 万，精度 2.5%。", "It has 1,000 ten-thousands of parameters and 2.50% error.", new string[0])]
    [InlineData("FPS 分别达到 10、106、404。", "FPS of 10,106,404 on GPU, CPU and NPU.", new string[0])]
    [InlineData("速度提升 ４５ 倍。", "45x faster", new string[0])]
    [InlineData("精度 76.1，比基线高 0.3。", "76.1 top-1", new[] { "0.3" })]
    public void Problem_NumbersMustAppearInTheSource(string summary, string source, string[] invented)
    {
        var options = new SummariesOptions { MinLength = 1 };

        var problem = SummaryCheck.Problem(summary, source, options);

        Assert.Equal(invented.Length == 0 ? null : $"numbers not in the source: {string.Join(", ", invented)}", problem);
    }

    [Theory]
    [InlineData("摘要：作者提出了一种方法。\n它很快。", "作者提出了一种方法。它很快。")]
    [InlineData("  **摘要**: 作者提出了 TinyQuant\n一种量化方法。  ", "作者提出了 TinyQuant 一种量化方法。")]
    [InlineData("“作者提出了一种方法。”", "作者提出了一种方法。")]
    // Markdown the prompt forbids ("不要列表，不要 markdown") and models still write: bold, a label in bold, a bullet list.
    [InlineData("**摘要：** 作者提出了 **TinyQuant**，一种量化方法。", "作者提出了 TinyQuant，一种量化方法。")]
    [InlineData("作者提出了 TinyQuant：\n- 权重保持 4 比特；\n- 比 FP16 快 3.1 倍。", "作者提出了 TinyQuant：权重保持 4 比特；比 FP16 快 3.1 倍。")]
    [InlineData("* 作者提出了一种方法。\n* 它很快。", "作者提出了一种方法。它很快。")]
    public void Normalize_DropsTheLabelAndJoinsLines(string answer, string expected) => Assert.Equal(expected, SummaryCheck.Normalize(answer));

    // The title the draft already prints above the 摘要, repeated by the model despite "不要标题" in the prompt.
    [Theory]
    [InlineData("TinyQuant: 4-bit Post-Training Quantization for On-Device Vision Transformers 作者提出了一种方法。", "作者提出了一种方法。")]
    [InlineData("《TinyQuant: 4-bit Post-Training Quantization for On-Device Vision Transformers》作者提出了一种方法。", "作者提出了一种方法。")]
    [InlineData("tinyquant: 4-bit post-training quantization for on-device vision transformers：作者提出了一种方法。", "作者提出了一种方法。")]
    [InlineData("TinyQuant 是一种训练后量化方法。", "TinyQuant 是一种训练后量化方法。")]
    [InlineData("作者提出了一种方法。", "作者提出了一种方法。")]
    public void WithoutTitle_DropsTheTitleRepeatedBeforeTheSummary(string text, string expected) =>
        Assert.Equal(expected, SummaryCheck.WithoutTitle(text, "TinyQuant: 4-bit Post-Training Quantization for On-Device Vision Transformers"));

    [Theory]
    [InlineData("<think>\n先想一想。\n</think>\n\n作者提出了一种方法。", "\n\n作者提出了一种方法。")]
    [InlineData("先想一想。</think>作者提出了一种方法。", "作者提出了一种方法。")]            // the template opened the block
    [InlineData("<THINK>a</think>b</think>作者提出了一种方法。", "作者提出了一种方法。")]     // after the last one
    [InlineData("作者提出了一种方法。", "作者提出了一种方法。")]
    [InlineData("  <think>\n先想一想，首先", null)]                                        // never closed: only reasoning
    public void WithoutReasoning_KeepsWhatFollowsTheThinking(string answer, string? expected) =>
        Assert.Equal(expected, SummaryCheck.WithoutReasoning(answer));

    [Theory]
    [InlineData("TinyQuant keeps weights in 4 bits.", 0.0)]
    [InlineData("作者提出了量化方法", 1.0)]
    [InlineData("MobileNet很快", 2.0 / 11)]
    [InlineData("刘䶮 AI", 2.0 / 4)] // 䶮 (U+4DAE) is in CJK Extension A: still a Chinese character
    public void ChineseShare_CountsChineseAmongLetters(string text, double expected) => Assert.Equal(expected, SummaryCheck.ChineseShare(text), 6);

    // Simplified is what the issues are written in; Traditional characters the source itself has (a Taiwanese post) are allowed.
    [Theory]
    [InlineData("作者提出了一種量化方法，訓練後把權重保持在 4 比特。", "4-bit quantization", "not Simplified Chinese (Traditional characters: 種訓練後權)")]
    [InlineData("作者提出了一種量化方法，訓練後把權重保持在 4 比特。", "作者提出了一種量化方法，訓練後把權重保持在 4 比特。", null)]
    [InlineData("作者提出了一种量化方法，训练后把权重保持在 4 比特。", "4-bit quantization", null)]
    [InlineData("作者在 2024 年於台北發表了量化方法。", "2024", null)]   // two are not enough: 於 and 發 also occur in names
    public void Problem_TraditionalChineseNotInTheSource_IsRefused(string summary, string source, string? expected) =>
        Assert.Equal(expected, SummaryCheck.Problem(summary, source, new SummariesOptions { MinLength = 1 }));

    // README "Checks before storing": share of Chinese characters among letters ≥ 0.3, 20–400 characters: both bounds pass.
    [Theory]
    [InlineData("作者提 TinyQua", null)] // 3 Chinese, 7 Latin letters: exactly 0.3
    [InlineData("作者 TinyQua", "not Chinese (Chinese share 0.22 < 0.30)")] // 2 / 9
    public void Problem_ChineseShareOfExactlyTheMinimum_Passes(string summary, string? expected) =>
        Assert.Equal(expected, SummaryCheck.Problem(summary, summary, new SummariesOptions { MinLength = 1 }));

    [Theory]
    [InlineData(19, "too short (19 characters < 20)")]
    [InlineData(20, null)]
    [InlineData(400, null)]
    [InlineData(401, "too long (401 characters > 400)")]
    public void Problem_LengthBoundsAreInclusive(int length, string? expected)
    {
        var summary = new string('作', length);

        Assert.Equal(expected, SummaryCheck.Problem(summary, summary, Defaults));
    }
}
