using EmbeddedAiReport.Sources.GitHub;

namespace EmbeddedAiReport.Tests.Sources.GitHub;

public sealed class ReleaseNotesTests
{
    [Theory]
    [InlineData("An old release", "An old release")]   // the real release-drafter body
    [InlineData("## What's Changed\n* Fix int8 gemm on armv7 by @nihui in https://github.com/Tencent/ncnn/pull/1\n* Add RISC-V vector kernels by @a-b in https://github.com/Tencent/ncnn/pull/2\n\n## New Contributors\n* @a-b made their first contribution in https://github.com/Tencent/ncnn/pull/2\n\n**Full Changelog**: https://github.com/Tencent/ncnn/compare/20240102...20240410",
        "Fix int8 gemm on armv7; Add RISC-V vector kernels")]
    [InlineData("# MNN 2.9.0\n\n![banner](https://example.org/b.png)\n\n```bash\npip install MNN\n```\n\n- **LLM**: support `Qwen1.5` 4bit\n- 修复 OpenCL 内存泄漏。", "LLM: support Qwen1.5 4bit; 修复 OpenCL 内存泄漏。")]
    [InlineData("| a | b |\n|---|---|\n---\n<!-- hidden -->\nSee [the docs](https://example.org/docs) for details.", "See the docs for details.")]
    [InlineData("use_per_layer_cache stays as written", "use_per_layer_cache stays as written")]
    [InlineData("", "")]
    [InlineData("v1.2.3\n\n1.2.3", "v1.2.3")]
    [InlineData("<details><summary>Highlights</summary>\n\nFaster int8 GEMM on Armv9.\n\n</details>", "Highlights; Faster int8 GEMM on Armv9.")]   // raw HTML keeps its text
    [InlineData("Fixes \\*not emphasis\\* &amp; more", "Fixes *not emphasis* & more")]
    [InlineData("First line\nsecond line of one paragraph", "First line; second line of one paragraph")]
    public void Summarize_Markdown_KeepsTheFirstMeaningfulLinesAsPlainText(string notes, string expected)
    {
        Assert.Equal(expected, ReleaseNotes.Summarize(notes, html: false));
    }

    [Theory]
    [InlineData("<p>The main tags are below (<strong>bold text is with lots of progress</strong>): Relax.</p>", "The main tags are below (bold text is with lots of progress): Relax.")]
    [InlineData("<p>llama : support Llama 3 HF conversion (<a class=\"issue-link\" href=\"https://github.com/ggml-org/llama.cpp/pull/6745\">#6745</a>)</p>", "llama : support Llama 3 HF conversion")]
    [InlineData("<ul><li>新增 OpenCL buffer 模式</li><li>修复内存泄漏。</li><li>Faster int8 kernels.</li><li>More docs</li></ul>", "新增 OpenCL buffer 模式；修复内存泄漏。Faster int8 kernels. More docs")]
    // GitHub's rendered generated notes (releases.atom): the change without its attribution; no contributors, no changelog link.
    [InlineData("<h2>What's Changed</h2><ul><li>Fix int8 gemm on armv7 by <a href=\"https://github.com/nihui\">@nihui</a> in <a href=\"https://github.com/Tencent/ncnn/pull/1\">#1</a></li></ul>"
        + "<h2>New Contributors</h2><ul><li><a href=\"https://github.com/a-b\">@a-b</a> made their first contribution in <a href=\"https://github.com/Tencent/ncnn/pull/2\">#2</a></li></ul>"
        + "<p><strong>Full Changelog</strong>: <a href=\"https://github.com/Tencent/ncnn/compare/a...b\">https://github.com/Tencent/ncnn/compare/a...b</a></p>", "Fix int8 gemm on armv7")]
    [InlineData("<p>Tensor&lt;T&gt; views<br>and &amp;-free names</p><!-- hidden -->", "Tensor<T> views; and &-free names")]
    public void Summarize_HtmlInlineTagsAndCjk_JoinLikeSentences(string html, string expected)
    {
        Assert.Equal(expected, ReleaseNotes.Summarize(html, html: true));
    }

    [Fact]
    public void Summarize_Html_DropsHeadingsAndJoinsBlocks()
    {
        var html = "<h1>Release 2.16.1</h1>\n<h2>Bug Fixes</h2>\n<ul>\n<li>TensorFlow Lite: fixed a crash.</li>\n<li>Updated Keras &amp; docs</li>\n</ul><pre>code</pre><p>Thanks!</p>";

        Assert.Equal("TensorFlow Lite: fixed a crash. Updated Keras & docs; Thanks!", ReleaseNotes.Summarize(html, html: true));
    }

    [Fact]
    public void Summarize_LongNotes_IsBounded()
    {
        var notes = string.Join("\n", Enumerable.Range(1, 100).Select(i => $"- Improvement number {i} of the int8 kernels"));

        var summary = ReleaseNotes.Summarize(notes, html: false);

        Assert.InRange(summary.Length, 100, ReleaseNotes.MaxLength);
        Assert.StartsWith("Improvement number 1 of the int8 kernels; Improvement number 2", summary);
    }

    [Theory]
    [InlineData("v2.16.0-rc0", "", true)]
    [InlineData("v2.13-rc", "", true)]
    [InlineData("v0.16.0.rc0", "", true)]
    [InlineData("1.0.0rc1", "", true)]
    [InlineData("v3.0.0-beta.2", "", true)]
    [InlineData("2.0a1", "", true)]
    [InlineData("nightly", "", true)]
    [InlineData("v1.0.0", "Preview build", true)]
    [InlineData("b2700", "b2700", false)]
    [InlineData("20240410", "ncnn 20240410", false)]
    [InlineData("v2.16.1", "TensorFlow 2.16.1", false)]
    [InlineData("2024.1.0", "2024.1", false)]
    [InlineData("v1.0.0", "Developer tools release", false)]
    public void LooksLikePrerelease_TagOrName_DetectsMarkers(string tag, string name, bool expected)
    {
        Assert.Equal(expected, GitHubReleasesSource.LooksLikePrerelease(tag, name));
    }
}
