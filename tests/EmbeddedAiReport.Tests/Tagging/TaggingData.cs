using System.Text.Json;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Tagging;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Tagging;

/// <summary>The shipped taxonomy, the corpus as labelled issues and the hand-written off-topic posts.</summary>
internal static class TaggingData
{
    public static Taxonomy ShippedTaxonomy()
    {
        var (taxonomy, problems) = Taxonomy.Parse(File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "tags.json")), "tags.json");
        Assert.Empty(problems);
        return taxonomy!;
    }

    public static IReadOnlyList<CorpusIssue> Corpus() => CorpusIssue.LoadDirectory(Fixtures.PathOf("corpus"), new DraftOptions().SectionSlugs());

    public static IReadOnlyList<(string Title, string Summary)> OffTopic() =>
        JsonSerializer.Deserialize<string[][]>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Tagging", "offtopic-posts.json")))!
            .Select(pair => (pair[0], pair[1])).ToList();

    public static IReadOnlyList<string> Sections => new DraftOptions().EffectiveSections.Select(s => s.Slug).ToList();

    /// <summary>Draft:MinScore of the shipped appsettings.json: the threshold the evaluation must hold for.</summary>
    public static double ShippedThreshold()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "appsettings.json")));
        return document.RootElement.GetProperty("Draft").GetProperty("MinScore").GetDouble();
    }
}
