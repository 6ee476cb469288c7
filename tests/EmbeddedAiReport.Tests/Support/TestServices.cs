using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>The real core services on a temporary database, with a fake clock.</summary>
public sealed class TestServices : IDisposable
{
    private readonly ServiceProvider _provider;
    private readonly TempDirectory _directory = new();
    private readonly TestDatabase _database;
    private readonly bool _owner;

    public TestServices(DateTimeOffset? now = null, FetchingOptions? fetching = null, DraftOptions? draft = null, Action<IServiceCollection>? configure = null,
        StorageProvider provider = StorageProvider.Sqlite, TestServices? sameDatabaseAs = null)
    {
        // A second set of services on another's database is a second daemon (its own caches, writer and story index).
        _owner = sameDatabaseAs is null;
        _database = sameDatabaseAs?._database ?? TestDatabase.Create(provider, _directory);
        Clock = new FakeTimeProvider(now ?? new DateTimeOffset(2020, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton(Options.Create(fetching ?? NoRetries()));
        // Tests of storage and drafting mechanics keep every candidate; relevance cuts have their own tests.
        services.AddSingleton(Options.Create(draft ?? new DraftOptions { MinScore = 0 }));
        services.AddEmbeddedAiReport(_database.Open());
        configure?.Invoke(services);
        _provider = services.BuildServiceProvider();
    }

    public FakeTimeProvider Clock { get; }

    /// <summary>
    /// Fetching settings for tests on a fake clock: no politeness gaps, no retries and no circuit breaker, since their
    /// waits would only end when a test advances the clock. Retry and breaker behaviour have their own tests.
    /// </summary>
    public static FetchingOptions NoRetries() => new() { HostDelays = [], Retries = 0, CircuitBreakerFailures = 1_000_000 };

    public string DatabasePath => _database.SqlitePath;

    /// <summary>The database the services use.</summary>
    public TestDatabase Database => _database;

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>Parses a sources.json text with the registered kinds; fails the test on any problem.</summary>
    public IReadOnlyList<SourceDefinition> Sources(string json)
    {
        var (sources, problems) = Get<SourceCatalog>().Parse(json, "sources.json", new DraftOptions().SectionSlugs(), _ => null);
        Assert.Empty(problems);
        return sources;
    }

    public void Dispose()
    {
        _provider.Dispose();
        if (_owner) _database.Dispose();
        _directory.Dispose();
    }
}
