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

    [Fact]
    public async Task WaitAhead_ThreeRequestsQueued_IsAGapEach_AndTurnsBookedLaterComeAGapApartAfterThem()
    {
        // 150 WeChat accounts on one mirror 10 s apart: a poll that would queue behind many others is told how long (a gap
        // per request waiting or under way), and polls put off together are booked one gap apart after the queue.
        await using var database = new ReportDatabase(":memory:");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var politeness = new HostPoliteness(clock, database);
        var gap = TimeSpan.FromSeconds(10);
        var start = clock.GetUtcNow();
        Assert.Equal(TimeSpan.Zero, politeness.WaitAhead("127.0.0.2", gap));

        var first = await politeness.AcquireAsync("127.0.0.2", gap, CancellationToken.None);
        var second = politeness.AcquireAsync("127.0.0.2", gap, CancellationToken.None);
        var third = politeness.AcquireAsync("127.0.0.2", gap, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(30), politeness.WaitAhead("127.0.0.2", gap));
        Assert.Equal(start + TimeSpan.FromSeconds(40), politeness.BookLaterTurn("127.0.0.2", gap));
        Assert.Equal(start + TimeSpan.FromSeconds(50), politeness.BookLaterTurn("127.0.0.2", gap));
        Assert.Equal(TimeSpan.Zero, politeness.WaitAhead("other.example", gap));

        first.Dispose();
        clock.Advance(gap);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        (await second.WaitAsync(guard.Token)).Dispose();
        Assert.Equal(TimeSpan.FromSeconds(10), politeness.WaitAhead("127.0.0.2", gap));   // the third waits or is under way
        clock.Advance(gap);
        (await third.WaitAsync(guard.Token)).Dispose();
        Assert.Equal(gap, politeness.WaitAhead("127.0.0.2", gap));   // nothing queued: the gap after the last request
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(6), politeness.WaitAhead("127.0.0.2", gap));
    }
}
