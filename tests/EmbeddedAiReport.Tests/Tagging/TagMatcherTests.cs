using System.Text.Json;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Tagging;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Tagging;

public sealed class TagMatcherTests
{
    private static readonly Taxonomy Sample = Taxonomy.Parse("""
        {"tags": [
          {"tag": "quantization", "weight": 2, "en": ["quantize", "int8", "low-bit"], "zh": ["量化"], "negative": ["量化交易"], "patterns": ["\\bw\\d+a\\d+\\b"]},
          {"tag": "pruning", "weight": 2, "en": ["prune", "sparsity"], "zh": ["剪枝"]},
          {"tag": "ai-chips", "weight": 2, "en": ["NPU", "MACE"], "zh": ["AI芯片"]},
          {"tag": "llm", "weight": 1, "en": ["llama.cpp"]}
        ]}
        """, "tags.json").Taxonomy!;

    [Theory]
    [InlineData("We prune channels", "pruning")]
    [InlineData("Pruning ResNet-50 by 50%", "pruning")]
    [InlineData("pruned and fine-tuned", "pruning")]
    [InlineData("Structured sparsities", "pruning")]
    [InlineData("Quantizing BERT to INT8", "quantization")]
    [InlineData("quantized weights", "quantization")]
    [InlineData("LOW-BIT inference", "quantization")]
    [InlineData("W4A8 kernels for phones", "quantization")]
    [InlineData("模型量化总结", "quantization")]
    [InlineData("通道剪枝实践", "pruning")]
    [InlineData("瑞芯微NPU芯片", "ai-chips")]
    [InlineData("新一代AI芯片发布", "ai-chips")]
    [InlineData("Run it with llama.cpp today", "llm")]
    public void Match_TermForms_FindsTag(string text, string tag)
    {
        Assert.Equal([tag], Sample.Matcher.Match(text).Select(t => t.Name));
    }

    [Theory]
    [InlineData("Macedonia wins the match")]       // MACE inside a word
    [InlineData("the npus1 register")]            // NPU followed by more letters and digits
    [InlineData("量化交易策略年化收益20%")]          // negative term vetoes 量化
    [InlineData("A quantitative study")]
    [InlineData("")]
    public void Match_NoTermAsWholeWord_FindsNothing(string text)
    {
        Assert.Empty(Sample.Matcher.Match(text));
    }

    [Fact]
    public void Match_LatinTermInTheZhList_StandsAsAWholeWordLikeAnyLatinTerm()
    {
        // The shipped off-topic tag lists "NBA" under zh: a Latin term is a whole word wherever it is listed (TagMatcher's
        // rule: ASCII letters or digits may not touch it, CJK may), only CJK terms match as substrings.
        var matcher = Taxonomy.Parse("""{"tags": [{"tag": "off-topic", "weight": -3, "zh": ["NBA", "球赛"]}]}""", "tags.json").Taxonomy!.Matcher;

        Assert.Single(matcher.Match("NBA总决赛"));
        Assert.Empty(matcher.Match("the CNBAS benchmark"));
    }

    // README: enExact terms are whole words with en's plural/-ing/-ed forms, their own letters only in the case written.
    [Theory]
    [InlineData("Accepted at MICRO 2024", true)]
    [InlineData("MICRO-56: three accelerators", true)]
    [InlineData("two MICROs in a row", true)]
    [InlineData("端侧加速器入选MICRO", true)]
    [InlineData("Deploying with TFLite Micro", false)]
    [InlineData("micro-expression recognition", false)]
    [InlineData("MiCRO 2024", false)]
    [InlineData("a MICROCONTROLLER board", false)]
    public void Match_EnExactTerm_OnlyInTheCaseWritten(string text, bool found)
    {
        var matcher = Taxonomy.Parse("""{"tags": [{"tag": "venue", "en": ["ISCA"], "enExact": ["MICRO"]}]}""", "tags.json").Taxonomy!.Matcher;

        Assert.Equal(found, matcher.Match(text).Count == 1);
        Assert.Equal(found ? 1 : 0, matcher.Occurrences(text, null).Sum(o => o.InTitle));
    }

    [Fact]
    public void Match_TitleAndSummary_CombinesTagsInTaxonomyOrder()
    {
        var tags = Sample.Matcher.Match("剪枝与NPU", "then quantize to int8");

        Assert.Equal(["quantization", "pruning", "ai-chips"], tags.Select(t => t.Name));
    }

    [Fact]
    public void Match_OverlappingTerms_FindsBoth()
    {
        var taxonomy = Taxonomy.Parse("""{"tags": [{"tag": "a", "zh": ["神经网络处理器"]}, {"tag": "b", "zh": ["网络"]}]}""", "tags.json").Taxonomy!;

        Assert.Equal(["a", "b"], taxonomy.Matcher.Match("华为神经网络处理器").Select(t => t.Name));
    }

