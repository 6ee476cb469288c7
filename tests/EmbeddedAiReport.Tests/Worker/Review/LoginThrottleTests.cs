using System.Net;
using EmbeddedAiReport.Worker.Review;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker.Review;

/// <summary>Wrong editor tokens per client address: 5 within 5 minutes lock it until the oldest is 5 minutes old (Grafana's numbers).</summary>
public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2020, 5, 20, 4, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Failed_FifthWithinTheWindow_LocksUntilTheOldestLeavesIt_ThenOneMoreLocksAgain()
    {
        var throttle = new LoginThrottle(_clock);
        var client = IPAddress.Parse("203.0.113.9");

        var waits = new List<TimeSpan?>();
        for (var i = 0; i < 5; i++)
        {
            if (i > 0) _clock.Advance(TimeSpan.FromMinutes(1));
            waits.Add(throttle.Failed(client));                 // at minutes 0 .. 4
        }
        _clock.Advance(TimeSpan.FromSeconds(30));
        var before = throttle.RetryAfter(client);              // 4.5 minutes after the first
        _clock.Advance(TimeSpan.FromSeconds(30));
        var after = throttle.RetryAfter(client);               // 5 minutes after the first: it no longer counts
        var again = throttle.Failed(client);                   // the 2nd .. 5th still count: locked until the 2nd is 5 minutes old

        Assert.Equal([null, null, null, null, TimeSpan.FromMinutes(1)], waits);
        Assert.Equal(TimeSpan.FromSeconds(30), before);
        Assert.Null(after);
        Assert.Equal(TimeSpan.FromMinutes(1), again);
    }

    [Fact]
    public void Succeeded_ForgetsTheAddressesFailuresOnly()
    {
        var throttle = new LoginThrottle(_clock);
        var (editor, other) = (IPAddress.Parse("198.51.100.7"), IPAddress.Parse("203.0.113.9"));
        for (var i = 0; i < 4; i++)
        {
            throttle.Failed(editor);
            throttle.Failed(other);
        }

        throttle.Succeeded(editor);

        Assert.Null(throttle.Failed(editor));
        Assert.Equal(LoginThrottle.Window, throttle.Failed(other));
        Assert.Null(throttle.RetryAfter(editor));
    }

    // One IPv6 host is usually given a /64: a new address per guess stays one client; an IPv4 client as ::ffff:a.b.c.d is itself.
    [Fact]
    public void Failed_IPv6AddressesOfOneSlash64_CountAsOneClient_IPv4MappedAsTheIPv4Address()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 1; i <= 5; i++) throttle.Failed(IPAddress.Parse($"2001:db8:1:2::{i:x}"));
        for (var i = 0; i < 5; i++) throttle.Failed(IPAddress.Parse("::ffff:203.0.113.9"));

        Assert.NotNull(throttle.RetryAfter(IPAddress.Parse("2001:db8:1:2:ffff::1")));
        Assert.Null(throttle.RetryAfter(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.NotNull(throttle.RetryAfter(IPAddress.Parse("203.0.113.9")));
        Assert.Null(throttle.RetryAfter(IPAddress.Parse("203.0.113.10")));
    }
}
