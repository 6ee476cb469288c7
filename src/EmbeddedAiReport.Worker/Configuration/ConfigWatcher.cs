using System.Threading.Channels;
using EmbeddedAiReport.Worker.Jobs;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>
/// Watches the config folder and reloads it when a file changes; a changed sources.json reschedules what changed, and a
/// change of what scores entries (tags.json, the models, a source's weight) rescores the entries not yet published.
/// </summary>
/// <remarks>
/// Change events only wake the loop; one reload runs at a time and is awaited to the end (rescheduling included), so a
/// burst of saves costs one reload and nothing runs unobserved. A file with problems is logged and its running value stays;
/// a reload that fails is logged too, and the watcher goes on.
/// </remarks>
internal sealed partial class ConfigWatcher(LoadedConfig config, SourceScheduler scheduler, ReloadRescoring? rescoring, TimeProvider timeProvider,
    ILogger<ConfigWatcher> logger)
    : BackgroundService
{
    // Editors save files in several writes; wait this long after a change event before reading.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private FileSystemWatcher? _watcher;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _watcher = new FileSystemWatcher(config.Directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
        };
        _watcher.Changed += (_, _) => _changes.Writer.TryWrite(true);
        _watcher.Created += (_, _) => _changes.Writer.TryWrite(true);
        _watcher.Renamed += (_, _) => _changes.Writer.TryWrite(true);
        _watcher.Deleted += (_, _) => _changes.Writer.TryWrite(true);
        // The watcher's buffer overflowed (a burst of changes): which files changed is not known, so reload; the fingerprints tell.
        _watcher.Error += (_, e) =>
        {
            ChangesLost(e.GetException());
            _changes.Writer.TryWrite(true);
        };
        _watcher.EnableRaisingEvents = true;
        Watching(config.Directory);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _changes.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(Settle, timeProvider, stoppingToken);
                while (_changes.Reader.TryRead(out _)) { }
                try
                {
                    await ReloadAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // An exception leaving ExecuteAsync would stop the daemon: a reload never does.
                    ReloadFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reloads the config folder now and applies what changed; returns what the reload did.</summary>
    public async Task<ReloadResult> ReloadAsync(CancellationToken cancellationToken)
    {
        var result = config.Reload();
        if (result.Problems.Count > 0) Rejected(result.Problems.Count, string.Join("; ", result.Problems));
        foreach (var failure in result.Failures) PartFailed(failure.Exception, Describe(failure.Part));
        if (result.Changed.Count > 0) Reloaded(string.Join(", ", result.ChangedFiles));
        if (result.Restored.Count > 0) BackAsRunning(string.Join(", ", result.RestoredFiles));
        // Said once at start too (validate, the daemon's log): a reload that changes how entries are scored must say so again.
        if (result.Warnings.Count > 0) ReloadedWithWarnings(result.Warnings.Count, string.Join("; ", result.Warnings));
        if (result.ReadAtStart.Count > 0) ReadOnlyAtStart(string.Join(" and ", result.ReadAtStart), Check(result.ReadAtStartProblems));
        // In the background: the reload (and the next one) does not wait for the stored entries to be scored again.
        _ = rescoring?.AfterReload(result);
        if (result.SourcesChanged)
        {
            try
            {
                await scheduler.ApplyAsync(result, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                RescheduleFailed(ex);
            }
        }
        return result;
    }

    // The edit is not refused (the running settings are what the daemon read at start either way), but a restart would stop
    // at its problems: said now, as validate would say them, not when the operator restarts.
    private static string Check(IReadOnlyList<string> problems) => problems.Count == 0
        ? "check the file with validate first"
        : $"as saved it has {Counted.Of(problems.Count, "problem", "problems")}, which validate reports and a restart would stop at: {string.Join("; ", problems)}";

    private static string Describe(Type type) =>
        ConfigParts.All.FirstOrDefault(p => p.ValueType == type) is { } part ? string.Join(" + ", part.Files) : type.Name;

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "The config folder changed but has {Count} problem(s); the running configuration of those files stays: {Problems}")]
    private partial void Rejected(int count, string problems);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Information, Message = "{Files} is back as the daemon runs it: its problems are gone")]
    private partial void BackAsRunning(string files);

    [LoggerMessage(EventId = 4120, Level = LogLevel.Warning, Message = "{Files} changed: the daemon reads it only at start, so its running settings stay until it is restarted ({Check})")]
    private partial void ReadOnlyAtStart(string files, string check);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information, Message = "Watching {Directory} for configuration changes")]
    private partial void Watching(string directory);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Reloaded {Files}")]
    private partial void Reloaded(string files);

    [LoggerMessage(EventId = 4117, Level = LogLevel.Warning, Message = "The reloaded configuration has {Count} warning(s): {Warnings}")]
    private partial void ReloadedWithWarnings(int count, string warnings);

    [LoggerMessage(EventId = 4118, Level = LogLevel.Error, Message = "Reloading the config folder failed; the running configuration stays until the next change or restart")]
    private partial void ReloadFailed(Exception exception);

    [LoggerMessage(EventId = 4122, Level = LogLevel.Error, Message = "Reloading {Files} failed; its running configuration stays until the next change or restart")]
    private partial void PartFailed(Exception exception, string files);

    [LoggerMessage(EventId = 4119, Level = LogLevel.Warning, Message = "The config folder's watcher lost change events; reloading every file that changed")]
    private partial void ChangesLost(Exception exception);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Error, Message = "Rescheduling after a sources.json change failed; the previous schedules stay until the next change or restart")]
    private partial void RescheduleFailed(Exception exception);
}