    [Fact]
    public void Occurrences_TitleAndSummary_CountedApartAndVetoedTogether()
    {
        var found = Sample.Matcher.Occurrences("INT8 量化 on the NPU", "量化后 int8 模型剪枝，再量化。W4A8 也行");

        Assert.Equal([("quantization", 2, 3), ("pruning", 0, 1), ("ai-chips", 1, 0)], found.Select(o => (o.Tag.Name, o.InTitle, o.InSummary)));
        Assert.DoesNotContain(Sample.Matcher.Occurrences("量化投资", "量化交易策略"), o => o.Tag.Name == "quantization");
        Assert.Equal(Sample.Matcher.Match("INT8 量化", "剪枝").Select(t => t.Name), Sample.Matcher.Occurrences("INT8 量化", "剪枝").Select(o => o.Tag.Name));
    }

    // The shipped cpu-arch tag lists ARM, matched in any case: robot-manipulation papers of the unpicked arXiv flood
    // (arxiv-cs-cv-2025-10.jsonl) named their robotic arm and were tagged as CPU architecture. Its negative terms veto
    // that, and the editor's ARM items (config/training/corpus) keep the tag. Each negative term, singular and plural, has
    // a case of its own here (the ALOHA2 lines are the flood's, the two after them hand-written).
    [Theory]
    [InlineData("Direct Data-Driven Predictive Control for a Three-dimensional Cable-Driven Soft Robotic Arm", "we design and fabricate a soft robotic arm with a thick tubing backbone", false)]
    [InlineData("Designing Tools with Control Confidence", "Through rigorous simulations using a robotic arm, we show that tools designed with control confidence", false)]
    [InlineData("iMoWM: Taming Interactive Multi-Modal World Model for Robotic Manipulation", "generate color images, depth maps, and robot arm masks in an autoregressive manner", false)]
    [InlineData("Learning Human-Humanoid Coordination for Collaborative Object Carrying", "Robot-human collaboration has been extensively developed for robotic arms", false)]
    [InlineData("ALOHA2 Robot Kitchen Application Scenario Reproduction Report", "ALOHA2 is an enhanced version of the dual-arm teleoperated robot ALOHA", false)]
    [InlineData("ALOHA2 Robot Kitchen Application Scenario Reproduction Report", "Users control the follower mechanical arms by operating the leader mechanical arms through back-driving", false)]
    [InlineData("Grasping Deformable Objects", "a camera mounted on a mechanical arm", false)]
    [InlineData("Fleet Learning for Manipulation", "policies shared across many robot arms", false)]
    [InlineData("格芯推出12纳米 ARM 架构 3D 芯片，成熟度优于台积电7纳米", "格芯指出，新开发出基于ARM 架构的3D 高密度测试芯片", true)]
    [InlineData("联发科发布Helio P65", "联发科发布了Helio P65芯片，12nm制程工艺，采用八核架构，集成两颗ARM Cortex-A75 CPU", true)]
    public void Occurrences_ShippedTaxonomy_ARobotArmIsNoCpuArchitecture(string title, string summary, bool cpuArch)
    {
        var taxonomy = Taxonomy.Parse(File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "tags.json")), "tags.json").Taxonomy!;

        Assert.Equal(cpuArch, taxonomy.Matcher.Occurrences(title, summary).Any(o => o.Tag.Name == "cpu-arch"));
    }

    // The shipped taxonomy on real text (the arXiv abstracts and Chinese titles in config/training, plus mixed-script and
    // upper-case variants of them), against a brute-force count: every term form tried at every position. The automaton
    // follows some transitions from a precomputed table (ASCII) and others through failure links; both must count the same.
    [Fact]
    public void Occurrences_ShippedTaxonomyOnRealText_SameCountsAsBruteForce()
    {
        var taxonomy = Taxonomy.Parse(File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "tags.json")), "tags.json").Taxonomy!;
        var texts = new List<string>();
        foreach (var file in new[] { "arxiv-cs-cv-2025-10.jsonl", "jiqizhixin-titles-2021-2022.jsonl" })
            foreach (var line in File.ReadLines(Path.Combine(Fixtures.ConfigDirectory, "training", file)).Take(300))
            {
                using var row = JsonDocument.Parse(line);
                texts.Add(row.RootElement.GetProperty("title").GetString()!);
                texts.Add(row.RootElement.GetProperty("summary").GetString()!);
            }
        texts.AddRange(texts.Where((_, i) => i % 7 == 0).Select(t => t.ToUpperInvariant()).ToList());
        texts.AddRange(Enumerable.Range(0, 100).Select(i => texts[i] + "：端侧NPU量化 int8 " + texts[^(i + 1)]).ToList());
        var tagged = 0;
        for (var i = 0; i + 1 < texts.Count; i += 2)
        {
            var expected = BruteForceOccurrences(taxonomy.Tags, texts[i], texts[i + 1]);
            var found = taxonomy.Matcher.Occurrences(texts[i], texts[i + 1]).Select(o => (o.Tag.Name, o.InTitle, o.InSummary)).ToList();
            Assert.Equal(expected, found);
            if (found.Count > 0) tagged++;
        }
        Assert.InRange(tagged, 100, texts.Count / 2);
    }

    // The shipped taxonomy's patterns are compiled with the product (ShippedPatterns), since the native binary cannot
    // compile a regex at run time; tags.json edited without that list would leave its tags to the slower interpreter.
    // Each generated regex must match exactly where the same text compiled at run time does, on real text.
    [Fact]
    public void ShippedTaxonomy_EveryTagsPatterns_CompiledWithTheProductAndMatchingTheSame()
    {
        var taxonomy = Taxonomy.Parse(File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "tags.json")), "tags.json").Taxonomy!;
        var withPatterns = taxonomy.Tags.Where(t => t.Patterns.Count > 0).ToList();
        Assert.NotEmpty(withPatterns);
        var texts = new List<string> { "INT4 and 4-bit W8A8 weights", "MobileNetV3 和 ShuffleNet-v2", "A17 Pro, Apple M3 与 RK3588", "Cortex-A78 / ARMv8.2", "台积电 3nm 与 7 nm 工艺" };
        foreach (var line in File.ReadLines(Path.Combine(Fixtures.ConfigDirectory, "training", "arxiv-cs-cv-2025-10.jsonl")))
        {
            using var row = JsonDocument.Parse(line);
            texts.Add(row.RootElement.GetProperty("summary").GetString()!);
        }
        foreach (var tag in withPatterns)
        {
            var joined = TagMatcher.Joined(tag.Patterns);
            var shipped = ShippedPatterns.For(joined);
            Assert.True(shipped is not null, $"tag {tag.Name}: its patterns changed in config/tags.json; copy them into Tagging/ShippedPatterns.cs");
            var compiled = new Regex(joined, TagMatcher.PatternOptions);
            var matched = texts.Where(text => compiled.IsMatch(text)).ToList();
            Assert.NotEmpty(matched);
            Assert.Equal(matched, texts.Where(text => shipped.IsMatch(text)));
        }
        Assert.Null(ShippedPatterns.For(TagMatcher.Joined([@"\bint4\b"])));
    }

    private static List<(string Tag, int InTitle, int InSummary)> BruteForceOccurrences(IReadOnlyList<TagDefinition> tags, string title, string summary)
    {
        var result = new List<(string, int, int)>();
        foreach (var tag in tags)
        {
            var terms = tag.English.SelectMany(TagMatcher.WordForms).Distinct().Select(t => (t, Whole: true, Cased: (string?)null))
                .Concat(tag.EnglishExact.SelectMany(e => TagMatcher.WordForms(e).Distinct().Select(t => (t, Whole: true, Cased: (string?)e))))
                .Concat(tag.Chinese.Select(t => (t, Whole: !t.Any(c => c >= '\u2E80'), Cased: (string?)null))).ToList();
            var negatives = tag.Negative.Select(t => (t, Whole: !t.Any(c => c >= '\u2E80'), Cased: (string?)null)).ToList();
            if (Count(negatives, title) + Count(negatives, summary) > 0) continue;
            var (inTitle, inSummary) = (WithPatterns(Count(terms, title), title), WithPatterns(Count(terms, summary), summary));
            if (inTitle + inSummary > 0) result.Add((tag.Name, inTitle, inSummary));

            int WithPatterns(int count, string text) =>
                count == 0 && tag.Patterns.Count > 0 && tag.Patterns.Any(p => Regex.IsMatch(text, p, TagMatcher.PatternOptions)) ? 1 : count;
        }
        return result;
    }

    // Cased: an enExact term, whose own letters must stand in the text as written.
    private static int Count(List<(string Term, bool Whole, string? Cased)> terms, string text)
    {
        var lower = text.ToLowerInvariant();
        var count = 0;
        foreach (var (term, whole, cased) in terms)
        {
            var t = term.ToLowerInvariant();
            for (var at = 0; at + t.Length <= lower.Length; at++)
                if (string.CompareOrdinal(lower, at, t, 0, t.Length) == 0
                    && (!whole || (Outside(at - 1) && Outside(at + t.Length)))
                    && (cased is null || string.CompareOrdinal(text, at, cased, 0, cased.Length) == 0))
                    count++;
        }
        return count;

        bool Outside(int index) => index < 0 || index >= text.Length || !char.IsAsciiLetterOrDigit(text[index]);
    }
}
