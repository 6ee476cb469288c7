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
        var (sources, problems) = new SourceCatalog(reader.Kinds).Parse(text, LoadedConfig.SourcesFile, reader.Draft.SectionSlugs(), LoadedConfig.CronProblem);
        reader.AddProblems(problems);
        return sources;
    }

    private static TaggingModel? ReadTagging(ConfigReader reader)
    {
        if (reader.Read(LoadedConfig.TagsFile) is not { } tags) return null;
        var (taxonomy, problems) = Taxonomy.Parse(tags, LoadedConfig.TagsFile);
        reader.AddProblems(problems);
        SectionRouter? router = null;
        if (reader.Read(LoadedConfig.RouterFile, required: false) is { } model)
        {
            (router, var problem) = SectionRouter.Parse(model, LoadedConfig.RouterFile);
            if (problem is not null) reader.Problem(problem);
        }
        return taxonomy is null ? null : new TaggingModel(taxonomy, router, ReadRanker(reader));
    }

    // A missing or broken model must not stop the daemon: relevance falls back to the keyword score, with a warning.
    // On a reload a broken one is a problem instead, so the running model stays.
    private static RelevanceModel? ReadRanker(ConfigReader reader)
    {
        const string fallback = "relevance falls back to the keyword score until it is fixed (run the train command)";
        if (!File.Exists(Path.Combine(reader.Directory, LoadedConfig.RankerFile)))
        {
            reader.Warn($"{LoadedConfig.RankerFile}: not found in {reader.Directory}; {fallback}");
            return null;
        }
        if (reader.Read(LoadedConfig.RankerFile) is not { } text) return null;
        var (model, problem) = RelevanceModel.Parse(text, LoadedConfig.RankerFile);
        if (problem is not null) reader.Fallback($"{problem}; {fallback}");
        return model;
    }

    private static DraftRenderer? ReadTemplate(ConfigReader reader)
    {
        if (reader.Read(LoadedConfig.TemplateFile) is not { } text) return null;
        try
        {
            return new DraftRenderer(text, LoadedConfig.TemplateFile);
        }
        catch (DraftTemplateException ex)
        {
            reader.Problem(ex.Message);
            return null;
        }
    }
}
