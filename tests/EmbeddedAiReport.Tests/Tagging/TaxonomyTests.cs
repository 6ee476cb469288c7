using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Tests.Tagging;

public sealed class TaxonomyTests
{
    [Fact]
    public void Parse_BadRegex_NamesFileTagAndField()
    {
        var (taxonomy, problems) = Taxonomy.Parse("""{"tags": [{"tag": "quantization", "en": ["int8"], "patterns": ["w(\\d+a"]}]}""", "tags.json");

        Assert.Null(taxonomy);
        Assert.StartsWith("tags.json: tag 'quantization': patterns[0]: not a valid regular expression", Assert.Single(problems));
    }

    [Fact]
    public void Parse_MisspeltPatternsWithABadRegex_ReportsBothAsSourcesJsonDoes()
    {
        // The operator's week (round 43): "pattern" for "patterns" was the one problem said; mended, the tag failed again on
        // its regex. sources.json names the field meant (SourceCatalog: "; did you mean schedule?") and every problem at once.
        var (taxonomy, problems) = Taxonomy.Parse("""{"tags": [{"tag": "quantization", "en": ["int8"], "pattern": ["w(\\d+a"]}]}""", "tags.json");

        Assert.Null(taxonomy);
        Assert.Equal(2, problems.Count);
        Assert.StartsWith("tags.json: tag 'quantization': pattern: unknown field; did you mean patterns? (known: ", problems[0]);
        Assert.StartsWith("tags.json: tag 'quantization': pattern[0]: not a valid regular expression 'w(\\d+a'", problems[1]);
    }

    [Fact]
    public void Parse_MisspeltFields_EachCheckedAsTheFieldItMeans()
    {
        // README, tags.json: a misspelt field names the one meant, "and a list in it is checked as that field's": a misspelt
        // negative's string is no list; a misspelt zh's terms are substrings, not regexes ("C++" is no valid one); weight takes
        // a number, not a list of strings.
        var (taxonomy, problems) = Taxonomy.Parse("""{"tags": [{"tag": "npu", "en": ["npu"], "weigth": 2, "zhh": ["C++"], "negativ": "phone"}]}""", "tags.json");

        Assert.Null(taxonomy);
        const string known = " (known: comment, en, enExact, negative, patterns, tag, weight, zh)";
        Assert.Equal(
        [
            "tags.json: tag 'npu': weigth: unknown field; did you mean weight?" + known,
            "tags.json: tag 'npu': zhh: unknown field; did you mean zh?" + known,
            "tags.json: tag 'npu': negativ: unknown field; did you mean negative?" + known,
            "tags.json: tag 'npu': negativ: expected a list of non-empty strings",
        ], problems);
    }

