using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Summaries;
using EmbeddedAiReport.Tagging;
using EmbeddedAiReport.Worker.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Worker;

/// <summary>The config folder: appsettings.json bound once, the reloadable files as an immutable <see cref="ConfigSnapshot"/>, and every problem found.</summary>
/// <remarks>
/// <see cref="Current"/> is the one accessor for the reloadable files; <see cref="Reload"/> swaps in a new snapshot
/// atomically. Settings of appsettings.json take effect on restart. Problems name file, source and field.
/// <threadsafety>Thread-safe: readers take <see cref="Current"/> once; reloads are serialized by the caller.</threadsafety>
/// </remarks>
public sealed class LoadedConfig
{
    public const string AppSettingsFile = "appsettings.json";
    public const string SourcesFile = "sources.json";
    public const string TemplateFile = "templates/draft.md.liquid";
    public const string TagsFile = "tags.json";
    public const string RouterFile = "router.json";
    public const string RankerFile = "ranker.json";

    private readonly Task<IReadOnlyList<ISourceKind>> _kinds;
    private readonly Dictionary<Type, string> _fingerprints = [];
    // Each reloadable file's fingerprint as its part's running value read it: a reload names only the files that changed
    // (publish's retraining writes router.json and ranker.json, not tags.json, which it reads).
    private readonly Dictionary<string, string> _fileFingerprints = new(StringComparer.Ordinal);
    // Parts whose changed files had problems at the last reload (their running value stayed).
    // The files of each that differed from the running value then: those a 4121 names when they are put back.
    private readonly Dictionary<Type, HashSet<string>> _rejected = [];
    private volatile IReadOnlyList<string> _rejectedFiles = [];
    // The files read only at start (appsettings.json, the summary prompt): their fingerprint then and at the last reload.
    private readonly Dictionary<string, (string AtStart, string Seen)> _readAtStart = [];
    private ConfigSnapshot _current = ConfigSnapshot.Empty;

    private LoadedConfig(string directory, IConfigurationRoot configuration, string? databaseOverride, Task<IReadOnlyList<ISourceKind>> kinds)
    {
        Directory = directory;
        Configuration = configuration;
        DatabaseOverride = databaseOverride;
        _kinds = kinds;
    }

    public string Directory { get; }
    public IConfigurationRoot Configuration { get; }
    /// <summary>The <c>--db</c> option, which overrides <c>Report:Database</c>.</summary>
    public string? DatabaseOverride { get; }
    public ReportOptions Report { get; private set; } = new();
    public FetchingOptions Fetching { get; private set; } = new();
    public DraftOptions Draft { get; private set; } = new();
    public DedupOptions Dedup { get; private set; } = new();
    public StorageOptions Storage { get; private set; } = new();
    public SummariesOptions Summaries { get; private set; } = new();
    /// <summary>The prompt of the model-written 摘要 (read at start, like appsettings.json); null while summaries are off.</summary>
    public SummaryPrompt? SummaryPrompt { get; private set; }
    public List<string> Problems { get; } = [];
    /// <summary>Problems the program runs on with a fallback (a missing or corrupt relevance model → keyword relevance).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>The reloadable files as they are now.</summary>
    public ConfigSnapshot Current => Volatile.Read(ref _current);

    /// <summary>The sources of the current snapshot.</summary>
    public IReadOnlyList<SourceDefinition> Sources => Current.Sources;

    /// <summary>The enabled sources of the current snapshot.</summary>
    public IReadOnlyList<SourceDefinition> EnabledSources => Current.Sources.Where(s => s.Enabled).ToList();

    /// <summary>The template of the current snapshot.</summary>
    public DraftRenderer Renderer => Current.Get<DraftRenderer>();

    /// <summary>The taxonomy of tags.json, the section router of router.json and the relevance model of ranker.json (each may be absent).</summary>
    public TaggingModel Tagging => Current.TryGet<TaggingModel>() ?? TaggingModel.Empty;

