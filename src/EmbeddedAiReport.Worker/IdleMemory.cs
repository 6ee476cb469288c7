using System.Collections.Concurrent;
using Quartz;

namespace EmbeddedAiReport.Worker;

/// <summary>
/// Gives the memory of a burst of work (the start, a round of polls, a rescoring, an editor's session on the review page)
/// back to the system once the daemon has gone quiet. The garbage collector only runs when the program allocates, so an
/// idle daemon kept what its last burst had committed (~9 MB after the start on peerbench's database; bench/HISTORY.md,
/// round 38) until its next poll, hours later for a weekly source.
/// </summary>
/// <remarks>
/// Every <see cref="Interval"/> the daemon is looked at: when it allocated less than <see cref="QuietBytes"/> since the last
/// look, no job is running and at least <see cref="WorthBytes"/> were allocated since the last time memory was given back,
/// one full, compacting, aggressive collection returns the free space (a few milliseconds on the daemon's heap). Metrics
/// scrapes and health checks between polls allocate a few kilobytes: they neither count as work nor keep the daemon busy.
/// </remarks>
internal sealed partial class IdleMemory(TimeProvider time, RunningJobs jobs, ILogger<IdleMemory> logger) : BackgroundService
{
    /// <summary>How often the daemon is looked at, and how long it must have been quiet.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Allocated since the last look, at most, for the daemon to count as quiet.</summary>
    public const long QuietBytes = 1 << 20;

    /// <summary>Allocated since memory was last given back, at least, for another collection to be worth it.</summary>
    public const long WorthBytes = 8 << 20;

    private long _lastLook;
    private long _lastGiven;

    /// <summary>The bytes allocated so far by the process (tests give their own).</summary>
    internal Func<long> Allocated { get; init; } = () => GC.GetTotalAllocatedBytes();

    /// <summary>Whether a job (a poll, the weekly export, housekeeping) is running (tests give their own).</summary>
    internal Func<bool>? Working { get; init; }

    /// <summary>Gives the free memory back; returns the committed bytes before and after (tests give their own).</summary>
    internal Func<(long Before, long After)> GiveBack { get; init; } = Collect;

    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Here, not in ExecuteAsync, which the host starts on another thread: the first look is an interval after the start.
        _lastLook = Allocated();
        _timer = new PeriodicTimer(Interval, time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer!;
        while (await timer.WaitForNextTickAsync(stoppingToken)) Look();
    }

    /// <summary>One look at the daemon: gives memory back when it is quiet and has something to give; true if it did.</summary>
    internal bool Look()
    {
        var allocated = Allocated();
        var quiet = allocated - _lastLook < QuietBytes;
        _lastLook = allocated;
        if (!quiet || allocated - _lastGiven < WorthBytes) return false;
        if (Working?.Invoke() ?? jobs.Any) return false;
        var (before, after) = GiveBack();
        // What the collection itself allocated is not the next burst's.
        _lastGiven = _lastLook = Allocated();
        GaveBack(before >> 20, after >> 20);
        return true;
    }

    private static (long Before, long After) Collect()
    {
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        ManagedMemory.GiveBack();
        return (before, GC.GetGCMemoryInfo().TotalCommittedBytes);
    }

    [LoggerMessage(EventId = 4128, Level = LogLevel.Debug, Message = "Idle: gave memory back to the system (the collector's committed memory {Before} MB -> {After} MB)")]
    private partial void GaveBack(long before, long after);
}

/// <summary>Which of this process's jobs (polls, the weekly export, housekeeping) are running, as Quartz tells its job listeners.</summary>
/// <remarks>
/// A class of its own, every member public: Quartz checks a listener's shape by its interface map, which the native binary
/// has for such a type (an explicitly implemented listener on <see cref="IdleMemory"/> stopped the native daemon at start).
/// </remarks>
internal sealed class RunningJobs : IJobListener
{
    // The firings that have started and not yet ended, by fire instance.
    private readonly ConcurrentDictionary<string, byte> _running = new();

    /// <summary>Whether a job is running.</summary>
    public bool Any => !_running.IsEmpty;

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        _running.TryAdd(context.FireInstanceId, 0);
        return ValueTask.CompletedTask;
    }

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        _running.TryRemove(context.FireInstanceId, out _);
        return ValueTask.CompletedTask;
    }
}
