using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Summaries;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests;

/// <summary>Names a template reads that its model lacks (they would render as empty text), found without rendering.</summary>
public sealed class TemplateCheckTests
{
    private static string Shipped(string file) => File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "templates", file));

    private static IReadOnlyList<UnknownTemplateMember> Unknown(string template) => new DraftRenderer(template).UnknownMembers;

    [Fact]
    public void ShippedTemplates_ReadOnlyWhatTheyAreGiven()
    {
        Assert.Empty(new DraftRenderer(Shipped("draft.md.liquid")).UnknownMembers);
        Assert.Empty(new SummaryPrompt(Shipped("summary.liquid"), "templates/summary.liquid").UnknownMembers);
    }

    [Fact]
    public void Find_MisspeltItemMember_NamesThePathItsLineAndTheMembers()
    {
        var template = Shipped("draft.md.liquid").Replace("{{ item.title }}{% if item.account %}", "{{ item.titel }}{% if item.account %}", StringComparison.Ordinal);
        var line = template[..template.IndexOf("item.titel", StringComparison.Ordinal)].Count(c => c == '\n') + 1;

        var unknown = Assert.Single(Unknown(template));

        Assert.Equal(new UnknownTemplateMember("item.titel", "titel", line, "item", unknown.Known), unknown);
        Assert.Equal(["account", "links", "more", "prefix", "summary", "title", "url", "writeups"], unknown.Known);
    }

    [Theory]
    [InlineData("{{ dat }}", "dat", "")]
    [InlineData("{% for s in sections %}{{ s.nmae }}{% endfor %}", "s.nmae", "s")]
    [InlineData("{% for s in sections %}{% for i in s.items %}{% for l in i.links %}{{ l.kidn }}{% endfor %}{% endfor %}{% endfor %}", "l.kidn", "l")]
    [InlineData("{% for s in sections %}{{ s.items.count }}{% endfor %}", "s.items.count", "s.items")]
    [InlineData("{{ sections.first.items.first.writeups.last.acount }}", "sections.first.items.first.writeups.last.acount", "sections.first.items.first.writeups.last")]
    [InlineData("{% if sections.size > 0 %}{{ item.title }}{% endif %}", "item", "")]   // item outside its loop
    // Liquid (shopify.github.io/liquid/tags/variable/): "Variables created using increment are independent from variables
    // created using assign or capture"; Fluid keeps its counters apart too, so {{ n }} renders empty text.
    [InlineData("{% increment n %}{{ n }}", "n", "")]
    [InlineData("{% decrement n %}{{ n }}", "n", "")]
    public void Find_UnknownName_IsReported(string template, string path, string owner)
    {
        var unknown = Assert.Single(Unknown(template));

        Assert.Equal(path, unknown.Path);
        Assert.Equal(owner, unknown.Owner);
        Assert.Equal(1, unknown.Line);
    }

    [Theory]
    [InlineData("{{ date }}\n{% include 'footer' %}", "templates/draft.md.liquid: line 2: {% include %}: a template cannot include other files; write their text into this one")]
    [InlineData("{{ date }}\n\n{%- render 'footer' -%}", "templates/draft.md.liquid: line 3: {% render %}: a template cannot include other files; write their text into this one")]
    public void DraftRenderer_TemplateIncludingAFile_IsRefusedWithItsLine(string template, string expected)
    {
        // Drafts are rendered without a file system: the tag failed every render with only the file's name ("footer.liquid").
        var refused = Assert.Throws<DraftTemplateException>(() => new DraftRenderer(template, "templates/draft.md.liquid"));

        Assert.Equal(expected, refused.Message);
    }

    [Fact]
    public void DraftRenderer_ShippedTemplateWithAnIfLeftOpen_IsRefusedInOneLineWithLineColumnAndTag()
    {
        // Fluid said it over three lines ("… at (38:1)", "Source:", the template's line), which validate, export and the
        // daemon's reload (4103) printed as they were. Fluid reports the block left open where the loop around it ends.
        var shipped = Shipped("draft.md.liquid");
        var template = shipped.Replace("{{ section.note }}\n\n{% endif -%}\n", "{{ section.note }}\n\n", StringComparison.Ordinal);
        var endfor = template.IndexOf("{% endfor -%}\n## [往期回顾]", StringComparison.Ordinal);   // the end of the sections' loop
        var line = template[..endfor].Count(c => c == '\n') + 1;

        var refused = Assert.Throws<DraftTemplateException>(() => new DraftRenderer(template, "templates/draft.md.liquid"));

        Assert.NotEqual(shipped, template);
        Assert.Equal($"templates/draft.md.liquid: line {line}, column 1: '{{% endif %}}' was expected (at '{{% endfor -%}}')", refused.Message);
    }

    [Theory]
    [InlineData("{{ date }}\n  {% if -%}\n{% endif %}", "line 2, column 8: Invalid 'if' tag (at '{% if -%}')")]
    // A mistyped tag is named with the one meant, inside a block too, where Fluid says the end tag it expected there.
    [InlineData("{% if count > 0 %}本次{{ count }}条。{% endiff %}", "line 1, column 34: unknown tag 'endiff'; did you mean endif or if? (at '{% endiff %}')")]
    [InlineData("{% iff x %}a{% endif %}", "line 1, column 7: unknown tag 'iff'; did you mean if? (at '{% iff x %}')")]
    [InlineData("{% for s in x %}{% iff s %}b{% endif %}{% endfor %}", "line 1, column 17: unknown tag 'iff'; did you mean if? (at '{% iff s %}')")]
    [InlineData("{% for s in x %}\n{%- asign n = 1 %}{% endfor %}", "line 2, column 1: unknown tag 'asign'; did you mean assign? (at '{%- asign n = 1 %}')")]
    // Fluid's position for a block open at the end: past the last line's newline.
    [InlineData("{% for s in sections %}\n{{ s.name }}\n", "line 2, column 14: '{% endfor %}' was expected")]
    public void DraftRenderer_TemplateThatDoesNotParse_IsOneLineWithItsPosition(string template, string expected)
    {
        var refused = Assert.Throws<DraftTemplateException>(() => new DraftRenderer(template, "templates/draft.md.liquid"));
        var prompt = Assert.Throws<DraftTemplateException>(() => new SummaryPrompt(template, "templates/summary.liquid"));

        Assert.Equal("templates/draft.md.liquid: " + expected, refused.Message);
        Assert.Equal("templates/summary.liquid: " + expected, prompt.Message);
    }

    [Theory]
    [InlineData("{{ date | upcas }}", "upcas")]
    [InlineData("{% for s in sections %}{{ s.highlights | joins: '；' }}{% endfor %}", "joins")]
    [InlineData("{% assign n = count |plus: 1 | Plus: 2 %}{{ n }}", "Plus")]
    public void Find_UnknownFilter_IsReported(string template, string filter)
    {
        var unknown = Assert.Single(Unknown(template));

        Assert.Equal(("| " + filter, filter, TemplateCheck.FilterOwner, 1), (unknown.Path, unknown.Name, unknown.Owner, unknown.Line));
        Assert.Contains("upcase", unknown.Known);
    }

    [Theory]
    [InlineData("{{ date }} {{ from }}..{{ to }} {{ count }}")]
    [InlineData("{{ date | upcase | append: '!' | truncate: 10 }} {{ count | plus: 1 | times: 2 }} {{ sections | map: 'name' | join: ', ' }}")]
    [InlineData("{% for s in sections %}{{ s.items.size }} {{ s.highlights | join: '；' }} {{ s.highlights.first.size }} {{ forloop.index }}{% endfor %}")]
    [InlineData("{% assign first = sections.first %}{{ first.anything }}{% capture x %}{{ count }}{% endcapture %}{{ x }}")]
    [InlineData("{% for s in sections reversed %}{% for i in s.items limit: 2 %}{{ i.title.size }}{% if i.summary != empty %}{% endif %}{% endfor %}{% endfor %}")]
    [InlineData("{% for s in sections %}{{ s.items[0].title }}{% endfor %}")]
    public void Find_KnownNamesBuiltinsAndOwnVariables_AreNotReported(string template) => Assert.Empty(Unknown(template));

    [Fact]
    public void ShippedTemplate_RendersTheSampleDraftsWithEveryPartOfAnIssue()
    {
        var renderer = new DraftRenderer(Shipped("draft.md.liquid"), "templates/draft.md.liquid");

        var markdown = renderer.Render(DraftSample.For(DraftOptions.DefaultSections)[0]);

        Assert.Null(renderer.SampleProblem(DraftOptions.DefaultSections));
        // What the README says the template shows: every section's heading and items, links, write-ups, the 摘要, and the
        // issues under 往期回顾, this one and those before it by year, each linked to its file.
        foreach (var heading in new[] { "## 业界新闻", "## 论文", "## 开源项目", "## 博文" }) Assert.Contains(heading + "\n", markdown);
        Assert.Contains("摘要：", markdown);
        Assert.Contains("解读：", markdown);
        Assert.Contains("标题：A Paper's Own Title", markdown);
        Assert.Contains("项目：https://github.com/owner/repo", markdown);
        Assert.Contains("| [2020-05-15](../embedded-ai-report/2020-05-15.md) | [2020-05-08](../embedded-ai-report/2020-05-08.md) |", markdown);
        Assert.Contains("| 2 | 0 | 1 | 9 |", markdown);
    }

    [Theory]
    [InlineData("{{ 1 | divided_by: 0 }}", "Attempted to divide by zero.")]
    [InlineData("{{ count | modulo: 0 }}", "Attempted to divide by zero.")]
    [InlineData("{% for s in sections %}{{ s.items | slice: 'first' }}{% endfor %}", "offset argument is an invalid number")]   // an argument of the wrong type
    [InlineData("{{ 100 | divided_by: count }}", "Attempted to divide by zero.")]   // only a week with no items fails
    [InlineData("{% for s in sections %}{{ s.items.size | divided_by: s.items.size }}{% endfor %}", "Attempted to divide by zero.")]
    public void SampleProblem_TemplateFailingWhileRendering_NamesTheTemplateAndWhatFailed(string template, string failure)
    {
        var renderer = new DraftRenderer(template, "templates/draft.md.liquid");

        var problem = renderer.SampleProblem(DraftOptions.DefaultSections);

        Assert.NotNull(problem);
        Assert.StartsWith("templates/draft.md.liquid: rendering failed: ", problem);
        Assert.Contains(failure, problem);
    }

    [Fact]
    public void Render_FilterDividingByZero_IsATemplateFailureNamingTheTemplate()
    {
        var renderer = new DraftRenderer("{{ date }}\n{{ count | divided_by: 0 }}", "templates/draft.md.liquid");

        var failed = Assert.Throws<DraftTemplateException>(() => renderer.Render(DraftSample.For(DraftOptions.DefaultSections)[1]));

        Assert.Equal("templates/draft.md.liquid: rendering failed: Attempted to divide by zero.", failed.Message);
    }

    [Fact]
    public void SummaryPrompt_ShippedRendersTheSampleEntries_OneFailingWhileRenderingNamesItsFile()
    {
        var failing = new SummaryPrompt("{{ title }}\n{{ text.size | divided_by: 0 }}", "templates/summary.liquid");

        var problem = failing.SampleProblem(2000);

        Assert.Null(new SummaryPrompt(Shipped("summary.liquid"), "templates/summary.liquid").SampleProblem(2000));
        Assert.NotNull(problem);
        Assert.StartsWith("templates/summary.liquid: rendering failed: Attempted to divide by zero.", problem);
    }
}
