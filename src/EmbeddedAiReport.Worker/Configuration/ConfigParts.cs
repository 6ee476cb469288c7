using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>The files the daemon reloads without a restart, one line each.</summary>
/// <remarks>
/// Adding a file is one line here: its value is then in every <see cref="ConfigSnapshot"/>, is reloaded when the file
/// changes (a bad file is logged and the running value stays), and can be read as <c>IOptionsMonitor&lt;T&gt;</c>.
/// </remarks>
internal static class ConfigParts
{
    public static IReadOnlyList<ConfigPart> All { get; } =
    [
        ConfigPart.Of<IReadOnlyList<SourceDefinition>>([LoadedConfig.SourcesFile], ReadSources),
        ConfigPart.Of([LoadedConfig.TagsFile, LoadedConfig.RouterFile, LoadedConfig.RankerFile], ReadTagging),
        ConfigPart.Of([LoadedConfig.TemplateFile], ReadTemplate),
    ];

    private static IReadOnlyList<SourceDefinition>? ReadSources(ConfigReader reader)
    {
        if (reader.Read(LoadedConfig.SourcesFile) is not { } text) return null;
        var catalog = new SourceCatalog(reader.Kinds);
        var (sources, problems) = catalog.Parse(text, LoadedConfig.SourcesFile, reader.Draft.SectionSlugs(), LoadedConfig.CronProblem);
        reader.AddProblems(problems);
        foreach (var warning in catalog.Warnings(sources, LoadedConfig.SourcesFile)) reader.Warn(warning);
        return sources;
    }

    // The three files are parsed side by side: every command waits for them at start, and the router's ~300 KB of weights
    // take about as long as building the taxonomy's matcher. Their parse problems are listed in the files' order.
    private static TaggingModel? ReadTagging(ConfigReader reader)
    {
        if (reader.Read(LoadedConfig.TagsFile) is not { } tags) return null;
        var routerText = reader.Read(LoadedConfig.RouterFile, required: false);
        var rankerText = RankerText(reader);
        (Taxonomy? Model, IReadOnlyList<string> Problems) taxonomy = (null, []);
        (SectionRouter? Model, string? Problem) router = default;
        (RelevanceModel? Model, string? Problem) ranker = default;
        Parallel.Invoke(
            () => taxonomy = Taxonomy.Parse(tags, LoadedConfig.TagsFile),
            () => router = routerText is null ? default : SectionRouter.Parse(routerText, LoadedConfig.RouterFile),
            () => ranker = rankerText is null ? default : RelevanceModel.Parse(rankerText, LoadedConfig.RankerFile));
        reader.AddProblems(taxonomy.Problems);
        if (router.Problem is not null) reader.Problem(router.Problem);
        if (router.Model is { } model) WarnOfUnknownSections(reader, model);
        if (ranker.Problem is not null) reader.Fallback($"{ranker.Problem}; {RankerFallback}");
        return taxonomy.Model is null ? null : new TaggingModel(taxonomy.Model, router.Model, ranker.Model)
        {
            ScoringFingerprint = Normalizing.TextDigest.Sha256Hex($"{tags}\0{rankerText ?? "<none>"}", 32),
        };
    }

    // A section renamed or removed in Draft:Sections while the router still learns the old one: every entry it routes there
    // is stored in a section no draft has, and drops out of the drafts without a word.
    private static void WarnOfUnknownSections(ConfigReader reader, SectionRouter router)
    {
        var sections = reader.Draft.EffectiveSections.Select(s => s.Slug).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = router.Classes.Where(c => !sections.Contains(c)).ToList();
        if (unknown.Count == 0) return;
        reader.Warn($"{LoadedConfig.RouterFile}: routes entries to {string.Join(", ", unknown.Select(c => $"'{c}'"))}, not a section of "
            + $"Draft:Sections ({string.Join(", ", sections)}): entries routed there are in no draft; run the train command to learn the sections as configured");
    }

    private const string RankerFallback = "relevance falls back to the keyword score until it is fixed (run the train command)";

    // A missing or broken model must not stop the daemon: relevance falls back to the keyword score, with a warning.
    // On a reload a broken one is a problem instead, so the running model stays.
    private static string? RankerText(ConfigReader reader)
    {
        if (Path.Exists(Path.Combine(reader.Directory, LoadedConfig.RankerFile))) return reader.Read(LoadedConfig.RankerFile);
        reader.Warn($"{LoadedConfig.RankerFile}: not found in {reader.Directory}; {RankerFallback}");
        return null;
    }

    private static DraftRenderer? ReadTemplate(ConfigReader reader)
    {
        if (reader.Read(LoadedConfig.TemplateFile) is not { } text) return null;
        try
        {
            // A name drafts do not have renders as empty text: as much a problem as a template that does not parse.
            var renderer = new DraftRenderer(text, LoadedConfig.TemplateFile, reader.Draft.MaxLinksPerItem);
            if (renderer.UnknownMembers.Count > 0)
            {
                reader.AddProblems(TemplateProblems.Of(LoadedConfig.TemplateFile, renderer.UnknownMembers));
                return null;
            }
            // So is one that fails only while rendering (`| divided_by: 0`): found on sample drafts now, not at the weekly export.
            if (renderer.SampleProblem(reader.Draft.EffectiveSections) is not { } failure) return renderer;
            reader.Problem(failure);
            return null;
        }
        catch (DraftTemplateException ex)
        {
            reader.Problem(ex.Message);
            return null;
        }
    }
}
