using EmbeddedAiReport.Fetching;

namespace EmbeddedAiReport.Tests.Fetching;

public sealed class FetchRequestTests
{
    // README, sources.json request headers: a source's headers reach only its origin (scheme, host and port), an upgrade
    // from http to https on the same host counting as the same.
    [Theory]
    [InlineData("https://rsshub.example.org/a", "https://rsshub.example.org/b?x=1", true)]
    [InlineData("https://rsshub.example.org/", "https://RSSHUB.example.org:443/", true)]
    [InlineData("http://rsshub.example.org/feed", "https://rsshub.example.org/feed", true)]
    [InlineData("https://rsshub.example.org/feed", "http://rsshub.example.org/feed", false)]
    [InlineData("https://example.org/feed", "https://www.example.org/feed", false)]
    [InlineData("https://example.org/feed", "https://cdn.example.net/feed", false)]
    [InlineData("http://127.0.0.1:4000/feed", "http://127.0.0.1:4001/feed", false)]
    [InlineData("http://127.0.0.1:4000/feed", "http://localhost:4000/feed", false)]
    [InlineData("http://example.org:8080/feed", "https://example.org/feed", false)]
    public void SameOrigin_RedirectTarget_KeepsHeadersOnlyOnTheSourcesOrigin(string from, string next, bool same) =>
        Assert.Equal(same, FetchRequest.SameOrigin(new Uri(from), new Uri(next)));

    [Fact]
    public void CrossOriginOnly_NamesInAnyCase_KeepsUserAgentAcceptAndAcceptLanguageOnly()
    {
        // README: past another origin only User-Agent, Accept and Accept-Language go on; RFC 9110 §5.1: field names are
        // case-insensitive, and sources.json keeps them as the editor wrote them.
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["user-agent"] = "Mozilla/5.0", ["accept"] = "application/atom+xml", ["ACCEPT-LANGUAGE"] = "zh-CN",
            ["authorization"] = "Basic dXNlcjpwYXNzd29yZA==", ["cookie"] = "session=4f3c2a",
        };

        var kept = FetchRequest.CrossOriginOnly(headers);

        Assert.Equal(["ACCEPT-LANGUAGE", "accept", "user-agent"], kept.Keys.Order(StringComparer.Ordinal));
    }
}
