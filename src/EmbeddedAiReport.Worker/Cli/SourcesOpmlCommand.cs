using System.CommandLine;
using System.Text;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Arxiv;
using EmbeddedAiReport.Sources.Feeds;
using EmbeddedAiReport.Sources.GitHub;
using EmbeddedAiReport.Sources.Opml;
using EmbeddedAiReport.Sources.WeChat;
using EmbeddedAiReport.Tagging;
using EmbeddedAiReport.Worker.Jobs;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>sources import-opml FILE</c> and <c>sources export-opml</c>: a feed reader's or a WeChat mirror's subscription list in and out of sources.json.</summary>
/// <remarks>
/// Import adds the new objects to sources.json as text (<see cref="SourcesJsonText"/>), checked first as <c>validate</c>
/// checks them, and replaces the file atomically (temporary file + rename): the running daemon's reload reads either the
/// old file or the new one, never half of it. Nothing is written when any outline has a problem.
/// </remarks>
internal static class SourcesOpmlCommand
{
    private static readonly string[] Kinds =
        [ArxivRssSource.KindName, ArxivListingSource.KindName, ArxivApiSource.KindName, GitHubReleasesSource.KindName, WeChatMirrorSource.KindName, FeedSource.KindName];

    // Neither command reads the tags, the models or the draft template: not read, so neither checked nor waited for.
    private static readonly IReadOnlySet<Type> Unused = new HashSet<Type> { typeof(TaggingModel), typeof(DraftRenderer) };

    /// <summary>The arguments of <c>sources import-opml</c>.</summary>
    public sealed record ImportArguments(string File, string? Kind, string? Schedule, string? Section, bool DryRun);

    /// <summary>Adds <c>import-opml</c> and <c>export-opml</c> to <paramref name="sources"/>.</summary>
    public static void AddTo(Command sources, Func<ParseResult, CliContext> context)
    {
        var file = new Argument<string>("FILE") { Description = "OPML file (OPML 1.0 or 2.0: a feed reader's export, wewe-rss's, Inoreader's, Feedly's …)" };
        var kind = new Option<string?>("--kind") { Description = "Make every outline a source of this kind (default: recognised from each address, else feed)" };
        kind.OneOf(Kinds, token => SourceCatalog.KindMeant(token, Kinds));
        var schedule = new Option<string?>("--schedule") { Description = "The schedule of every added source (Quartz cron in Draft:TimeZone or an interval; default: 1h)" };
        var section = new Option<string?>("--section") { Description = "The section hint of every added source (slug or name)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be added and skipped; write nothing" };
        var import = new Command("import-opml", "Add one source per feed of an OPML file to sources.json; feeds already there are skipped.") { file, kind, schedule, section, dryRun };
        import.SetAction((p, ct) => ImportAsync(context(p), new ImportArguments(p.GetValue(file)!, p.GetValue(kind), p.GetValue(schedule), p.GetValue(section), p.GetValue(dryRun)), ct));

        var output = new Option<string?>("--out") { Description = "Write to this file (atomically) instead of stdout" };
        var export = new Command("export-opml", "Write every source of sources.json as an OPML 2.0 subscription list.") { output };
        export.SetAction((p, ct) => ExportAsync(context(p), p.GetValue(output), ct));

        sources.Subcommands.Add(import);
        sources.Subcommands.Add(export);
    }

    public static async Task<int> ImportAsync(CliContext context, ImportArguments arguments, CancellationToken cancellationToken)
    {
        if (ReadInput(context, arguments.File) is not { } opml) return ExitCodes.UsageOrConfig;
        var parsed = OpmlParser.Parse(opml);
        if (parsed.Error is { } error)
        {
            context.Error.WriteLine($"{arguments.File}: {error}; nothing was added");
            return ExitCodes.UsageOrConfig;
        }
        if (context.LoadValidConfig(skip: Unused) is not { } config) return ExitCodes.UsageOrConfig;
        var catalog = new SourceCatalog(WorkerHost.SourceKinds());
        var sectionSlugs = config.Draft.SectionSlugs();
        (IReadOnlyList<SourceDefinition> Sources, IReadOnlyList<string> Problems) Check(string objects) =>
            catalog.Parse($"{{\"sources\": [{objects}]}}", LoadedConfig.SourcesFile, sectionSlugs, LoadedConfig.CronProblem);

        if (OptionProblems(config, Check, Fields(arguments.Schedule, arguments.Section), arguments) is { Count: > 0 } optionProblems)
        {
            foreach (var problem in optionProblems) context.Error.WriteLine(problem);
            return ExitCodes.UsageOrConfig;
        }

        var path = SourcesPath(config);
        var original = await File.ReadAllBytesAsync(path, cancellationToken);
        var feeds = new Dictionary<string, string>(StringComparer.Ordinal);   // feed key → the source or outline that has it
        foreach (var source in config.Sources)
            foreach (var request in catalog.Kinds[source.Kind].Requests(source))
                feeds.TryAdd(OpmlSource.FeedKey(request.Uri), $"already in {LoadedConfig.SourcesFile} as '{source.Id}'");
        var ids = config.Sources.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);

