using System.Text;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Tagging;
using Microsoft.Extensions.Configuration;
using Quartz;

namespace EmbeddedAiReport.Worker;

/// <summary>Everything read from the config folder, with every problem found (each naming file, source and field).</summary>
public sealed class LoadedConfig
{
    public const string AppSettingsFile = "appsettings.json";
    public const string SourcesFile = "sources.json";
    public const string TemplateFile = "templates/draft.md.liquid";
    public const string TagsFile = "tags.json";
    public const string RouterFile = "router.json";
    public const string RankerFile = "ranker.json";

    private LoadedConfig(string directory, IConfigurationRoot configuration)
    {
        Directory = directory;
        Configuration = configuration;
    }

    public string Directory { get; }
    public IConfigurationRoot Configuration { get; }
    public ReportOptions Report { get; } = new();
    public FetchingOptions Fetching { get; } = new();
    public DraftOptions Draft { get; } = new();
    public DedupOptions Dedup { get; } = new();
    public IReadOnlyList<SourceDefinition> Sources { get; private set; } = [];
    public DraftRenderer? Renderer { get; private set; }
    /// <summary>The taxonomy of tags.json and the section router of router.json (none when the file is absent).</summary>
    public TaggingModel Tagging { get; private set; } = TaggingModel.Empty;
    public List<string> Problems { get; } = [];
    /// <summary>Problems the program runs on with a fallback (a missing or corrupt relevance model → keyword relevance).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Reads <paramref name="directory"/>; environment variables prefixed <c>EAIR_</c> override appsettings (<c>EAIR_Fetching__Contact</c>).</summary>
    /// <param name="template">False to leave the draft template unread (<see cref="Renderer"/> stays null).</param>
    public static LoadedConfig Load(string directory, string? databaseOverride, IEnumerable<ISourceKind> kinds, bool template = true)
    {
        var root = Path.GetFullPath(directory);
        var builder = new ConfigurationBuilder();
        var settingsPath = Path.Combine(root, AppSettingsFile);
        var loadProblems = new List<string>();
        if (!System.IO.Directory.Exists(root)) loadProblems.Add($"{root}: config folder not found (pass --config DIR)");
        else if (File.Exists(settingsPath)) builder.AddJsonFile(settingsPath, optional: false);
        builder.AddEnvironmentVariables("EAIR_");

        IConfigurationRoot configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            loadProblems.Add($"{AppSettingsFile}: {ex.GetBaseException().Message}");
            configuration = new ConfigurationBuilder().AddEnvironmentVariables("EAIR_").Build();
        }
        var config = new LoadedConfig(root, configuration);
        config.Problems.AddRange(loadProblems);
        config.Bind("Report", config.Report);
        config.Bind("Fetching", config.Fetching);
        config.Bind("Draft", config.Draft);
        config.Bind("Dedup", config.Dedup);
        if (databaseOverride is not null) config.Report.Database = databaseOverride;
        config.Problems.AddRange(config.Fetching.Validate().Select(p => $"{AppSettingsFile}: {p}"));
        config.Problems.AddRange(config.Draft.Validate().Select(p => $"{AppSettingsFile}: {p}"));
        config.Problems.AddRange(config.Dedup.Validate().Select(p => $"{AppSettingsFile}: {p}"));
        if (CronProblem(config.Report.ExportSchedule) is { } cron) config.Problems.Add($"{AppSettingsFile}: Report:ExportSchedule: {cron}");
        if (!config.Problems.Any(p => p.Contains("config folder not found")))
        {
            config.LoadSources(kinds);
            if (template) config.LoadTemplate();
            config.LoadTagging();
        }
        return config;
    }

    /// <summary>Path of a file in the config folder.</summary>
    public string PathOf(string relative) => Path.Combine(Directory, relative);

    /// <summary>The enabled sources.</summary>
    public IReadOnlyList<SourceDefinition> EnabledSources => Sources.Where(s => s.Enabled).ToList();

    /// <summary>A Quartz cron problem, or null when <paramref name="expression"/> is valid.</summary>
    public static string? CronProblem(string expression)
    {
        try
        {
            _ = new CronExpression(expression);
            return null;
        }
        catch (FormatException ex)
        {
            return $"not a Quartz cron expression or interval: '{expression}' ({ex.Message})";
        }
    }

    private void Bind<T>(string section, T target)
    {
        try
        {
            Configuration.GetSection(section).Bind(target, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            Problems.Add($"{AppSettingsFile}: {section}: {ex.GetBaseException().Message}");
        }
    }

    private void LoadSources(IEnumerable<ISourceKind> kinds)
    {
        var (sources, problems) = ReadSources(kinds);
        Sources = sources;
        Problems.AddRange(problems);
    }

    /// <summary>
    /// Reads sources.json again (the daemon does this when the file changes). The new sources replace the old ones only
    /// when the file has no problems; otherwise the old ones stay and the problems are returned.
    /// </summary>
    public IReadOnlyList<string> ReloadSources(IEnumerable<ISourceKind> kinds)
    {
        var (sources, problems) = ReadSources(kinds);
        if (problems.Count == 0) Sources = sources;
        return problems;
    }

    private (IReadOnlyList<SourceDefinition> Sources, IReadOnlyList<string> Problems) ReadSources(IEnumerable<ISourceKind> kinds)
    {
        var path = PathOf(SourcesFile);
        if (!File.Exists(path)) return ([], [$"{SourcesFile}: not found in {Directory}"]);
        try
        {
            return new SourceCatalog(kinds).Parse(File.ReadAllText(path, Encoding.UTF8), SourcesFile, Draft.SectionSlugs(), CronProblem);
        }
        catch (IOException ex)
        {
            return ([], [$"{SourcesFile}: cannot be read: {ex.Message}"]);
        }
    }

    private void LoadTagging()
    {
        var path = PathOf(TagsFile);
        if (!File.Exists(path))
        {
            Problems.Add($"{TagsFile}: not found in {Directory}");
            return;
        }
        var (taxonomy, problems) = Taxonomy.Parse(File.ReadAllText(path, Encoding.UTF8), TagsFile);
        Problems.AddRange(problems);
        SectionRouter? router = null;
        var routerPath = PathOf(RouterFile);
        if (File.Exists(routerPath))
        {
            (router, var problem) = SectionRouter.Parse(File.ReadAllText(routerPath, Encoding.UTF8), RouterFile);
            if (problem is not null) Problems.Add(problem);
        }
        Tagging = new TaggingModel(taxonomy ?? Taxonomy.Empty, router, LoadRanker());
    }

    // A missing or broken model must not stop the daemon: relevance falls back to the keyword score, with a warning.
    private RelevanceModel? LoadRanker()
    {
        var path = PathOf(RankerFile);
        const string fallback = "relevance falls back to the keyword score until it is fixed (run the train command)";
        if (!File.Exists(path))
        {
            Warnings.Add($"{RankerFile}: not found in {Directory}; {fallback}");
            return null;
        }
        try
        {
            var (model, problem) = RelevanceModel.Parse(File.ReadAllText(path, Encoding.UTF8), RankerFile);
            if (problem is not null) Warnings.Add($"{problem}; {fallback}");
            return model;
        }
        catch (IOException ex)
        {
            Warnings.Add($"{RankerFile}: cannot be read: {ex.Message}; {fallback}");
            return null;
        }
    }

    private void LoadTemplate()
    {
        var path = PathOf(TemplateFile);
        if (!File.Exists(path))
        {
            Problems.Add($"{TemplateFile}: not found in {Directory}");
            return;
        }
        try
        {
            Renderer = new DraftRenderer(File.ReadAllText(path, Encoding.UTF8), TemplateFile);
        }
        catch (DraftTemplateException ex)
        {
            Problems.Add(ex.Message);
        }
    }
}
