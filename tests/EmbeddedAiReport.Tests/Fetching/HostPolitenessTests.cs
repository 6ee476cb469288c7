using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Fetching;

/// <summary>
/// A host's gap while the PostgreSQL database the daemons share does not answer: the lock in the database cannot be taken,
/// and each daemon keeps its own gate (HostPoliteness; the shared turn is HostPolitenessOnPostgresTests'). Nothing listens
/// where the database is said to be, so no server is needed.
/// </summary>
public sealed class HostPolitenessTests
{
    private static readonly TimeSpan Gap = TimeSpan.FromSeconds(5);   // Fetching:HostDelays' mp.weixin.qq.com

    [Fact]
    public async Task AcquireAsync_TheSharedDatabaseRefusesConnections_KeepsTheGapOnItsOwnGate()
    {
        var port = ClosedPort.Find();   // connections to it are refused
        await using var database = ReportDatabase.Postgres($"Host=127.0.0.1;Port={port};Username=report;Database=report");
        var clock = new FakeTimeProvider();
        var politeness = new HostPoliteness(clock, database);

        (await politeness.AcquireAsync("mp.weixin.qq.com", Gap, CancellationToken.None)).Dispose();
        var next = politeness.AcquireAsync("mp.weixin.qq.com", Gap, CancellationToken.None);
        clock.Advance(Gap - TimeSpan.FromSeconds(0.1));
        Assert.False(next.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        (await next.WaitAsync(guard.Token)).Dispose();
    }
}
