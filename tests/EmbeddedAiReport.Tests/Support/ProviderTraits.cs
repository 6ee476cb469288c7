namespace EmbeddedAiReport.Tests.Support;

/// <summary>The trait that marks the PostgreSQL variants of the tests, so that <c>EAIR_TEST_POSTGRES=skip</c> can leave them out.</summary>
public static class ProviderTraits
{
    public const string Name = "Provider";
    public const string Postgres = "postgres";
}