        var added = new List<string>();
        var lines = new List<string>();
        var problems = new List<string>();
        var skipped = 0;
        foreach (var outline in parsed.Outlines)
        {
            if (Normalizing.CanonicalUrl.TryParse(outline.XmlUrl) is not { } uri)
            {
                lines.Add($"skipped {outline.Describe()}: not an http(s) address");
                skipped++;
                continue;
            }
            var source = OpmlSource.For(outline, uri, arguments.Kind);
            var titleId = OpmlSource.Slug(outline.Title);
            var id = Unique(titleId ?? source.UrlId, ids);
            // The option's schedule and section, else the outline's own (export-opml writes a source's there), and disabled if it was.
            var fields = Fields(arguments.Schedule ?? outline.Schedule, arguments.Section ?? outline.Section);
            if (outline.Disabled) fields.Add(new("enabled", "false"));
            // keep, days, limit and weight, which export-opml writes: checked with the rest, a bad one named with its outline.
            fields.AddRange((outline.Settings ?? []).Select(s => OpmlSource.Setting(s.Key, s.Value)));
            if (titleId is null && outline.Title.Length > 0 && !source.NamesTitle) fields.Add(OpmlSource.Field("comment", outline.Title));
            var json = source.ToJson(id, fields);
            var (made, sourceProblems) = Check(json);
            if (sourceProblems.Count > 0)
            {
                problems.AddRange(sourceProblems.Select(p => $"{outline.Describe()}: {p}"));
                continue;
            }
            var keys = catalog.Kinds[source.Kind].Requests(made[0]).Select(r => OpmlSource.FeedKey(r.Uri)).Prepend(OpmlSource.FeedKey(uri)).Distinct().ToList();
            if (keys.Select(k => feeds.GetValueOrDefault(k)).FirstOrDefault(k => k is not null) is { } already)
            {
                lines.Add($"skipped {outline.Describe()}: {already}");
                skipped++;
                continue;
            }
            foreach (var key in keys) feeds[key] = $"the same feed as line {outline.Line}";
            ids.Add(id);
            added.Add(json);
            lines.Add($"{(arguments.DryRun ? "would add" : "added")} {source.Kind} '{id}'{(outline.Disabled ? " (disabled)" : "")}: {outline.Describe()}");
        }
        if (problems.Count > 0)
        {
            foreach (var problem in problems) context.Error.WriteLine(problem);
            context.Error.WriteLine($"{Counted.Of(problems.Count, "problem", "problems")}; nothing was added to {path}");
            return ExitCodes.UsageOrConfig;
        }
        if (parsed.BareAmpersandLines is { Count: > 0 } bare)
        {
            var on = bare.Distinct().ToList();
            context.Out.WriteLine($"{arguments.File}: not well-formed XML as written: {Counted.Of(bare.Count, "bare '&'", "bare '&'s")} on {(on.Count == 1 ? "line" : "lines")} "
                + $"{string.Join(", ", on)} read as '&amp;' (wewe-rss writes account names unescaped)");
        }
        foreach (var line in lines) context.Out.WriteLine(line);
        var total = $"{Counted.Of(added.Count, "source", "sources")} {(arguments.DryRun ? "would be added" : "added")}, {skipped} skipped";
        if (added.Count == 0)
        {
            context.Out.WriteLine($"{total}; {path} not changed");
            return ExitCodes.Ok;
        }

