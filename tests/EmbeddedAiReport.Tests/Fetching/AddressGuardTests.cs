using System.Net;
using EmbeddedAiReport.Fetching;

namespace EmbeddedAiReport.Tests.Fetching;

public sealed class AddressGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]   // cloud metadata
    [InlineData("100.64.0.1", true)]        // carrier-grade NAT
    [InlineData("100.127.255.255", true)]   // the last address of 100.64.0.0/10 (RFC 6598)
    [InlineData("100.63.255.255", false)]   // just below it
    [InlineData("0.0.0.0", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("100.128.0.1", false)]
    [InlineData("151.101.1.69", false)]
    [InlineData("2606:4700::6810:84e5", false)]
    public void IsPrivate_Address_ClassifiedForTheSsrfGuard(string address, bool expected) =>
        Assert.Equal(expected, AddressGuard.IsPrivate(IPAddress.Parse(address)));
}
