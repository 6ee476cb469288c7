namespace EmbeddedAiReport.Tests.Sources.WeChat;

/// <summary>Sends requests for mp.weixin.qq.com to the loopback server instead, keeping path and query, so article pages are served locally.</summary>
internal sealed class WeChatHostRedirect(Uri loopback) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { Host: "mp.weixin.qq.com" } uri)
            request.RequestUri = new Uri(loopback, uri.PathAndQuery.TrimStart('/'));
        return base.SendAsync(request, cancellationToken);
    }
}
