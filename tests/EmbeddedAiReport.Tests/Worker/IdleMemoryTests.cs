using System.Reflection;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// The idle daemon gives the memory of its last burst of work back (README, "Measuring"): once, when it has gone
/// quiet after at least 8 MiB of allocations, never while a job runs, and not again until new work has allocated as much.
/// The memory it saves is measured in bench/ (bench/idle_daemon.py), not here.
/// </summary>
public sealed class IdleMemoryTests : LoopbackTest
{
    private const long MiB = 1 << 20;
    private readonly FakeTimeProvider _clock = new();
    private long _allocated;
    private bool _working;
    private int _givenBack;

    private IdleMemory Idle() => new(_clock, new RunningJobs(), NullLogger<IdleMemory>.Instance)
    {
        Allocated = () => _allocated,
        Working = () => _working,
        GiveBack = () => { _givenBack++; return (40 * MiB, 20 * MiB); },
    };

    // The allocations between looks, in KiB, and at which looks memory was given back (1-based).
    private List<int> Looks(IdleMemory idle, params long[] kibBetweenLooks)
    {
        var given = new List<int>();
        for (var i = 0; i < kibBetweenLooks.Length; i++)
        {
            _allocated += kibBetweenLooks[i] * 1024;
            if (idle.Look()) given.Add(i + 1);
        }
        return given;
    }

    [Fact]
    public void Look_ABurstThenQuiet_GivesBackOnceAtTheFirstQuietLook()
    {
        // 30 MiB of start-up, then a look with 2 MiB more (still busy), then looks with a few KiB each (metrics scrapes).
        var given = Looks(Idle(), 30 * 1024, 2 * 1024, 40, 40, 40, 40);

        Assert.Equal([3], given);
        Assert.Equal(1, _givenBack);
    }

    [Fact]
    public void Look_QuietButLittleAllocatedSinceTheLastGiveBack_WaitsUntil8MiBMore()
    {
        var idle = Idle();
        Assert.Equal([2], Looks(idle, 20 * 1024, 0));
        // 100 KiB between looks, each look quiet: the next give-back is at the first look with ≥ 8 MiB (8,192 KiB) since the
        // last one, the 82nd (8,200 KiB).
        var looks = Enumerable.Repeat(100L, 90).ToArray();
        Assert.Equal([82], Looks(idle, looks));
    }

    [Fact]
    public void Look_WhileAJobRuns_GivesNothingBackUntilItEnds()
    {
        var idle = Idle();
        _working = true;
        Assert.Empty(Looks(idle, 30 * 1024, 10, 10));
        _working = false;
        Assert.Equal([1], Looks(idle, 10));
    }

    [Fact]
    public void Look_AllocationsStillGoingOn_GiveNothingBack()
    {
        // A poll that allocates 1 MiB or more between every two looks is not quiet, however much it has allocated.
        Assert.Empty(Looks(Idle(), 1024, 1024, 4096, 1024));
        Assert.Equal(0, _givenBack);
    }

    // README ("Measuring"): quiet is less than 1 MiB allocated since the last look: a look after exactly 1 MiB (1,024 KiB) is busy.
    [Fact]
    public void Look_Exactly1MiBBetweenLooks_IsNotQuiet()
    {
        Assert.Empty(Looks(Idle(), 30 * 1024, 1024, 1024, 1024));
        Assert.Equal(0, _givenBack);
    }

    // README ("Measuring"): a give-back needs at least 8 MiB allocated since the last one: exactly 8 MiB (8,192 KiB) is enough.
    [Fact]
    public void Look_Exactly8MiBSinceTheLastGiveBack_GivesBack()
    {
        var idle = Idle();
        Assert.Equal([2], Looks(idle, 20 * 1024, 0));
        // 16 quiet looks of 512 KiB: 8,192 KiB since the give-back at the 16th.
        Assert.Equal([16], Looks(idle, Enumerable.Repeat(512L, 20).ToArray()));
    }

    // The daemon's IdleMemory is given no Working: it asks the job listener Quartz tells of every firing's start and end.
    [Fact]
    public async Task Look_WithoutAProbeOfItsOwn_AsksTheJobListenerWhetherAJobRuns()
    {
        var jobs = new RunningJobs();
        var idle = new IdleMemory(_clock, jobs, NullLogger<IdleMemory>.Instance)
        {
            Allocated = () => _allocated,
            GiveBack = () => { _givenBack++; return (40 * MiB, 20 * MiB); },
        };
        var poll = Firing.Of("poll-1");
        await jobs.JobToBeExecuted(poll);
        Assert.Empty(Looks(idle, 30 * 1024, 10, 10));
        await jobs.JobWasExecuted(poll, null);
        Assert.Equal([1], Looks(idle, 10));
    }