    /// <summary>Reads <paramref name="directory"/>; environment variables prefixed <c>EAIR_</c> override appsettings (<c>EAIR_Fetching__Contact</c>).</summary>
    /// <param name="kinds">The source kinds, still being made when the settings are read (they are needed for the sources only).</param>
    /// <param name="skip">Reloadable parts a one-shot command never uses (by value type): not read, so neither checked nor
    /// available (<c>poll</c> skips the draft template, whose parser alone costs a poll of all-304 feeds a sixth of its CPU).</param>
    public static LoadedConfig Load(string directory, string? databaseOverride, Task<IReadOnlyList<ISourceKind>> kinds, IReadOnlySet<Type>? skip = null)
    {
        var root = Path.GetFullPath(directory);
        var builder = new ConfigurationBuilder();
        var settingsPath = Path.Combine(root, AppSettingsFile);
        var loadProblems = new List<string>();
        var folderMissing = !System.IO.Directory.Exists(root);
        if (folderMissing) loadProblems.Add($"{root}: config folder not found (pass --config DIR)");
        else if (File.Exists(settingsPath)) builder.AddJsonFile(settingsPath, optional: false);
        else if (System.IO.Directory.Exists(settingsPath)) loadProblems.Add(ConfigReader.Absent(AppSettingsFile, root));   // absent, it would be the defaults
        builder.AddEnvironmentVariables("EAIR_");

        IConfigurationRoot configuration;
        List<string> unknownSections = [];
        try
        {
            configuration = builder.Build();
            unknownSections.AddRange(ReportSettings.UnknownSections(configuration, AppSettingsFile));
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or UnauthorizedAccessException)   // a mode this user may not read
        {
            loadProblems.Add(ex switch
            {
                UnauthorizedAccessException => $"{AppSettingsFile}: cannot be read: {ex.Message}",
                _ when ex.GetBaseException() is System.Text.Json.JsonException syntax => $"{AppSettingsFile}: not valid JSON: {JsonSyntaxError.Describe(syntax, File.ReadAllText(settingsPath))}",
                _ => $"{AppSettingsFile}: {ex.GetBaseException().Message}",
            });
            configuration = new ConfigurationBuilder().AddEnvironmentVariables("EAIR_").Build();
        }
        var (durations, durationProblems) = DurationSettings.Read(configuration, AppSettingsFile);
        loadProblems.AddRange(durationProblems);
        if (durations.Count > 0) configuration = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(durations).Build();
        var config = new LoadedConfig(root, configuration, databaseOverride, kinds);
        config.Problems.AddRange(loadProblems);
        config.Warnings.AddRange(unknownSections);
        // The parts are independent: read side by side (every command pays for this at start, and the template's parser
        // alone takes as long as the rest), their problems and warnings then listed in the parts' order. They start while
        // the settings are bound on this thread (a service container of their own, ~25 ms): only sources.json waits for
        // them, for the draft's sections; the tags and models, the longest part, do not.
        var parts = folderMissing ? [] : ConfigParts.All.Where(p => skip?.Contains(p.ValueType) != true).ToList();
        var loaded = new (string Fingerprint, ConfigReader Reader, object? Value)[parts.Count];
        var draft = new TaskCompletionSource<DraftOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(() => Parallel.For(0, parts.Count, i =>
        {
            var reader = new ConfigReader(root, draft.Task, kinds);
            loaded[i] = (parts[i].Fingerprint(root), reader, parts[i].Load(reader));
        }));
        try
        {
            config.BindSettings();
        }
        finally
        {
            draft.TrySetResult(config.Draft);
        }
        reading.GetAwaiter().GetResult();
        if (!folderMissing)
        {
            var values = ImmutableDictionary<Type, object>.Empty;
            for (var i = 0; i < parts.Count; i++)
            {
                config._fingerprints[parts[i].ValueType] = loaded[i].Fingerprint;
                config.KeepFileFingerprints(parts[i]);
                if (loaded[i].Value is { } value) values = values.SetItem(parts[i].ValueType, value);
                config.Problems.AddRange(loaded[i].Reader.Problems);
                config.Warnings.AddRange(loaded[i].Reader.Warnings);
            }
            config._current = new ConfigSnapshot(values);
            config.LoadSummaryPrompt();
            foreach (var file in config.ReadAtStartFiles)
            {
                var fingerprint = ConfigPart.FingerprintOf(root, [file]);
                config._readAtStart[file] = (fingerprint, fingerprint);
            }
        }
        return config;
    }

    /// <summary>The report's database as configured: <c>Storage:Provider</c> with its connection string, or the SQLite file (<c>--db</c>, <c>Report:Database</c>).</summary>
    public ReportDatabase OpenDatabase() => ReportDatabase.Create(Storage, Report.Database);

