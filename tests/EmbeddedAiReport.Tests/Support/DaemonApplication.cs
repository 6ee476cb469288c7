using EmbeddedAiReport.Worker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>The daemon's application (endpoints, review page) built from a loaded config, on an ephemeral loopback port, for a few requests.</summary>
/// <remarks>Lighter than <see cref="Daemon"/> (the whole <c>run</c> command): no CLI, no log capture; stopped when the requests are done.</remarks>
public static class DaemonApplication
{
    /// <summary>Starts the application of <paramref name="config"/> on 127.0.0.1, hands <paramref name="use"/> it and a client of its address, then stops it.</summary>
    public static async Task<T> WithClientAsync<T>(LoadedConfig config, Func<WebApplication, HttpClient, Task<T>> use, Action<IServiceCollection>? configure = null)
    {
        config.Report.Urls = "http://127.0.0.1:0";
        await using var app = WorkerHost.Build(config, daemon: true, configure);
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/") };
            return await use(app, http);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>As <see cref="WithClientAsync{T}"/>, for requests that only assert.</summary>
    public static Task WithClientAsync(LoadedConfig config, Func<WebApplication, HttpClient, Task> use, Action<IServiceCollection>? configure = null) =>
        WithClientAsync(config, async (app, http) => { await use(app, http); return true; }, configure);
}
