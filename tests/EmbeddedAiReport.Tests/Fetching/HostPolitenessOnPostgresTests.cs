using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Fetching;

/// <summary>
/// Two daemons on one PostgreSQL database keep a host's gap between them (README, "Several daemons on PostgreSQL"): a soak
/// run of two daemons (46 min) saw mp.weixin.qq.com asked 0–4 s apart, 278 of 602 gaps, where one daemon keeps 5 s.
/// </summary>
[Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
public sealed class HostPolitenessOnPostgresTests : IDisposable
{
    private static readonly TimeSpan Gap = TimeSpan.FromSeconds(5);   // Fetching:HostDelays' mp.weixin.qq.com

    private readonly TestServices _first = new(provider: StorageProvider.Postgres);
    private readonly TestServices _second;

    public HostPolitenessOnPostgresTests() => _second = new TestServices(provider: StorageProvider.Postgres, sameDatabaseAs: _first);

    public void Dispose()
    {
        _second.Dispose();
        _first.Dispose();
    }

    [Fact]
    public async Task AcquireAsync_AnotherDaemonsRequestJustEnded_WaitsForTheGapOnThatDaemonsClock()
    {
        var first = _first.Get<HostPoliteness>();
        var second = _second.Get<HostPoliteness>();
        await using var probe = await _first.Get<ReportDatabase>().OpenAsync(CancellationToken.None);
        (await first.AcquireAsync("mp.weixin.qq.com", Gap, CancellationToken.None)).Dispose();   // the first daemon's request ended now

        var waiting = second.AcquireAsync("mp.weixin.qq.com", Gap, CancellationToken.None);
        // The second daemon is queued on the gate's lock in the database (seen in pg_locks) until the first one's gap passes.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await ReportDatabaseTests.CountAsync(probe, 
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") == 0)
        {
            Assert.False(waiting.IsCompleted, "the second daemon's request did not wait for the first one's gap");
            guard.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
        _first.Clock.Advance(Gap - TimeSpan.FromSeconds(0.1));
        Assert.False(waiting.IsCompleted);
        _first.Clock.Advance(TimeSpan.FromSeconds(0.1));

        (await waiting.WaitAsync(guard.Token)).Dispose();
    }

    [Fact]
    public async Task AcquireAsync_AnotherDaemonsGateOnAnotherHost_DoesNotWait()
    {
        using var arxiv = await _first.Get<HostPoliteness>().AcquireAsync("arxiv.org", TimeSpan.FromSeconds(3), CancellationToken.None);

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var wechat = await _second.Get<HostPoliteness>().AcquireAsync("mp.weixin.qq.com", Gap, guard.Token);
    }
}