    // Two firings overlap (a poll and the weekly export): a job runs until the last of them has ended.
    [Fact]
    public async Task RunningJobs_TwoFiringsOverlap_RunUntilBothHaveEnded()
    {
        var jobs = new RunningJobs();
        var (poll, export) = (Firing.Of("poll-1"), Firing.Of("export-1"));

        await jobs.JobToBeExecuted(poll);
        await jobs.JobToBeExecuted(export);
        await jobs.JobWasExecuted(poll, null);
        var oneLeft = jobs.Any;
        await jobs.JobWasExecuted(export, null);

        Assert.True(oneLeft);
        Assert.False(jobs.Any);
    }

    [Fact]
    public async Task Daemon_QuietAfterItsStart_GivesBackAtTheFirstLookOfItsClock()
    {
        var given = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _allocated = 50 * MiB;   // what the start allocated before the service began looking
        var idle = new IdleMemory(_clock, new RunningJobs(), NullLogger<IdleMemory>.Instance)
        {
            Allocated = () => _allocated,
            Working = () => false,
            GiveBack = () => { given.TrySetResult(); return (40 * MiB, 20 * MiB); },
        };
        await idle.StartAsync(CancellationToken.None);
        try
        {
            _clock.Advance(IdleMemory.Interval);
            await given.Task.WaitPatientlyAsync("the memory given back");
        }
        finally
        {
            await idle.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Daemon_WhileAPollHangs_CountsAsWorking()
    {
        var hanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.Map("feeds/hang.rss", async context =>
        {
            hanging.TrySetResult();
            await release.Task.WaitAsync(context.RequestAborted);
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(FaultFeeds.Rss(FaultFeeds.Item("NPU news", "https://example.org/hang/1", "INT8 on an NPU.")));
        });
        var config = Folder.ConfigWithSources($$"""
            {"sources": [{"id": "hang", "kind": "feed", "url": "{{Server.BaseUri}}feeds/hang.rss", "schedule": "1h", "allowPrivateNetwork": true}]}
            """);
        Daemon.Prepare(config);
        RunningJobs? jobs = null;
        await using var daemon = Daemon.Start(config, Folder.File("report.db"), new FakeTimeProvider(new DateTimeOffset(2020, 11, 20, 2, 0, 0, TimeSpan.Zero)),
            services => services.AddHostedService(provider => new CaptureAtStart(() => jobs = provider.GetRequiredService<RunningJobs>())));
        await hanging.Task.WaitPatientlyAsync("the hanging request");

        Assert.True(jobs!.Any);

        release.SetResult();
        await daemon.WaitForAsync(2001, "hang");
        await daemon.StopAsync();
    }

    // The daemon itself runs the looks (WorkerHost): a daemon without the service never gives its memory back (mutation audit 19).
    [Fact]
    public async Task Daemon_RunsTheLooksAmongItsServices()
    {
        Server.MapFile("feeds/a.rss", FaultFeeds.Healthy(1, "a"));
        var config = Folder.ConfigWithSources($$"""
            {"sources": [{"id": "a", "kind": "feed", "url": "{{Server.BaseUri}}feeds/a.rss", "schedule": "1h", "allowPrivateNetwork": true}]}
            """);
        Daemon.Prepare(config);
        var services = new TaskCompletionSource<IHostedService[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var daemon = Daemon.Start(config, Folder.File("report.db"), new FakeTimeProvider(new DateTimeOffset(2020, 11, 20, 2, 0, 0, TimeSpan.Zero)),
            s => s.AddHostedService(provider => new CaptureAtStart(() => services.TrySetResult([.. provider.GetServices<IHostedService>()]))));

        Assert.Contains(await services.Task.WaitPatientlyAsync("the daemon's services"), s => s is IdleMemory);

        await daemon.StopAsync();
    }

    /// <summary>A firing as Quartz hands it to its job listeners: all RunningJobs reads of it is its fire instance id.</summary>
    public class Firing : DispatchProxy
    {
        private string _id = "";

        public static IJobExecutionContext Of(string id)
        {
            var context = DispatchProxy.Create<IJobExecutionContext, Firing>();
            ((Firing)(object)context)._id = id;
            return context;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "get_FireInstanceId" => _id,
            _ => throw new NotSupportedException($"RunningJobs read {targetMethod?.Name} of a firing"),
        };
    }
}
