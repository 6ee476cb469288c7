using Microsoft.Extensions.Hosting;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>A hosted service that only runs <paramref name="capture"/> as the host starts: a test takes the daemon's services then.</summary>
public sealed class CaptureAtStart(Action capture) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        capture();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
