using SQLitePCL;

namespace EmbeddedAiReport.Storage;

/// <summary>The process-wide settings of the SQLite library, made once before it opens its first connection.</summary>
/// <remarks>
/// <para>Multi-thread mode: a connection is used by one thread at a time (ADO.NET's rule, which this program keeps: the
/// poll writer's connection is held by whoever holds its gate, the checkpointer and every reader open their own), so
/// SQLite need not lock a mutex per connection on every call (bind, step, reset: several per stored entry).</para>
/// <para>No memory statistics: nothing here reads them, and keeping them takes a global mutex on every allocation.</para>
/// <para>The bundled library is built THREADSAFE=1, which keeps both switchable at start; once a connection has opened
/// SQLite, <c>sqlite3_config</c> is refused and changes nothing (<see cref="Configured"/> is then false, and SQLite runs
/// as built: correct, only slower). A cold 200-feed poll spent ~2 % of its CPU in those mutexes.</para>
/// </remarks>
internal static class SqliteLibrary
{
    private static readonly bool s_configured = Configure();

    /// <summary>True when SQLite took both settings.</summary>
    public static bool Configured => s_configured;

    /// <summary>Makes the settings if they are not made yet (cheap after the first call).</summary>
    public static void EnsureConfigured() => _ = s_configured;

    private static bool Configure()
    {
        Batteries_V2.Init();
        var threading = raw.sqlite3_config(raw.SQLITE_CONFIG_MULTITHREAD);
        var statistics = raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0);
        return threading == raw.SQLITE_OK && statistics == raw.SQLITE_OK;
    }
}
