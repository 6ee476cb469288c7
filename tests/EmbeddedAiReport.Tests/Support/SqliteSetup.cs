using System.Runtime.CompilerServices;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// SQLite as the program sets it up (serialized connections, no memory statistics), before any test opens a connection: tests
/// run in parallel and some open SQLite directly, so whichever came first would otherwise decide for the whole run.
/// </summary>
internal static class SqliteSetup
{
#pragma warning disable CA2255 // a test assembly: it runs once, when the test host loads it
    [ModuleInitializer]
    internal static void Initialize() => SqliteLibrary.EnsureConfigured();
#pragma warning restore CA2255
}
