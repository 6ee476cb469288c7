using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Tests.Normalizing;

/// <summary>Summaries read as whole text (issue 18 item 6): cut at a sentence end with …, markdown links as plain text.</summary>
public sealed class TextCleanerTests
{
    [Theory]
    // The case: a list after "核心点：" — "1." numbers an item, it does not end a sentence; "2.0" neither.
    [InlineData("微软提出MiniLM，一种通用的Transformer模型压缩方法。在SQuAD 2.0和GLUE上，6层的MiniLM保留了教师模型99%以上的精度，速度提升2倍。MiniLM有3个核心点：1. 深度自注意力蒸馏；2. 只蒸馏最后一层；3. 引入教师助手。",
        102, "微软提出MiniLM，一种通用的Transformer模型压缩方法。在SQuAD 2.0和GLUE上，6层的MiniLM保留了教师模型99%以上的精度，速度提升2倍。…")]
    // "et al." and "e.g." are abbreviations, not sentence ends.
    [InlineData("Compared with Han et al. (2016), the method needs no retraining. It runs 3x faster on ARM CPUs, e.g. the Cortex-A76, and saves memory.",
        113, "Compared with Han et al. (2016), the method needs no retraining.…")]
    // "et al." as the last period before the limit: still no sentence end, the cut falls on the sentence before it.
    [InlineData("We quantize models to 4 bits. This follows Zhang et al. and extends their kernels to phones and microcontrollers.",
        71, "We quantize models to 4 bits.…")]
    // No sentence end: the last clause mark in the second half.
    [InlineData("端侧推理框架对比，包括MNN、NCNN、TNN和Paddle Lite，在骁龙865上测试了延迟，内存占用以及功耗表现", 30, "端侧推理框架对比，包括MNN、NCNN…")]
    // Neither: a word boundary.
    [InlineData("Efficient inference of quantized transformers on microcontrollers with tiny memory budgets", 40, "Efficient inference of quantized…")]
    // A closing quote stays with its sentence.
    [InlineData("他说：“端侧大模型今年落地。”随后介绍了新的NPU架构与编译器栈，以及量化工具链的细节和开源计划。", 30, "他说：“端侧大模型今年落地。”…")]
    [InlineData("短摘要。", 400, "短摘要。")]
    public void Excerpt_LongText_CutsAtTheLastSentenceEndWithAnEllipsis(string text, int limit, string expected)
    {
        var excerpt = TextCleaner.Excerpt(text, limit);

        Assert.Equal(expected, excerpt);
        Assert.True(excerpt.Length <= limit);
    }

