using System.Threading.Channels;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>
/// The daemon's rescoring of stored entries when what scores them changes: a reloaded tags.json, router.json or ranker.json
/// (every source's entries) or a source's <c>weight</c> in sources.json (that source's), and once at start (the files may
/// have changed while the daemon was down). Only the entries no published issue's window holds yet are scored again: what
/// the next draft, <c>entries</c> and the review page show, never the whole history on every reload.
/// </summary>
/// <remarks>
/// Runs in the background, one pass at a time, in the short write transactions of <see cref="LabelStore.RescoreAsync"/>
/// (polls store between them); requests that arrive during a pass are done together by the next one, with the files as
/// they are then. A pass that fails (the database) is logged, and the next reload or <c>rescore</c> does it.
/// </remarks>
internal sealed partial class ReloadRescoring(StoredRescoring rescoring, ILogger<ReloadRescoring> logger) : BackgroundService
{
    private static readonly string[] TaggingFiles = [LoadedConfig.TagsFile, LoadedConfig.RouterFile, LoadedConfig.RankerFile];

    private const string AtStart = "the daemon started (the files may have changed while it was down)";

    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private Task _settled = Task.CompletedTask;

    // Why entries are scored again, and whose (null: every source's); Done ends with the pass that did it.
    private sealed record Request(string Reason, IReadOnlySet<string>? Sources, TaskCompletionSource Done);

    /// <summary>Ends when every rescoring asked for so far (at start, after reloads) has ended.</summary>
    public Task Settled => Volatile.Read(ref _settled);

    /// <summary>
    /// Asks for the rescoring a reload calls for, if any; the task ends when its pass has ended (logged, whether it rescored
    /// or failed), or at once when the reload changed nothing that scores entries.
    /// </summary>
    public Task AfterReload(ReloadResult reload)
    {
        var reasons = new List<string>();
        HashSet<string>? sources = [];
        if (reload.Changed.Contains(typeof(TaggingModel)))
        {
            // The router places new entries in sections; the rescoring keeps stored entries' sections, so a router alone changes nothing it makes.
            if (reload.Previous.TryGet<TaggingModel>()?.ScoringFingerprint is { } before && before == reload.Current.TryGet<TaggingModel>()?.ScoringFingerprint)
            {
                RouterOnly();
            }
            else
            {
                reasons.Add($"{string.Join(" + ", reload.ChangedFiles.Where(TaggingFiles.Contains).DefaultIfEmpty(LoadedConfig.TagsFile))} changed");
                sources = null;
            }
        }
        if (reload.SourcesChanged && Reweighted(reload.Previous.Sources, reload.Current.Sources) is { Count: > 0 } reweighted)
        {
            reasons.Add($"{LoadedConfig.SourcesFile} changed the weight of {string.Join(", ", reweighted.Select(id => $"'{id}'"))}");
            sources?.UnionWith(reweighted);
        }
        return reasons.Count == 0 ? Task.CompletedTask : Enqueue(string.Join("; ", reasons), sources);
    }

    // The sources whose weight, the one setting of a source its entries' scores read, is not what it was; a source added or
    // removed counts with weight 0, as a stored entry of a source sources.json does not have is scored.
    private static List<string> Reweighted(IReadOnlyList<SourceDefinition> before, IReadOnlyList<SourceDefinition> after)
    {
        var old = before.ToDictionary(s => s.Id, s => s.Weight, StringComparer.Ordinal);
        var now = after.ToDictionary(s => s.Id, s => s.Weight, StringComparer.Ordinal);
        return old.Keys.Union(now.Keys, StringComparer.Ordinal)
            .Where(id => old.GetValueOrDefault(id) != now.GetValueOrDefault(id))
            .Order(StringComparer.Ordinal).ToList();
    }

    private Task Enqueue(string reason, IReadOnlySet<string>? sources)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_requests.Writer.TryWrite(new Request(reason, sources, done))) done.SetResult();
        Volatile.Write(ref _settled, done.Task);   // passes run in the order asked for
        return done.Task;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Asked for here, not in ExecuteAsync, which the host starts on another thread: a reload right after start comes after it.
        _ = Enqueue(AtStart, null);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new List<Request>();
        try
        {
            while (await _requests.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_requests.Reader.TryRead(out var request)) pending.Add(request);
                await PassAsync(pending, stoppingToken);
                foreach (var request in pending) request.Done.TrySetResult();
                pending.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var request in pending) request.Done.TrySetCanceled(stoppingToken);
            _requests.Writer.TryComplete();
            while (_requests.Reader.TryRead(out var request)) request.Done.TrySetCanceled(stoppingToken);
        }
    }

    private async Task PassAsync(IReadOnlyList<Request> requests, CancellationToken cancellationToken)
    {
        var reason = string.Join("; ", requests.Select(r => r.Reason).Distinct(StringComparer.Ordinal));
        IReadOnlySet<string>? sources = requests.Any(r => r.Sources is null)
            ? null
            : requests.SelectMany(r => r.Sources!).ToHashSet(StringComparer.Ordinal);
        try
        {
            var (scope, first) = await rescoring.UnpublishedAsync(sources?.Order(StringComparer.Ordinal).ToList(), cancellationToken);
            var rescored = await rescoring.RescoreAsync(scope, cancellationToken);
            // At start, only a change is news: the files are usually as the daemon last scored with them.
            if (reason == AtStart && rescored.Scores == 0 && rescored.Tags == 0) return;
            var which = sources is null ? "" : $" of {string.Join(", ", sources.Order(StringComparer.Ordinal).Select(id => $"'{id}'"))}";
            var window = first is { } day ? $"dated from {day:yyyy-MM-dd} on (after the last recorded issue)" : "(no issue recorded yet: every one)";
            Rescored(rescored.Entries, which, window, reason, rescored.Scores, rescored.Tags);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RescoreFailed(ex, reason);
        }
    }

    [LoggerMessage(EventId = 4803, Level = LogLevel.Information,
        Message = "Rescored {Entries} stored entries{Sources} {Window} because {Reason}: {Scores} changed score, {Tags} changed tags")]
    private partial void Rescored(int entries, string sources, string window, string reason, int scores, int tags);

    [LoggerMessage(EventId = 4805, Level = LogLevel.Information,
        Message = "Only router.json changed: it places new entries in sections and scores or tags none, so no stored entry is rescored (stored entries keep their sections; the move command changes one)")]
    private partial void RouterOnly();

    [LoggerMessage(EventId = 4804, Level = LogLevel.Warning,
        Message = "Rescoring the stored entries failed ({Reason}): they keep their scores until the next change or the rescore command")]
    private partial void RescoreFailed(Exception exception, string reason);
}
