namespace EmbeddedAiReport.Tests.Support;

/// <summary>A test class with the real core services (temporary database, fake clock) and a loopback HTTP server, both fresh per test.</summary>
public abstract class LoopbackTest(TestServices services) : IAsyncLifetime
{
    protected TestServices Services { get; } = services;

    protected LoopbackServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Services.Dispose();
    }
}