    [Fact]
    public void Parse_TagWithoutWeight_WeighsOne()
    {
        // tags.json's header and the README: a tag's weight is 1 when left out.
        var (taxonomy, problems) = Taxonomy.Parse("""{"tags": [{"tag": "npu", "en": ["npu"]}, {"tag": "pruning", "weight": 2.5, "en": ["pruning"]}]}""", "tags.json");

        Assert.Empty(problems);
        Assert.Equal([("npu", 1.0), ("pruning", 2.5)], taxonomy!.Tags.Select(t => (t.Name, t.Weight)));
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsEveryOne()
    {
        var (_, problems) = Taxonomy.Parse("""
            {"scoring": {"recencyDays": 0, "linkWeight": -1}, "tags": [
              {"tag": "npu", "weight": "high", "en": ["NPU"], "color": "red"},
              {"tag": "Bad Name", "en": ["x"]},
              {"tag": "empty"},
              {"tag": "dup", "en": ["TPU"]},
              {"tag": "dup", "en": ["DSP"]}
            ]}
            """, "tags.json");

        Assert.Contains("tags.json: scoring: recencyDays: expected a positive number", problems);
        // Only a tag's weight may be negative (tags.json header); linkWeight is the keyword score's link bonus (README).
        Assert.Contains(problems, p => p.StartsWith("tags.json: scoring: linkWeight:", StringComparison.Ordinal));
        Assert.Contains("tags.json: tag 'npu': weight: expected a number", problems);
        Assert.Contains(problems, p => p.StartsWith("tags.json: tag 'npu': color: unknown field", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("tags.json: tag #2: tag: required", StringComparison.Ordinal));
        Assert.Contains("tags.json: tag 'empty': en/enExact/zh/patterns: a tag needs at least one term or pattern", problems);
        Assert.Contains("tags.json: tag 'dup': tag: defined twice", problems);
    }

    [Fact]
    public void Parse_EnExactMistakes_NamedAsTheOtherListsAre()
    {
        // README: enExact is a list of terms like en; one also in en would match in any case there, so its case says nothing.
        var (_, problems) = Taxonomy.Parse("""
            {"tags": [
              {"tag": "paper", "en": ["paper", "micro"], "enExact": ["MICRO", "DAC"]},
              {"tag": "chips", "en": ["NPU"], "enExact": "MICRO"},
              {"tag": "venue", "enExact": ["ISCA"]}
            ]}
            """, "tags.json");

        Assert.Equal(["tags.json: tag 'paper': enExact: 'MICRO' is also in en, which matches it in any case",
            "tags.json: tag 'chips': enExact: expected a list of non-empty strings"], problems);
    }

    [Fact]
    public void Parse_NotJson_ReportsFile()
    {
        var (_, problems) = Taxonomy.Parse("{ tags: ", "tags.json");

        Assert.StartsWith("tags.json: not valid JSON", Assert.Single(problems));
    }

    [Fact]
    public void Parse_ShippedFile_HasTheDesignTags()
    {
        var names = TaggingData.ShippedTaxonomy().Tags.Select(t => t.Name).ToHashSet();

        Assert.Superset(new HashSet<string> { "quantization", "pruning", "distillation", "nas", "lightweight-networks", "ai-chips", "mobile-soc",
            "inference-engines", "compilers", "on-device-llm" }, names);
    }

    [Theory]
    [InlineData("INT8 quantization on Snapdragon", "quantization", "mobile-soc")]
    [InlineData("阿里开源轻量级推理引擎MNN", "inference-engines", "lightweight-networks")]
    [InlineData("天玑1000+内置独立APU", "ai-chips", "mobile-soc")]
    [InlineData("知识蒸馏最新进展", "distillation", null)]
    [InlineData("GPTQ and AWQ for llama.cpp GGUF models", "on-device-llm", "quantization")]
    [InlineData("TVM compiler autotuning on Mali GPU", "compilers", "mobile-soc")]
    public void Match_ShippedFile_TagsTypicalTitles(string title, string tag, string? other)
    {
        var names = TaggingData.ShippedTaxonomy().Matcher.Match(title).Select(t => t.Name).ToList();

        Assert.Contains(tag, names);
        if (other is not null) Assert.Contains(other, names);
    }

    // The conference MICRO is written in capitals; "micro" in another case is the word (TensorFlow Lite Micro, a micro
    // controller, and in config/training's arXiv abstracts micro-expressions, Micro Air Vehicles, micro lens arrays).
    [Theory]
    [InlineData("Deploying keyword spotting with TensorFlow Lite Micro", false)]
    [InlineData("TFLite Micro 在单片机上的部署", false)]
    [InlineData("Running a CNN on a micro controller", false)]
    [InlineData("DIANet: A Phase-Aware Dual-Stream Network for Micro-Expression Recognition via Dynamic Images", false)]
    [InlineData("Three accelerators accepted at MICRO 2024", true)]
    [InlineData("MICRO-56 录用的三项加速器工作", true)]
    public void Match_ShippedFile_MicroIsAResearchPaperOnlyAsTheConference(string title, bool paper)
    {
        var names = TaggingData.ShippedTaxonomy().Matcher.Match(title).Select(t => t.Name).ToList();

        Assert.Equal(paper, names.Contains("research-paper"));
    }
}
