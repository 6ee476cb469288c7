using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>A real HTTP server on 127.0.0.1 with an ephemeral port; routes are set per test and can misbehave on purpose.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, RequestDelegate> _routes = new(StringComparer.Ordinal);

    private LoopbackServer(WebApplication app) => _app = app;

    /// <summary>Requests received, in order (path and query), for asserting what was fetched.</summary>
    public ConcurrentQueue<HttpRequestRecord> Requests { get; } = new();

    public Uri BaseUri { get; private set; } = null!;

    public static async Task<LoopbackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new LoopbackServer(app);
        app.Run(async context =>
        {
            server.Requests.Enqueue(new HttpRequestRecord(context.Request.Path + context.Request.QueryString,
                context.Request.Headers.IfNoneMatch.ToString(), context.Request.Headers.IfModifiedSince.ToString(),
                context.Request.Headers.UserAgent.ToString(),
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            if (server._routes.TryGetValue(context.Request.Path.Value ?? "/", out var handler)) await handler(context);
            else context.Response.StatusCode = 404;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>The absolute URL of <paramref name="path"/> on this server.</summary>
    public Uri Url(string path) => new(BaseUri, path.TrimStart('/'));

    /// <summary>Serves <paramref name="handler"/> at <paramref name="path"/>.</summary>
    public void Map(string path, RequestDelegate handler) => _routes["/" + path.TrimStart('/')] = handler;

    /// <summary>Answers <paramref name="status"/> (301, 302, 307…) at <paramref name="path"/> with <paramref name="location"/>.</summary>
    public void MapRedirect(string path, int status, string location) => Map(path, context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    });

    /// <summary>Serves fixed bytes with an ETag, answering 304 to a matching If-None-Match.</summary>
    public void MapFile(string path, byte[] body, string contentType = "application/xml", string? etag = null)
    {
        etag ??= "\"" + Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(body))[..16] + "\"";
        Map(path, async context =>
        {
            if (context.Request.Headers.IfNoneMatch.ToString() == etag)
            {
                context.Response.StatusCode = 304;
                return;
            }
            context.Response.Headers.ETag = etag;
            context.Response.ContentType = contentType;
            await context.Response.Body.WriteAsync(body);
        });
    }

    /// <summary>Serves a fixture file (path under Fixtures/).</summary>
    public void MapFixture(string path, string fixture, string contentType = "application/xml") => MapFile(path, Fixtures.Bytes(fixture), contentType);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request the loopback server received.</summary>
/// <param name="Headers">Every request header, by name (case-insensitive), values joined as received.</param>
public sealed record HttpRequestRecord(string PathAndQuery, string IfNoneMatch, string IfModifiedSince, string UserAgent,
    IReadOnlyDictionary<string, string> Headers);