    /// <summary>Path of a file in the config folder.</summary>
    public string PathOf(string relative) => Path.Combine(Directory, relative);

    /// <summary>A Quartz cron problem in the config's own words, or null when <paramref name="expression"/> is valid.</summary>
    public static string? CronProblem(string expression) => CronText.Problem(expression);

    /// <summary>
    /// The files whose edits the reloads since have refused (problems, or a part that threw), in the parts' order: the daemon
    /// runs their last good content until they are fixed or put back (<c>/metrics</c>' <c>eair_config_rejected_files</c>).
    /// </summary>
    public IReadOnlyList<string> RejectedFiles => _rejectedFiles;

    /// <summary>
    /// Reads again every reloadable file whose content changed. A part whose files have problems keeps its running value
    /// (the problems are returned); the others are swapped in, all at once, as a new <see cref="Current"/>.
    /// </summary>
    /// <remarks>Callers serialize reloads (the daemon's config watcher runs one at a time).</remarks>
    public ReloadResult Reload()
    {
        var previous = Current;
        var next = previous;
        var changed = new List<Type>();
        var changedFiles = new List<string>();
        var problems = new List<string>();
        var warnings = new List<string>();
        var restored = new List<Type>();
        var restoredFiles = new List<string>();
        var failures = new List<ReloadFailure>();
        foreach (var part in ConfigParts.All)
        {
            var fingerprint = part.Fingerprint(Directory);
            if (_fingerprints.GetValueOrDefault(part.ValueType) == fingerprint)
            {
                if (_rejected.Remove(part.ValueType, out var edited))
                {
                    restored.Add(part.ValueType);
                    restoredFiles.AddRange(part.Files.Where(edited.Contains));
                }
                continue;
            }
            var reader = ReloadReader();
            object? value;
            try
            {
                value = part.Load(reader);
            }
            catch (Exception ex)
            {
                // A part that throws (a fault, not a problem of its files) keeps its running value, as one with problems
                // does, and the other parts are reloaded all the same: one failing file never holds back the others.
                failures.Add(new ReloadFailure(part.ValueType, ex));
                Reject(part);
                continue;
            }
            if (reader.Problems.Count > 0 || value is null)
            {
                problems.AddRange(reader.Problems);
                Reject(part);
                continue;   // the fingerprint stays old, so the next change event tries the part again
            }
            _rejected.Remove(part.ValueType);
            _fingerprints[part.ValueType] = fingerprint;
            changedFiles.AddRange(KeepFileFingerprints(part));
            warnings.AddRange(reader.Warnings);
            next = next.With(part.ValueType, value);
            changed.Add(part.ValueType);
        }
        if (changed.Count > 0) Volatile.Write(ref _current, next);
        _rejectedFiles = [.. ConfigParts.All.SelectMany(p => _rejected.TryGetValue(p.ValueType, out var edited) ? p.Files.Where(edited.Contains) : [])];
        var readAtStart = ChangedSinceStart();
        return new ReloadResult(previous, next, changed, problems, warnings, restored, readAtStart, failures)
        {
            ChangedFiles = changedFiles,
            RestoredFiles = restoredFiles,
            ReadAtStartProblems = readAtStart.Count > 0 ? ReadAtStartProblems() : [],
        };
    }

    private static readonly IReadOnlySet<Type> ReloadableParts = ConfigParts.All.Select(p => p.ValueType).ToHashSet();

    // The settings and the summary prompt as a start would read them now, checked as validate and `run` check them (the
    // reloadable files are not read: a reload has said their problems). The 4120 warning names what a restart would meet.
    private List<string> ReadAtStartProblems() => Load(Directory, DatabaseOverride, _kinds, skip: ReloadableParts).Problems;

    private void Reject(ConfigPart part)
    {
        if (!_rejected.TryGetValue(part.ValueType, out var edited)) _rejected[part.ValueType] = edited = new(StringComparer.Ordinal);
        edited.UnionWith(ChangedFiles(part, FileFingerprints(part)));
    }

    // Records the fingerprints of the part's files as now read (each file read once); returns those that are not what they were.
    private List<string> KeepFileFingerprints(ConfigPart part)
    {
        var now = FileFingerprints(part);
        var changed = ChangedFiles(part, now);
        foreach (var (file, fingerprint) in now) _fileFingerprints[file] = fingerprint;
        return changed;
    }

