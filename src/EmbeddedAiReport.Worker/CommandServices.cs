namespace EmbeddedAiReport.Worker;

/// <summary>The services of a one-shot command (<see cref="WorkerHost.BuildCommand"/>); disposing it disposes them.</summary>
internal sealed class CommandServices(ServiceProvider provider) : IAsyncDisposable
{
    public IServiceProvider Services => provider;

    public ValueTask DisposeAsync() => provider.DisposeAsync();
}
