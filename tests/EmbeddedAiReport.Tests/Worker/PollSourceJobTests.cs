using System.Reflection;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using EmbeddedAiReport.Worker.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// The scheduled poll job hands the poller the time its firing was due (README: a failing source's pause counts from the
/// time its failed firing was due, and is judged at the next firing's due time).
/// </summary>
public sealed class PollSourceJobTests : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private CommandServices? _app;
    private LoopbackServer? _server;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Execute_FailedFiringDueLongAgo_ItsPauseCountsFromThatDueTime_TheNextFiringPolls()
    {
        // A firing due a day ago (its job queued, or the daemon catching up) fails: its pause (5 minutes after one failure,
        // Fetching:FailureBackoff) counts from that due time, so it is over and the firing due now polls. Counted from the
        // poll's start, the pause would still run and that firing would be skipped.
        var (config, db) = await NotFoundSourceAsync();
        _app = WorkerHost.BuildCommand(WorkerHost.LoadConfig(config, db));
        var now = DateTimeOffset.UtcNow;

        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.Of("s", now - TimeSpan.FromDays(1)), CancellationToken.None);
        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.Of("s", now), CancellationToken.None);

        Assert.Equal(2, _server!.Requests.Count);
        var health = await _app.Services.GetRequiredService<SourceStore>().GetHealthAsync("s", CancellationToken.None);
        Assert.Equal(2, health?.ConsecutiveFailures);
    }

    [Fact]
    public async Task Execute_FiringDueBeforeTheLastSuccess_IsSkippedWithoutARequest_AndSaysSoAtDebug()
    {
        // A firing that waited behind the source's previous poll (a poll outlasting its interval) runs after that poll's
        // success: its work is done, so it asks nothing, and says so (event 4209, Debug) so that a firing is never silent.
        _server = await LoopbackServer.StartAsync();
        _server.MapFile("feed.xml", System.Text.Encoding.UTF8.GetBytes(FaultFeeds.Rss(FaultFeeds.Item("NPU quantization", "https://example.org/1"))));
        var config = _directory.ConfigWithSources(
            $$"""{"sources": [{"id": "s", "kind": "feed", "url": "{{_server.Url("feed.xml")}}", "allowPrivateNetwork": true}]}""");
        var db = _directory.File("r.db");
        await using (var database = new ReportDatabase(db)) await database.MigrateAsync(CancellationToken.None);
        var logs = new CapturingLoggerProvider();
        _app = WorkerHost.BuildCommand(WorkerHost.LoadConfig(config, db),
            services => services.AddLogging(l => l.AddProvider(logs).AddFilter<CapturingLoggerProvider>(null, LogLevel.Debug)));
        var now = DateTimeOffset.UtcNow;

        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.Of("s", now), CancellationToken.None);
        var success = (await _app.Services.GetRequiredService<SourceStore>().GetHealthAsync("s", CancellationToken.None))?.LastSuccess;
        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.Of("s", now - TimeSpan.FromSeconds(5)), CancellationToken.None);

        Assert.Single(_server.Requests);
        var skipped = Assert.Single(logs.Lines, l => l.EventId == 4209);
        Assert.Equal($"Firing of s due {now - TimeSpan.FromSeconds(5):o} skipped: the poll that succeeded at {success:o} did its work", skipped.Message);
    }

    [Fact]
    public async Task Execute_ItsHostsGateQueuedPastHalfTheBudget_PutsTheFiringOffToABookedTurn_WithoutARequestOrAFailure_ThenPollsThatFiring()
    {
        // 150 WeChat accounts on one mirror, 10 s apart, all due at once: each firing waited at the gate behind the others
        // until its 60 s budget ran out and failed as "unreachable" (the mirror was never asked), holding a job thread.
        // Now a firing that would queue behind more than half its budget is put off to a turn booked at the gate.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        await GatedSourceAsync(clock);
        var letGo = await QueueFourAsync(clock);
        var due = clock.GetUtcNow();
        var scheduled = new List<ITrigger>();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));   // a job that waited at the gate would wait for good

        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app!.Services).Execute(Firing.Of("s", due, scheduled), guard.Token);

        Assert.Empty(_server!.Requests);
        Assert.Null((await _app.Services.GetRequiredService<SourceStore>().GetHealthAsync("s", CancellationToken.None))?.LastError);
        var later = Assert.Single(scheduled);
        Assert.Equal(new JobKey("s", SourceScheduler.SourcesGroup), later.JobKey);
        Assert.Equal(due + TimeSpan.FromSeconds(50), later.StartTimeUtc);   // after the 4 queued, a gap each
        Assert.Equal("s", later.JobDataMap[Schedules.PutOffTriggerKey]);

        await letGo();
        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.PutOff(later, clock.GetUtcNow()), CancellationToken.None);

        Assert.Single(_server.Requests);
        var health = await _app.Services.GetRequiredService<SourceStore>().GetHealthAsync("s", CancellationToken.None);
        Assert.Equal(0, health?.ConsecutiveFailures);
        Assert.NotNull(health?.LastSuccess);
    }

    [Fact]
    public async Task Execute_APutOffFiringOfASourcePolledMinutesBeforeItWasDue_StillPolls()
    {
        // The put-off firing is the hourly firing due at 12:00, not a catch-up: a poll at 11:50 (a manual one) did not do its
        // work. Taken for a catch-up (any other trigger), the source would not be overdue until 12:50 and the turn would ask nothing.
        // Each poll gives its place at the gate back when it ends (one kept would count as a request in line for good).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 11, 50, 0, TimeSpan.Zero));
        await GatedSourceAsync(clock);
        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app!.Services).Execute(Firing.Of("s", clock.GetUtcNow()), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(10));
        var letGo = await QueueFourAsync(clock);
        var scheduled = new List<ITrigger>();

        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.Of("s", clock.GetUtcNow(), scheduled), CancellationToken.None);
        await letGo();
        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.PutOff(Assert.Single(scheduled), clock.GetUtcNow()), CancellationToken.None);

        Assert.Equal(2, _server!.Requests.Count);
        clock.Advance(TimeSpan.FromSeconds(10));   // the gap after the poll: the two polls' places at the gate are given back, none ahead
        Assert.Equal(TimeSpan.Zero, _app.Services.GetRequiredService<HostPoliteness>().Admit("127.0.0.1", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)).Ahead);
    }

    [Fact]
    public async Task Execute_APutOffFiringAfterAPollThatSucceededMeanwhile_IsSkipped_NamingWhenItWasDue()
    {
        // The firing due at 12:00:00 ran 5 s late and was put off to 12:00:55; a poll at 12:00:45 succeeded before that turn and
        // did its work. The turn skips it, and 4209 names the firing as scheduled (12:00:00), not when it ran or its turn.
        var due = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(due + TimeSpan.FromSeconds(5));
        var logs = await GatedSourceAsync(clock);
        var letGo = await QueueFourAsync(clock);
        var scheduled = new List<ITrigger>();

        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app!.Services).Execute(Firing.Of("s", due, scheduled), CancellationToken.None);
        await letGo();
        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.Of("s", clock.GetUtcNow()), CancellationToken.None);
        var success = (await _app.Services.GetRequiredService<SourceStore>().GetHealthAsync("s", CancellationToken.None))?.LastSuccess;
        clock.Advance(TimeSpan.FromSeconds(10));
        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.PutOff(Assert.Single(scheduled), clock.GetUtcNow()), CancellationToken.None);

        Assert.Single(_server!.Requests);
        Assert.Equal($"Firing of s due {due:o} skipped: the poll that succeeded at {success:o} did its work",
            Assert.Single(logs.Lines, l => l.EventId == 4209).Message);
    }

    // Source s, hourly on a loopback feed, its host 10 s apart and its budget 60 s; the services' clock is `clock`, their Debug lines in the result.
    private async Task<CapturingLoggerProvider> GatedSourceAsync(FakeTimeProvider clock)
    {
        _server = await LoopbackServer.StartAsync();
        _server.MapFile("feed.xml", System.Text.Encoding.UTF8.GetBytes(FaultFeeds.Rss(FaultFeeds.Item("NPU quantization", "https://example.org/1"))));
        var config = _directory.ConfigWithSources($$"""
            {"sources": [{"id": "s", "kind": "feed", "url": "{{_server.Url("feed.xml")}}", "allowPrivateNetwork": true,
              "schedule": "1h", "politenessDelay": "10s", "budget": "60s"}]}
            """);
        var db = _directory.File("r.db");
        await using (var database = new ReportDatabase(db)) await database.MigrateAsync(CancellationToken.None);
        var logs = new CapturingLoggerProvider();
        _app = WorkerHost.BuildCommand(WorkerHost.LoadConfig(config, db), services => services.AddSingleton<TimeProvider>(clock)
            .AddLogging(l => l.AddProvider(logs).AddFilter<CapturingLoggerProvider>(null, LogLevel.Debug)));
        return logs;
    }

    // Other sources' requests at s's host: one under way and three waiting, so that a firing of s now is put off 50 s (a gap
    // each, then one); the returned step lets them go a gap apart and waits the gap after the last.
    private async Task<Func<Task>> QueueFourAsync(FakeTimeProvider clock)
    {
        var politeness = _app!.Services.GetRequiredService<HostPoliteness>();
        var gap = TimeSpan.FromSeconds(10);
        var held = await politeness.AcquireAsync("127.0.0.1", gap, CancellationToken.None);
        var waiting = Enumerable.Range(0, 3).Select(_ => politeness.AcquireAsync("127.0.0.1", gap, CancellationToken.None)).ToList();
        return async () =>
        {
            held.Dispose();
            foreach (var lease in waiting) (await GrantedAsync(lease, clock, gap)).Dispose();
            clock.Advance(gap);
        };
    }

    // A waiting request's lease, the clock moved a gap at a time until it is granted. A waiter reads the clock and then starts
    // its delay: a step of the fake clock between the two (a cold first test on a loaded machine) leaves it a gap from that
    // step, and one step alone would hang the test. A real clock never stops, so a step more is what the waiter would see.
    private static async Task<IDisposable> GrantedAsync(Task<IDisposable> lease, FakeTimeProvider clock, TimeSpan gap)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        do clock.Advance(gap);
        while (await Task.WhenAny(lease, Task.Delay(TimeSpan.FromMilliseconds(200), guard.Token)) != lease);
        return await lease;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Execute_PausedSourceAtAQueuedGate_IsSkippedWithoutBookingATurn_TheNextSourceGetsTheTurnItWouldHaveTaken(bool runsAfterThePause)
    {
        // A paused source's firing was admitted at its host's gate before its poll was skipped: with the line long, it booked
        // a turn there and put itself off to it (a gap of the host's line taken from the sources behind it), only to be
        // skipped as paused at that turn. A firing due in the pause that runs after it (held up) is skipped alike: the poll
        // reads the pause at the firing's due (mutation audit 18: the gate read it at the time the job ran).
        var (config, db) = await NotFoundSourceAsync(", \"politenessDelay\": \"10s\", \"budget\": \"60s\"");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        _app = WorkerHost.BuildCommand(WorkerHost.LoadConfig(config, db), services => services.AddSingleton<TimeProvider>(clock));
        var politeness = _app.Services.GetRequiredService<HostPoliteness>();
        var gap = TimeSpan.FromSeconds(10);
        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.Of("s", clock.GetUtcNow()), CancellationToken.None);
        var pausedUntil = (await _app.Services.GetRequiredService<SourceStore>().GetHealthAsync("s", CancellationToken.None))?.PausedUntil;
        clock.Advance(runsAfterThePause ? pausedUntil!.Value - clock.GetUtcNow() + gap : gap);
        var letGo = await QueueFourAsync(clock);
        var now = clock.GetUtcNow();
        var due = runsAfterThePause ? pausedUntil!.Value - gap : now;
        var scheduled = new List<ITrigger>();

        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.Of("s", due, scheduled), CancellationToken.None);
        var next = politeness.Admit("127.0.0.1", gap, TimeSpan.FromSeconds(30));

        Assert.True(pausedUntil > due, $"paused until {pausedUntil:o}, the firing due {due:o}");
        Assert.Single(_server!.Requests);
        Assert.Empty(scheduled);
        Assert.Equal(now + TimeSpan.FromSeconds(50), next.LaterTurn);   // after the 4 queued, a gap each: none booked before it
        await letGo();
    }

    // A feed source "s" (with `fields` added) whose server answers 404, and its migrated database.
    private async Task<(string Config, string Db)> NotFoundSourceAsync(string fields = "")
    {
        _server = await LoopbackServer.StartAsync();
        _server.Map("feed.xml", context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        var config = _directory.ConfigWithSources(
            $$"""{"sources": [{"id": "s", "kind": "feed", "url": "{{_server.Url("feed.xml")}}", "allowPrivateNetwork": true{{fields}}}]}""");
        var db = _directory.File("r.db");
        await using (var database = new ReportDatabase(db)) await database.MigrateAsync(CancellationToken.None);
        return (config, db);
    }

    /// <summary>A Quartz context (or its trigger, its scheduler) answering only the members the job reads.</summary>
    public class Firing : DispatchProxy
    {
        private IReadOnlyDictionary<string, object?> _answers = null!;

        // The source's own trigger (a regular firing, not a catch-up), due at `due`, not recovering; the triggers the job
        // schedules are added to `scheduled`.
        public static IJobExecutionContext Of(string sourceId, DateTimeOffset due, List<ITrigger>? scheduled = null) =>
            Of(new JobDataMap { [PollSourceJob.SourceIdKey] = sourceId }, new TriggerKey(sourceId), due, scheduled);

        // The trigger a put-off firing scheduled, firing at `at`.
        public static IJobExecutionContext PutOff(ITrigger trigger, DateTimeOffset at) =>
            Of(new JobDataMap(trigger.JobDataMap) { [PollSourceJob.SourceIdKey] = trigger.JobKey.Name }, trigger.Key, at, null);

        private static IJobExecutionContext Of(JobDataMap data, TriggerKey trigger, DateTimeOffset due, List<ITrigger>? scheduled) =>
            Stub<IJobExecutionContext>(new Dictionary<string, object?>
            {
                ["get_MergedJobDataMap"] = data,
                ["get_Recovering"] = false,
                ["get_Trigger"] = Stub<ITrigger>(new Dictionary<string, object?> { ["get_Key"] = trigger }),
                ["get_ScheduledFireTimeUtc"] = (DateTimeOffset?)due,
                ["get_Scheduler"] = Stub<IScheduler>(new Dictionary<string, object?>
                {
                    ["get_SchedulerInstanceId"] = "test",
                    ["ScheduleJob"] = (Func<object?[]?, object?>)(args =>
                    {
                        var added = (ITrigger)args![0]!;
                        (scheduled ?? throw new NotSupportedException("the poll job scheduled a trigger")).Add(added);
                        return new ValueTask<DateTimeOffset>(added.StartTimeUtc);
                    }),
                }),
            });

        private static T Stub<T>(IReadOnlyDictionary<string, object?> answers) where T : class
        {
            var stub = Create<T, Firing>();
            ((Firing)(object)stub)._answers = answers;
            return stub;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod is not null && _answers.TryGetValue(targetMethod.Name, out var value) ? value is Func<object?[]?, object?> call ? call(args) : value
                : throw new NotSupportedException($"the poll job read {targetMethod?.Name} of its context");
    }
}
