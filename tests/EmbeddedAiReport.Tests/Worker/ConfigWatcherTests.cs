using System.Reflection;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Tagging;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using EmbeddedAiReport.Worker.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// The daemon's config watcher on its own (README, "Configuration": a changed file is reloaded without a restart): a reload
/// that fails is logged and the watcher goes on; a change the file system watcher lost still leads to a reload; an edit of
/// appsettings.json, read only at start, says that it waits for a restart.
/// </summary>
public sealed class ConfigWatcherTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);   // the watcher lets a change settle half a second of the fake clock
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;
    private readonly List<ConfigWatcher> _started = [];

    public ConfigWatcherTests() => _loggers = LoggerFactory.Create(logging => logging.AddProvider(_logs));

    public void Dispose()
    {
        foreach (var watcher in _started) watcher.Dispose();
        _loggers.Dispose();
        _directory.Dispose();
    }

    // The scheduler is reached only when a reloaded sources.json changes the sources, which no test here does.
    private ConfigWatcher Watcher(LoadedConfig config) => new(config, null!, null, _clock, _loggers.CreateLogger<ConfigWatcher>());

    // A config folder without sources (after prepare: summaries turned on), loaded as the daemon loads it, and its watcher
    // started (disposed with the test).
    private async Task<(string Config, LoadedConfig Loaded, ConfigWatcher Watcher)> WatchingAsync(Action<string>? prepare = null)
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        prepare?.Invoke(config);
        var loaded = WorkerHost.LoadConfig(config, null);
        var watcher = Watcher(loaded);
        _started.Add(watcher);
        await watcher.StartAsync(CancellationToken.None);
        return (config, loaded, watcher);
    }

    // A config folder without sources, loaded as the daemon loads it, and its watcher not started (disposed with the test):
    // the test asks for its reloads, or starts it.
    private (string Config, LoadedConfig Loaded, ConfigWatcher Watcher) NotWatching()
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var loaded = WorkerHost.LoadConfig(config, null);
        var watcher = Watcher(loaded);
        _started.Add(watcher);
        return (config, loaded, watcher);
    }

    // The shipped template saved with a typo beside the running watcher, logged as a problem (4103); returns the shipped text.
    private async Task<string> SaveATemplateTypoAsync(string config)
    {
        var template = Path.Combine(config, LoadedConfig.TemplateFile);
        var shipped = await File.ReadAllTextAsync(template);
        await File.WriteAllTextAsync(template, shipped.Replace("item.title", "item.titel"));
        await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4103), Step);
        return shipped;
    }

    // The source kinds LoadedConfig is made with (WorkerHost builds them beside the settings) fail here once sources.json is
    // read again on a reload: reading that part throws, a fault rather than a problem of the file.
    private LoadedConfig ConfigWhoseSourcesThrowOnReload(string config)
    {
        var kinds = new TaskCompletionSource<IReadOnlyList<ISourceKind>>();
        var loaded = LoadedConfig.Load(config, null, kinds.Task, skip: new HashSet<Type> { typeof(IReadOnlyList<SourceDefinition>) });
        kinds.SetException(new InvalidOperationException("no source kinds"));
        return loaded;
    }

    [Fact]
    public async Task AReloadThatThrows_IsLoggedWithItsException_TheWatcherGoesOnAndTheDaemonRuns()
    {
        // An exception out of ExecuteAsync stops the host (BackgroundService: StopHost).
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var loaded = ConfigWhoseSourcesThrowOnReload(config);
        var running = loaded.Current;
        using var watcher = Watcher(loaded);
        await watcher.StartAsync(CancellationToken.None);

        await File.AppendAllTextAsync(Path.Combine(config, LoadedConfig.SourcesFile), "\n");
        var said = await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4122), Step);
        await File.AppendAllTextAsync(Path.Combine(config, LoadedConfig.SourcesFile), "\n");
        await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4122, skip: 1), Step);

        Assert.Equal("Reloading sources.json failed; its running configuration stays until the next change or restart", said);
        Assert.False(watcher.ExecuteTask!.IsCompleted);
        Assert.Same(running, loaded.Current);
        Assert.Contains(_logs.Exceptions, e => e.EventId == 4122 && e.Exception.Message == "no source kinds");
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ModelsRetrained_TheReloadNamesTheFilesWritten_NotTagsJsonBesideThem()
    {
        // publish's retraining (Report:RetrainOnPublish) writes router.json and ranker.json; tags.json, read by the same part
        // of the config, did not change, and an operator reading "Reloaded tags.json …" looked for an edit nobody made.
        var (config, _, watcher) = NotWatching();

        await File.AppendAllTextAsync(Path.Combine(config, LoadedConfig.RouterFile), "\n");
        await File.AppendAllTextAsync(Path.Combine(config, LoadedConfig.RankerFile), "\n");
        var retrained = await watcher.ReloadAsync(CancellationToken.None);
        await File.AppendAllTextAsync(Path.Combine(config, LoadedConfig.TagsFile), "\n");
        await watcher.ReloadAsync(CancellationToken.None);

        Assert.Equal([typeof(TaggingModel)], retrained.Changed);
        Assert.Equal(["Reloaded router.json, ranker.json", "Reloaded tags.json"], _logs.Lines.Where(l => l.EventId == 4111).Select(l => l.Message));
    }

    [Fact]
    public async Task ATagsJsonTypoPutBack_IsSaidBackByItsOwnName()
    {
        // The taxonomy and the two models are one part of the config; the operator edited tags.json alone, and the line saying
        // their edit is undone named router.json and ranker.json too, which nobody touched.
        var (config, _, watcher) = NotWatching();
        var tags = Path.Combine(config, LoadedConfig.TagsFile);
        var shipped = await File.ReadAllTextAsync(tags);

        await File.WriteAllTextAsync(tags, shipped.Replace("\"maxTagScore\": 6", "\"maxTagScore\": -6"));
        var typo = await watcher.ReloadAsync(CancellationToken.None);
        await File.WriteAllTextAsync(tags, shipped);
        await watcher.ReloadAsync(CancellationToken.None);

        Assert.Equal(["tags.json: scoring: maxTagScore: expected a positive number"], typo.Problems);
        Assert.Equal("tags.json is back as the daemon runs it: its problems are gone", Assert.Single(_logs.Lines, l => l.EventId == 4121).Message);
    }

    [Fact]
    public async Task TypoedFilesOfOnePart_AreCountedAsRefusedByName_TillTheyArePutBack()
    {
        // README, "Metrics": eair_config_rejected_files counts the files whose last edit was refused. tags.json, router.json
        // and ranker.json are one part of the config; a typo in tags.json is one refused file (not the part's three), a
        // second one in router.json makes two, and both put back make none.
        var (config, loaded, watcher) = NotWatching();
        var tags = Path.Combine(config, LoadedConfig.TagsFile);
        var router = Path.Combine(config, LoadedConfig.RouterFile);
        var (shippedTags, shippedRouter) = (await File.ReadAllTextAsync(tags), await File.ReadAllTextAsync(router));

        await File.WriteAllTextAsync(tags, shippedTags.Replace("\"maxTagScore\": 6", "\"maxTagScore\": -6"));
        await watcher.ReloadAsync(CancellationToken.None);
        var oneTypo = loaded.RejectedFiles;
        await File.WriteAllTextAsync(router, shippedRouter.Replace("\"minConfidence\":0.4", "\"minConfidence\":4"));
        await watcher.ReloadAsync(CancellationToken.None);
        var twoTypos = loaded.RejectedFiles;
        await File.WriteAllTextAsync(tags, shippedTags);
        await File.WriteAllTextAsync(router, shippedRouter);
        await watcher.ReloadAsync(CancellationToken.None);

        Assert.Equal([LoadedConfig.TagsFile], oneTypo);
        Assert.Equal([LoadedConfig.TagsFile, LoadedConfig.RouterFile], twoTypos);
        Assert.Empty(loaded.RejectedFiles);
        Assert.Equal("tags.json, router.json is back as the daemon runs it: its problems are gone", Assert.Single(_logs.Lines, l => l.EventId == 4121).Message);
    }

    [Fact]
    public async Task ATypoPutBackWhileAnotherFileOfThePartGetsOne_IsNamedWhenThatOneIsPutBackToo()
    {
        // The operator's tags.json typo is refused; they undo it and, in the same save, break router.json (one part of the
        // config, refused again). Once router.json is undone too, the part is back as the daemon runs it: the line names both
        // files whose edits were refused, not only the last.
        var (config, _, watcher) = NotWatching();
        var tags = Path.Combine(config, LoadedConfig.TagsFile);
        var router = Path.Combine(config, LoadedConfig.RouterFile);
        var (shippedTags, shippedRouter) = (await File.ReadAllTextAsync(tags), await File.ReadAllTextAsync(router));

        await File.WriteAllTextAsync(tags, shippedTags.Replace("\"maxTagScore\": 6", "\"maxTagScore\": -6"));
        await watcher.ReloadAsync(CancellationToken.None);
        await File.WriteAllTextAsync(tags, shippedTags);
        await File.WriteAllTextAsync(router, shippedRouter.Replace("\"minConfidence\":0.4", "\"minConfidence\":4"));
        var second = await watcher.ReloadAsync(CancellationToken.None);
        await File.WriteAllTextAsync(router, shippedRouter);
        await watcher.ReloadAsync(CancellationToken.None);

        Assert.Equal(["router.json: minConfidence: expected a number from 0 to 1"], second.Problems);
        Assert.Equal("tags.json, router.json is back as the daemon runs it: its problems are gone", Assert.Single(_logs.Lines, l => l.EventId == 4121).Message);
    }

    [Fact]
    public async Task APartThatThrows_DoesNotHoldBackTheOthers_ChangedInTheSameReload()
    {
        // sources.json and tags.json saved together (a deploy copying the folder): reading the sources throws, the tags
        // are reloaded all the same, as a part with problems would not hold them back either.
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var loaded = ConfigWhoseSourcesThrowOnReload(config);
        var runningTags = loaded.Tagging;
        using var watcher = Watcher(loaded);

        await File.AppendAllTextAsync(Path.Combine(config, LoadedConfig.SourcesFile), "\n");
        await File.AppendAllTextAsync(Path.Combine(config, LoadedConfig.TagsFile), "\n");
        var result = await watcher.ReloadAsync(CancellationToken.None);

        Assert.Equal([typeof(TaggingModel)], result.Changed);
        Assert.NotSame(runningTags, loaded.Tagging);
        Assert.Equal("Reloaded tags.json", Assert.Single(_logs.Lines, l => l.EventId == 4111).Message);
        Assert.Equal("no source kinds", Assert.Single(result.Failures).Exception.Message);
    }

    [Fact]
    public async Task APartThatThrew_PutBackAsItRuns_IsSaidToBeBack()
    {
        // As a part with problems (ABadTemplatePutBackAsItRuns_SaysTheProblemIsGone): once sources.json is again as the daemon
        // runs it, the last line about it is not the failure (4122) of a change that is gone. Here reading a source of the
        // kind "faulty" throws, a fault of the code rather than a problem of the file.
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var loaded = LoadedConfig.Load(config, null, Task.FromResult<IReadOnlyList<ISourceKind>>([new FaultyKind()]));
        Assert.Empty(loaded.Problems);
        using var watcher = Watcher(loaded);
        var sources = Path.Combine(config, LoadedConfig.SourcesFile);
        var running = await File.ReadAllTextAsync(sources);

        await File.WriteAllTextAsync(sources, """{"sources": [{"id": "f", "kind": "faulty"}]}""");
        var failed = await watcher.ReloadAsync(CancellationToken.None);
        await File.WriteAllTextAsync(sources, running);
        var back = await watcher.ReloadAsync(CancellationToken.None);

        Assert.Equal("faulty kind", Assert.Single(failed.Failures).Exception.Message);
        Assert.Equal([typeof(IReadOnlyList<SourceDefinition>)], back.Restored);
        Assert.Equal("sources.json is back as the daemon runs it: its problems are gone", Assert.Single(_logs.Lines, l => l.EventId == 4121).Message);
    }

    // A source kind whose check of a source throws.
    private sealed class FaultyKind : ISourceKind
    {
        public string Kind => "faulty";
        public IReadOnlyCollection<string> Fields => [];
        public string DefaultSection => "news";
        public IEnumerable<string> Validate(SourceDefinition source) => throw new InvalidOperationException("faulty kind");
        public IReadOnlyList<SourceRequest> Requests(SourceDefinition source) => throw new NotSupportedException();
        public ParseOutcome Parse(FetchedDocument document, SourceDefinition source, SourceRequest request) => throw new NotSupportedException();
    }

    [Fact]
    public async Task ChangesTheFileSystemWatcherLost_AreReloaded()
    {
        // FileSystemWatcher raises Error when its buffer overflowed: the changes in it are lost. Here tags.json changes while
        // nothing watches, then the watcher reports a lost buffer, as the runtime raises it (its protected OnError).
        var (config, _, watcher) = NotWatching();
        await File.AppendAllTextAsync(Path.Combine(config, LoadedConfig.TagsFile), "\n");
        await watcher.StartAsync(CancellationToken.None);

        var files = (FileSystemWatcher)typeof(ConfigWatcher).GetField("_watcher", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(watcher)!;
        typeof(FileSystemWatcher).GetMethod("OnError", BindingFlags.NonPublic | BindingFlags.Instance)!
            .Invoke(files, [new ErrorEventArgs(new InternalBufferOverflowException())]);
        var reloaded = await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4111), Step);

        Assert.Equal("Reloaded tags.json", reloaded);
        Assert.Contains(_logs.Lines, l => l.EventId == 4119);
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AnEditOfAppSettings_SaysItTakesEffectOnRestart_OncePerChange()
    {
        // README, "Configuration": appsettings.json takes effect on restart. An operator who edits it beside the running
        // daemon (a schedule in Report:ExportSchedule) is told so, not left to guess why nothing happened.
        var (config, loaded, watcher) = await WatchingAsync();

        TempDirectory.EditSettings(config, json => json["Report"]!["ExportSchedule"] = "0 0 10 ? * MON");
        var said = await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4120), Step);
        await File.AppendAllTextAsync(Path.Combine(config, LoadedConfig.TagsFile), "\n");
        await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4111), Step);

        Assert.Equal("appsettings.json changed: the daemon reads it only at start, so its running settings stay until it is restarted "
            + "(check the file with validate first)", said);
        Assert.Single(_logs.Lines, l => l.EventId == 4120);
        Assert.Equal("0 0 9 ? * MON", loaded.Report.ExportSchedule);
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AnEditOfAppSettingsWithAProblem_SaysWhatARestartWouldStopAt_AndRefusesNothing()
    {
        // The operator's week (round 43): 4120 said "check the file with validate first" whether or not validate would find
        // anything, and the restart was the first to say the file was bad (README: durations are positive). It is said with
        // the edit now, in validate's words; the running settings are what they were either way.
        var (config, loaded, watcher) = await WatchingAsync();
        var running = loaded.Fetching.Timeout;

        TempDirectory.EditSettings(config, json => json["Fetching"]!["Timeout"] = "-5m");
        var said = await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4120), Step);
        var validate = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal("appsettings.json changed: the daemon reads it only at start, so its running settings stay until it is restarted "
            + "(as saved it has 1 problem, which validate reports and a restart would stop at: appsettings.json: Fetching:Timeout: '-5m' is negative; "
            + "a duration must be positive, written as 30s, 5m, 1h, 1d, 1w or hh:mm:ss)", said);
        Assert.Contains("appsettings.json: Fetching:Timeout: '-5m' is negative", validate.Error);
        Assert.Equal(running, loaded.Fetching.Timeout);
        Assert.DoesNotContain(_logs.Lines, l => l.EventId == 4103);
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AnEditOfAppSettingsWithTwoProblems_SaysEachAndNotAReloadedFilesProblem()
    {
        // README, event 4120: an edit validate would refuse names "the problems a restart would stop at": both of two, counted
        // in the plural and set apart as validate lists them. The template's typo beside it was a reload's to say (4103): it is
        // not said again as appsettings.json's.
        var (config, _, watcher) = await WatchingAsync();
        await SaveATemplateTypoAsync(config);

        TempDirectory.EditSettings(config, json =>
        {
            json["Fetching"]!["Timeout"] = "-5m";
            json["Fetching"]!["PollBudget"] = "-1m";
        });
        var said = await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4120), Step);

        const string forms = "a duration must be positive, written as 30s, 5m, 1h, 1d, 1w or hh:mm:ss";
        Assert.Equal("appsettings.json changed: the daemon reads it only at start, so its running settings stay until it is restarted "
            + "(as saved it has 2 problems, which validate reports and a restart would stop at: "
            + $"appsettings.json: Fetching:Timeout: '-5m' is negative; {forms}; appsettings.json: Fetching:PollBudget: '-1m' is negative; {forms})", said);
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ABadTemplatePutBackAsItRuns_SaysTheProblemIsGone()
    {
        // The operator's typo is logged (4103) and the running template stays; undoing it leaves the daemon as it was, which
        // is said too, so the last line about the file is not a problem that is gone.
        var (config, loaded, watcher) = await WatchingAsync();
        var running = loaded.Current;

        var shipped = await SaveATemplateTypoAsync(config);
        await File.WriteAllTextAsync(Path.Combine(config, LoadedConfig.TemplateFile), shipped);
        var said = await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4121), Step);

        Assert.Equal("templates/draft.md.liquid is back as the daemon runs it: its problems are gone", said);
        Assert.Same(running, loaded.Current);
        Assert.DoesNotContain(_logs.Lines, l => l.EventId == 4111);
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AnEditOfTheSummaryPromptPutBack_SaysItWaitsForARestartOnce()
    {
        // README, "Configuration": the summary prompt, as appsettings.json, is read at start; an edit of it says it waits for
        // a restart (4120). Put back as the daemon read it, it is no longer pending: no 4120 for it, nor at a later reload.
        var (config, _, watcher) = await WatchingAsync(TempDirectory.TurnSummariesOn);
        var prompt = Path.Combine(config, "templates", "summary.liquid");
        var shipped = await File.ReadAllTextAsync(prompt);

        await File.WriteAllTextAsync(prompt, shipped + "\n只用一句话。\n");
        var said = await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4120), Step);
        await File.WriteAllTextAsync(prompt, shipped);
        await File.AppendAllTextAsync(Path.Combine(config, LoadedConfig.TagsFile), "\n");
        await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4111), Step);

        Assert.Equal("templates/summary.liquid changed: the daemon reads it only at start, so its running settings stay until it is restarted "
            + "(check the file with validate first)", said);
        Assert.Single(_logs.Lines, l => l.EventId == 4120);
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ABadTemplateFixedOtherwise_IsReloadedAndNotSaidToBeBackLater()
    {
        // A typo is logged (4103); fixed otherwise than the file ran (a line added), the template is reloaded (4111). A later
        // reload of another file does not say the template is back as the daemon runs it (4121): it runs the fixed one.
        var (config, _, watcher) = await WatchingAsync();

        var shipped = await SaveATemplateTypoAsync(config);
        await File.WriteAllTextAsync(Path.Combine(config, LoadedConfig.TemplateFile), shipped + "\n");
        var fixedTemplate = await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4111), Step);
        await File.AppendAllTextAsync(Path.Combine(config, LoadedConfig.TagsFile), "\n");
        var tags = await ClockDriver.RunAsync(_clock, _logs.WaitForAsync(4111, skip: 1), Step);

        Assert.Equal(["Reloaded templates/draft.md.liquid", "Reloaded tags.json"], new[] { fixedTemplate, tags });
        Assert.DoesNotContain(_logs.Lines, l => l.EventId == 4121);
        await watcher.StopAsync(CancellationToken.None);
    }
}
