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
    [InlineData("172.15.255.255", false)]   // just below 172.16/12
    [InlineData("192.169.0.1", false)]      // just past 192.168/16
    [InlineData("fc00::1", true)]           // fc00::/7's lower half (fd00::/8 is the one in use)
    [InlineData("100.128.0.1", false)]
    [InlineData("151.101.1.69", false)]
    [InlineData("2606:4700::6810:84e5", false)]
    public void IsPrivate_Address_ClassifiedForTheSsrfGuard(string address, bool expected) =>
        Assert.Equal(expected, AddressGuard.IsPrivate(IPAddress.Parse(address)));

    // validate's warning (README, "Adding a source" 3): what an address says of itself, the ranges above as a URL writes
    // them (IPv6 in brackets), localhost by name; a name is not resolved, so one that merely looks private is not named.
    [Theory]
    [InlineData("http://localhost:4000/feed.xml", true)]
    [InlineData("http://LOCALHOST/feed.xml", true)]
    [InlineData("http://127.8.9.10/feed.xml", true)]
    [InlineData("http://10.0.0.5/feed.xml", true)]
    [InlineData("http://172.16.0.1/feed.xml", true)]
    [InlineData("http://172.31.255.255/feed.xml", true)]
    [InlineData("http://172.15.255.255/feed.xml", false)]
    [InlineData("http://172.32.0.1/feed.xml", false)]
    [InlineData("http://192.168.1.20:4000/feed.xml", true)]
    [InlineData("http://192.169.0.1/feed.xml", false)]
    [InlineData("http://169.254.169.254/latest", true)]
    [InlineData("http://[::1]:8080/feed.xml", true)]
    [InlineData("http://[fd00::1]/feed.xml", true)]
    [InlineData("http://[fc00::1]/feed.xml", true)]
    [InlineData("http://[fe80::1]/feed.xml", true)]
    [InlineData("http://[::ffff:192.168.0.1]/feed.xml", true)]
    [InlineData("http://[2606:4700::6810:84e5]/feed.xml", false)]
    [InlineData("https://example.org/feed.xml", false)]
    [InlineData("http://10.example.org/feed.xml", false)]
    [InlineData("http://feeds.localhost:8080/feed.xml", true)]   // RFC 6761 §6.3: every name under localhost is loopback
    [InlineData("http://a.b.LOCALHOST./feed.xml", true)]
    [InlineData("http://localhost.example.org/feed.xml", false)]
    [InlineData("http://notlocalhost/feed.xml", false)]
    public void NamesPrivateAddress_Url_SaysWhetherItsHostIsALoopbackOrPrivateAddress(string url, bool expected) =>
        Assert.Equal(expected, AddressGuard.NamesPrivateAddress(new Uri(url)));
}