    [Theory]
    [InlineData("标题：[Optimal Subarchitecture Extraction For BERT](https://arxiv.org/abs/2010.10499)", "标题：Optimal Subarchitecture Extraction For BERT")]
    // Real summaries of the corpus (2019-03-31, 2019-07-30).
    [InlineData("实现细节见：[AlphaX: eXploring Neural Architectures with Deep Neural Networks and Monte Carlo Tree Search](https://arxiv.org/pdf/1903.11059.pdf)。",
        "实现细节见：AlphaX: eXploring Neural Architectures with Deep Neural Networks and Monte Carlo Tree Search。")]
    [InlineData("课程讲义（Lecture Notes）可以在[https://cs217.stanford.edu](https://cs217.stanford.edu)下载。", "课程讲义（Lecture Notes）可以在https://cs217.stanford.edu下载。")]
    [InlineData("见 [Pruning](https://en.wikipedia.org/wiki/Pruning_(AI)) 一节", "见 Pruning 一节")]
    [InlineData("![logo](https://example.org/logo.png)新版发布", "logo新版发布")]
    [InlineData("[![build](https://ci.example.org/badge.svg)](https://ci.example.org/)", "build")]
    [InlineData("[2011.12289v1] [A Survey] (not a link)", "[2011.12289v1] [A Survey] (not a link)")]
    [InlineData("见 [x](y z)", "见 [x](y z)")]
    public void PlainLinks_MarkdownLinkInText_KeepsOnlyItsText(string text, string expected)
    {
        Assert.Equal(expected, TextCleaner.PlainLinks(text));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("<p>Hello <b>world</b></p>", "Hello world")]
    [InlineData("第一行<br/>第二行", "第一行 第二行")]
    [InlineData("<script>alert(1)</script>正文", "正文")]
    [InlineData("<SCRIPT type=\"text/javascript\">var a = '<p>';</SCRIPT>after", "after")]
    [InlineData("<style>p { color: red }</style>text", "text")]
    [InlineData("<!-- a comment -->text", "text")]
    [InlineData("AT&amp;T &#x4E2D;&#25991; &quot;NPU&quot;", "AT&T 中文 \"NPU\"")]
    [InlineData("Tensor&lt;T&gt; is a type", "Tensor<T> is a type")]        // decoded entities are text, not tags
    [InlineData("latency < 3 ms and > 2 ms", "latency < 3 ms and > 2 ms")]  // a '<' that opens no tag stays
    [InlineData("cut off at the end <a href=\"https://exa", "cut off at the end")]
    [InlineData("  <div>\n\t spaced \n\n out </div>  ", "spaced out")]
    // Inline elements join the text they sit in, as a browser shows it (WeChat articles wrap single characters in <span>).
    [InlineData("<p>本周介绍<span style=\"color:red\">二值</span>化网络和<b>知识</b>蒸馏</p>", "本周介绍二值化网络和知识蒸馏")]
    [InlineData("<p>Edge<STRONG>AI</STRONG> on <a href=\"https://e.com\">NPU</a>s</p><p>next</p>", "EdgeAI on NPUs next")]
    [InlineData("x<sup>2</sup><br>y<SUB>i</SUB></span>", "x2 yi")]
    [InlineData("NPU &#x202E;lave&#27;[2J title", "NPU lave [2J title")]   // escaped bidi override and ESC: decoded, then dropped
    public void HtmlToText_Fragment_IsOneLineOfPlainText(string? html, string expected)
    {
        Assert.Equal(expected, TextCleaner.HtmlToText(html));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("a \t\r\n b", "a b")]
    [InlineData("  leading and trailing  ", "leading and trailing")]
    [InlineData("bell\u0007char", "bell char")]
    [InlineData("\ufeffBOM first", "BOM first")]
    [InlineData("零\u200b宽", "零 宽")]
    [InlineData("全角\u3000空格", "全角 空格")]
    [InlineData("Term \u001b[2J\u001b[31mRED\u0007 bell", "Term [2J [31mRED bell")]   // terminal escapes lose their ESC and BEL
    [InlineData("NPU \u202eevil\u202c title", "NPU evil title")]                          // a right-to-left override (reads "live")
    [InlineData("a\u2066isolated\u2069b \u202aembedded\u202c", "a isolated b embedded")]
    public void CollapseWhiteSpace_RunsOfSpaceAndControlCharacters_BecomeOneSpace(string text, string expected)
    {
        Assert.Equal(expected, TextCleaner.CollapseWhiteSpace(text));
    }

    [Theory]
    [InlineData("short", 10, "short")]
    [InlineData("First sentence here. Second sentence runs past the limit", 30, "First sentence here.")]
    [InlineData("第一句话很短。第二句话要长得多才会超过限制", 12, "第一句话很短。")]
    [InlineData("Hi. This is a long sentence without an end", 20, "Hi. This is a long…")]      // a sentence end in the first half is too early
    [InlineData("Version 3.5 of the runtime adds int4 kernels", 20, "Version 3.5 of the…")]   // 3.5 is not a sentence end
    [InlineData("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi…")]
    [InlineData("😀😀😀😀😀😀", 6, "😀😀…")]                                                  // never half a surrogate pair
    public void Truncate_LongText_CutsAtASentenceOrWordWithinTheLimit(string text, int limit, string expected)
    {
        var truncated = TextCleaner.Truncate(text, limit);

        Assert.Equal(expected, truncated);
        Assert.True(truncated.Length <= limit);
    }

    [Fact]
    public void HtmlToText_FeedDescriptionWithAMarkdownLink_IsPlainText()
    {
        Assert.Equal("标题：Optimal Subarchitecture Extraction For BERT，作者提出Bort。",
            TextCleaner.HtmlToText("<p>标题：[Optimal Subarchitecture Extraction For BERT](https://arxiv.org/abs/2010.10499)，作者提出Bort。</p>"));
    }
}
