using System.Reflection;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using EmbeddedAiReport.Worker.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
        _server = await LoopbackServer.StartAsync();
        _server.Map("feed.xml", context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        var config = _directory.ConfigWithSources(
            $$"""{"sources": [{"id": "s", "kind": "feed", "url": "{{_server.Url("feed.xml")}}", "allowPrivateNetwork": true}]}""");
        var db = _directory.File("r.db");
        await using (var database = new ReportDatabase(db)) await database.MigrateAsync(CancellationToken.None);
        _app = WorkerHost.BuildCommand(WorkerHost.LoadConfig(config, db));
        var now = DateTimeOffset.UtcNow;

        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.Of("s", now - TimeSpan.FromDays(1)), CancellationToken.None);
        await ActivatorUtilities.CreateInstance<PollSourceJob>(_app.Services).Execute(Firing.Of("s", now), CancellationToken.None);

        Assert.Equal(2, _server.Requests.Count);
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

    /// <summary>A Quartz context (or its trigger, its scheduler) answering only the members the job reads.</summary>
    public class Firing : DispatchProxy
    {
        private IReadOnlyDictionary<string, object?> _answers = null!;

        // The source's own trigger (a regular firing, not a catch-up), due at `due`, not recovering.
        public static IJobExecutionContext Of(string sourceId, DateTimeOffset due) => Stub<IJobExecutionContext>(new Dictionary<string, object?>
        {
            ["get_MergedJobDataMap"] = new JobDataMap { [PollSourceJob.SourceIdKey] = sourceId },
            ["get_Recovering"] = false,
            ["get_Trigger"] = Stub<ITrigger>(new Dictionary<string, object?> { ["get_Key"] = new TriggerKey(sourceId) }),
            ["get_ScheduledFireTimeUtc"] = (DateTimeOffset?)due,
            ["get_Scheduler"] = Stub<IScheduler>(new Dictionary<string, object?> { ["get_SchedulerInstanceId"] = "test" }),
        });

        private static T Stub<T>(IReadOnlyDictionary<string, object?> answers) where T : class
        {
            var stub = Create<T, Firing>();
            ((Firing)(object)stub)._answers = answers;
            return stub;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod is not null && _answers.TryGetValue(targetMethod.Name, out var value) ? value
                : throw new NotSupportedException($"the poll job read {targetMethod?.Name} of its context");
    }
}