    private (string File, string Fingerprint)[] FileFingerprints(ConfigPart part) =>
        [.. part.Files.Select(file => (file, ConfigPart.FingerprintOf(Directory, [file])))];

    // The part's files whose fingerprint now is not the one its running value read (all of them when none is: a file saved
    // again between the part's fingerprint and these, which the next reload sees).
    private List<string> ChangedFiles(ConfigPart part, (string File, string Fingerprint)[] now)
    {
        var changed = now.Where(f => _fileFingerprints.GetValueOrDefault(f.File) != f.Fingerprint).Select(f => f.File).ToList();
        return changed.Count > 0 ? changed : [.. part.Files];
    }

    private IReadOnlyList<string> ReadAtStartFiles => Summaries.Enabled ? [AppSettingsFile, Summaries.Prompt] : [AppSettingsFile];

    // Each change of a file read only at start, once: an edit put back as the daemon read it is no longer pending.
    private List<string> ChangedSinceStart()
    {
        var pending = new List<string>();
        foreach (var (file, (atStart, seen)) in _readAtStart.ToList())
        {
            var now = ConfigPart.FingerprintOf(Directory, [file]);
            if (now == seen) continue;
            _readAtStart[file] = (atStart, now);
            if (now != atStart) pending.Add(file);
        }
        return pending;
    }

    private ConfigReader ReloadReader() => new(Directory, Task.FromResult(Draft), _kinds, reloading: true);

    // The same options registration the host uses (BindConfiguration + validators), read once here so that one-shot
    // commands and `validate` report every problem before anything runs.
    private void BindSettings()
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(Configuration).AddReportSettings(DatabaseOverride);
        using var provider = services.BuildServiceProvider();
        Report = Read<ReportOptions>(provider, "Report") ?? Report;
        Fetching = Read<FetchingOptions>(provider, "Fetching") ?? Fetching;
        Draft = Read<DraftOptions>(provider, "Draft") ?? Draft;
        Dedup = Read<DedupOptions>(provider, "Dedup") ?? Dedup;
        Storage = Read<StorageOptions>(provider, "Storage") ?? Storage;
        Summaries = Read<SummariesOptions>(provider, "Summaries") ?? Summaries;
        if (Summaries.TimeoutProblem(Fetching.TotalTimeout) is { } timeout) Problems.Add(SettingOrigin.Locate(Configuration, timeout, AppSettingsFile));
        if (Configuration["Logging:Format"] is { } format && format is not ("simple" or "json"))
            Problems.Add(SettingOrigin.Locate(Configuration, $"Logging:Format: must be 'simple' or 'json', got '{format}'", AppSettingsFile));
    }

    private void LoadSummaryPrompt()
    {
        if (!Summaries.Enabled) return;
        var path = PathOf(Summaries.Prompt);
        if (!File.Exists(path))
        {
            Problems.Add($"{ConfigReader.Absent(Summaries.Prompt, Directory)} (Summaries:Prompt)");
            return;
        }
        try
        {
            var prompt = new SummaryPrompt(File.ReadAllText(path, System.Text.Encoding.UTF8), Summaries.Prompt);
            if (prompt.UnknownMembers.Count > 0) Problems.AddRange(Worker.Configuration.TemplateProblems.Of(Summaries.Prompt, prompt.UnknownMembers));
            else if (prompt.SampleProblem(Summaries.MaxInputChars) is { } failure) Problems.Add(failure);
            else SummaryPrompt = prompt;
        }
        catch (Exception ex) when (ex is DraftTemplateException or IOException or UnauthorizedAccessException)
        {
            Problems.Add(ex is DraftTemplateException ? ex.Message : $"{Summaries.Prompt}: cannot be read: {ex.Message}");
        }
    }

    private T? Read<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(IServiceProvider provider, string section) where T : class
    {
        try
        {
            return provider.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            Problems.AddRange(ex.Failures.Select(f => SettingOrigin.Locate(Configuration, f, AppSettingsFile)));
        }
        catch (InvalidOperationException ex)
        {
            var settings = ReportSettings.Sections.Single(s => s.Name == section);
            Problems.AddRange(BinderProblems.Describe(ex, settings, Configuration).Select(p => SettingOrigin.Locate(Configuration, p, AppSettingsFile)));
        }
        return null;
    }
}
