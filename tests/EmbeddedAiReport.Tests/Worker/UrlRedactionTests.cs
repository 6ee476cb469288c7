using EmbeddedAiReport.Worker.Http;

namespace EmbeddedAiReport.Tests.Worker;

public sealed class UrlRedactionTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("HTTP 500 (Internal Server Error)", "HTTP 500 (Internal Server Error)")]
    [InlineData("http://127.0.0.1:8080/500?key=TOPSECRET: HTTP 500", "http://127.0.0.1:8080/500?…: HTTP 500")]
    [InlineData("https://user:pa55@mirror.example.org/feeds/a.rss#top failed; then https://x.org/b?t=1&u=2 too",
        "https://…@mirror.example.org/feeds/a.rss#top failed; then https://x.org/b?… too")]
    [InlineData("HTTPS://API.example.org/v1/chat?api_key=k", "HTTPS://API.example.org/v1/chat?…")]
    public void Redact_ErrorText_CutsQueriesAndUserParts(string? text, string? expected) => Assert.Equal(expected, UrlRedaction.Redact(text));
}
