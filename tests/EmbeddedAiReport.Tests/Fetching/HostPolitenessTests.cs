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
    public async Task Admit_ThreeRequestsInLine_PutsOffPastTheLimit_TurnsBookedAGapApartAfterThem_AndAdmittedPollsCountAsInLine()
    {
        // 150 WeChat accounts on one mirror 10 s apart: a poll that would wait behind more than its limit is given a later
        // turn (a gap per request in line, then a gap after the turn booked before); admitted polls are in line at once,
        // before they ask, so that ten job threads admitted together do not all find the line empty.
        await using var database = new ReportDatabase(":memory:");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var politeness = new HostPoliteness(clock, database);
        var gap = TimeSpan.FromSeconds(10);
        var limit = TimeSpan.FromSeconds(30);
        var start = clock.GetUtcNow();

        var first = politeness.Admit("127.0.0.2", gap, limit);
        Assert.Equal((TimeSpan.Zero, null), (first.Ahead, first.LaterTurn));
        var lease = await politeness.AcquireAsync("127.0.0.2", gap, CancellationToken.None);   // the first asks
        var second = politeness.Admit("127.0.0.2", gap, limit);
        Assert.Equal(TimeSpan.FromSeconds(10), second.Ahead);
        var third = politeness.Admit("127.0.0.2", gap, limit);
        Assert.Equal(TimeSpan.FromSeconds(20), third.Ahead);   // the second is in line before it asks
        var fourth = politeness.Admit("127.0.0.2", gap, limit);
        Assert.Equal((TimeSpan.FromSeconds(30), null), (fourth.Ahead, fourth.LaterTurn));   // at the limit: admitted

        var putOff = politeness.Admit("127.0.0.2", gap, limit);
        var alsoPutOff = politeness.Admit("127.0.0.2", gap, limit);
        Assert.Equal((TimeSpan.FromSeconds(40), null, start + TimeSpan.FromSeconds(50)), (putOff.Ahead, putOff.Place, putOff.LaterTurn));
        Assert.Equal(start + TimeSpan.FromSeconds(60), alsoPutOff.LaterTurn);
        Assert.Equal(TimeSpan.Zero, politeness.Admit("other.example", gap, limit).Ahead);

        lease.Dispose();
        foreach (var place in new[] { first, second, third, fourth }) place.Place!.Dispose();
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(6), politeness.Admit("127.0.0.2", gap, limit).Ahead);   // the rest of the gap after the last request
    }
}