        var (text, editProblem) = SourcesJsonText.Append(original, added);
        if (text is null)
        {
            context.Error.WriteLine($"{path}: cannot be edited safely: {editProblem}; nothing was added (add the sources by hand)");
            return ExitCodes.UsageOrConfig;
        }
        // The file as it will be, checked as validate and the daemon check it: one object that does not parse as it did
        // alone (an id taken twice) leaves the file as it is.
        var whole = catalog.Parse(Encoding.UTF8.GetString(text), LoadedConfig.SourcesFile, sectionSlugs, LoadedConfig.CronProblem).Problems;
        if (whole.Count > 0)
        {
            foreach (var problem in whole) context.Error.WriteLine(problem);
            context.Error.WriteLine($"{Counted.Of(whole.Count, "problem", "problems")}; nothing was added to {path}");
            return ExitCodes.UsageOrConfig;
        }
        if (arguments.DryRun)
        {
            context.Out.WriteLine($"{total} (dry run: {path} not changed)");
            return ExitCodes.Ok;
        }
        // Edited by hand meanwhile: the edit would be lost under the rename.
        if (!(await File.ReadAllBytesAsync(path, cancellationToken)).AsSpan().SequenceEqual(original))
        {
            context.Error.WriteLine($"{path}: changed while the sources were being added; nothing was added (run the command again)");
            return ExitCodes.UsageOrConfig;
        }
        try
        {
            await DraftFiles.WriteAtomicallyAsync(path, text, OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path), cancellationToken);
        }
        catch (OutputFileException ex)
        {
            context.Error.WriteLine($"{ex.Message}; nothing was added");
            return ExitCodes.UsageOrConfig;
        }
        context.Out.WriteLine($"{total}: {path}");
        return ExitCodes.Ok;
    }

    public static async Task<int> ExportAsync(CliContext context, string? output, CancellationToken cancellationToken)
    {
        if (context.RefusedOut(output, FileArgument.OutputProblem)) return ExitCodes.UsageOrConfig;
        if (context.LoadValidConfig(skip: Unused) is not { } config) return ExitCodes.UsageOrConfig;
        if (context.RefusedOut(output, path => FileArgument.ReplacesDatabase(path, config))) return ExitCodes.UsageOrConfig;
        var kinds = new SourceCatalog(WorkerHost.SourceKinds()).Kinds;
        var text = OpmlWriter.Write(config.Sources, kinds, $"EmbeddedAiReport sources ({SourcesPath(config)})");
        if (output is null)
        {
            await context.Out.WriteAsync(text);
            return ExitCodes.Ok;
        }
        try
        {
            await DraftFiles.WriteAtomicallyAsync(output, text, cancellationToken);
        }
        catch (OutputFileException ex)
        {
            context.Error.WriteLine($"--out {output}: {ex.Reason}");
            return ExitCodes.UsageOrConfig;
        }
        context.Error.WriteLine($"wrote {Path.GetFullPath(output)} ({Counted.Of(config.Sources.Count, "source", "sources")})");
        return ExitCodes.Ok;
    }

    // The file sources.json is: when it is a link (to a file kept elsewhere), the file it points to, which the rename
    // replaces; replacing the link itself would cut it.
    private static string SourcesPath(LoadedConfig config)
    {
        var path = config.PathOf(LoadedConfig.SourcesFile);
        return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
    }

    private static byte[]? ReadInput(CliContext context, string file)
    {
        try
        {
            if (Directory.Exists(file))
            {
                context.Error.WriteLine($"{file}: is a directory, not an OPML file");
                return null;
            }
            return File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"{file}: cannot be read: {ex.Message}");
            return null;
        }
    }

    // A bad --schedule or --section is the option's problem, said once, not once per outline: checked on a source of its own.
    private static List<string> OptionProblems(LoadedConfig config, Func<string, (IReadOnlyList<SourceDefinition>, IReadOnlyList<string> Problems)> check,
        IReadOnlyList<KeyValuePair<string, string>> extra, ImportArguments arguments)
    {
        var probe = new OpmlSource(FeedSource.KindName, [OpmlSource.Field("url", "https://example.org/feed")], "probe").ToJson("probe", extra);
        var problems = check(probe).Problems.Select(p => p.Replace($"{LoadedConfig.SourcesFile}: source 'probe': ", "--", StringComparison.Ordinal)).ToList();
        if (problems.Count == 0 && arguments.Schedule is { } schedule && Schedules.NeverFires(schedule, TimeProvider.System.GetUtcNow(), config.Draft.Zone()))
            problems.Add($"--schedule: '{schedule}' has no time left to fire (its year has passed)");
        return problems;
    }

    // The schedule and section fields of an added source, those given.
    private static List<KeyValuePair<string, string>> Fields(string? schedule, string? section)
    {
        var fields = new List<KeyValuePair<string, string>>();
        if (schedule is not null) fields.Add(OpmlSource.Field("schedule", schedule));
        if (section is not null) fields.Add(OpmlSource.Field("section", section));
        return fields;
    }

    private static string Unique(string id, HashSet<string> taken)
    {
        if (!taken.Contains(id)) return id;
        for (var n = 2; ; n++)
            if (!taken.Contains($"{id}-{n}")) return $"{id}-{n}";
    }
}
