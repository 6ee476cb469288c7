using System.Text;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>Items 6 and 8 of issue 15: a stop during a hanging fetch cancels it at once and leaves nothing of that poll in the database.</summary>
public sealed class ShutdownTests : LoopbackTest
{
    private readonly TaskCompletionSource _hanging = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _hang = true;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var items = string.Concat(Enumerable.Range(0, 3).Select(i => FaultFeeds.Item($"NPU quantization news {i}", $"https://example.org/good/{i}", "INT8 on an NPU.")));
        Server.MapFile("feeds/good.rss", Encoding.UTF8.GetBytes(FaultFeeds.Rss(items)));
        Server.Map("feeds/hang.rss", async context =>
        {
            if (!_hang)
            {
                context.Response.ContentType = "application/rss+xml";
                await context.Response.WriteAsync(FaultFeeds.Rss(FaultFeeds.Item("Later news", "https://example.org/hang/1", "Body.")));
                return;
            }
            _hanging.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                _aborted.TrySetResult();
            }
        });
    }

    [Fact]
    public async Task Stop_WhileAFetchHangs_CancelsTheRequestAndCommitsNothingOfThatPoll()
    {
        var config = Folder.ConfigWithSources($$"""
            {"sources": [{"id": "mirror", "kind": "wechat-mirror", "mirror": "{{Server.BaseUri}}", "accounts": ["good", "hang"],
                          "schedule": "1h", "allowPrivateNetwork": true}]}
            """);
        Daemon.Prepare(config);
        var database = Folder.File("report.db");
        var clock = new FakeTimeProvider(new DateTimeOffset(2020, 11, 20, 2, 0, 0, TimeSpan.Zero));

        // The host would give up on a stuck stop after ten minutes here, so only cancellation can end this stop; with a fake
        // clock, neither the per-attempt timeout nor the poll budget can end the hanging request either.
        var daemon = Daemon.Start(config, database, clock, s => s.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10)));
        await _hanging.Task.WaitPatientlyAsync("the hanging request");
        var result = await daemon.StopAsync();
        await _aborted.Task.WaitPatientlyAsync("the server's sign that the request was aborted");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(daemon.Logs.Lines, l => l.EventId == 4201 && l.Message == "Poll of mirror stopped by shutdown; nothing of it was stored");
        // The first account's three entries were fetched and parsed, but the poll is one transaction: nothing was committed.
        Assert.Equal((0L, 0L, 0L), Counts(database));
        Assert.Equal(TimeSpan.FromSeconds(5), WorkerHost.ShutdownTimeout);

        _hang = false;
        await using var again = Daemon.Start(config, database, clock);
        await again.WaitForAsync(2001, "mirror");
        await again.StopAsync();
        Assert.Equal((4L, 1L, 1L), Counts(database));
    }

    private static (long Entries, long Fetches, long Polled) Counts(string database)
    {
        using var connection = DatabaseProbe.Open(database);
        return DatabaseProbe.Query(connection,
            "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM fetches), (SELECT count(*) FROM sources WHERE last_poll IS NOT NULL)",
            r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2))).Single();
    }
}
