namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// A test class with a loopback HTTP server, fresh per test, and what tests put beside it: the real core services (temporary
/// database, fake clock) and a temporary folder (config, database and drafts of the CLI or the daemon), all gone after the test.
/// </summary>
/// <remarks>Derived classes that set up more (map feeds, poll once) override <see cref="InitializeAsync"/> and call the base first.</remarks>
public abstract class LoopbackTest : IAsyncLifetime
{
    private readonly Func<LoopbackServer, TestServices>? _createServices;
    private TestServices? _services;
    private TempDirectory? _folder;

    /// <summary>A server and, on first use, <see cref="Folder"/>; no services.</summary>
    protected LoopbackTest()
    {
    }

    protected LoopbackTest(TestServices services) => _services = services;

    /// <summary>Services built once the server runs, for services whose HTTP client is routed to it.</summary>
    protected LoopbackTest(Func<LoopbackServer, TestServices> createServices) => _createServices = createServices;

    protected TestServices Services => _services ?? throw new InvalidOperationException("this test class was made without services");

    protected LoopbackServer Server { get; private set; } = null!;

    /// <summary>A temporary folder, created on first use.</summary>
    protected TempDirectory Folder => _folder ??= new TempDirectory();

    public virtual async Task InitializeAsync()
    {
        Server = await LoopbackServer.StartAsync();
        if (_createServices is not null) _services = _createServices(Server);
    }

    public virtual async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _services?.Dispose();
        _folder?.Dispose();
    }
}
