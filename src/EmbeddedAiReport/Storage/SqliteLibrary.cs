using SQLitePCL;

namespace EmbeddedAiReport.Storage;

/// <summary>The process-wide settings of the SQLite library, made once before it opens its first connection.</summary>
/// <remarks>
/// <para>No memory statistics: nothing here reads them, and keeping them takes a global mutex on every allocation.</para>
/// <para>Serialized threading, SQLite's default, on purpose: each connection locks a mutex of its own around every call.
/// .NET finalizes a command that was not disposed (its prepared statements: <c>sqlite3_finalize</c>) on the collector's
/// finalizer thread, whenever the collector finds it, while its pooled connection may be in use on another thread; a
/// library or an exception path can leave one (a cancelled open, a command made before a throw). Multi-thread mode
/// (commits 99c16d2 to 2a2632f, 2026-12-02) dropped that mutex for ~2 % of a cold poll's CPU (going back measured 0.99×
/// wall and CPU, within noise) and turned such a race into memory corruption: one benchmark poll failed with "abort due
/// to ROLLBACK", then "file is not a database" on a pooled connection, and died of signal 11 (README, eleventh round;
/// <c>bench … threading</c> shows the mechanism). The mutex makes the finalizer wait for the call in progress.</para>
/// <para>The bundled library is built THREADSAFE=1, which keeps the statistics switchable at start; once a connection
/// has opened SQLite, <c>sqlite3_config</c> is refused and changes nothing (<see cref="Configured"/> is then false, and
/// SQLite keeps statistics: correct, only slower).</para>
/// </remarks>
internal static class SqliteLibrary
{
    private static readonly bool s_configured = Configure();

    /// <summary>True when SQLite took the settings.</summary>
    public static bool Configured => s_configured;

    /// <summary>Makes the settings if they are not made yet (cheap after the first call).</summary>
    public static void EnsureConfigured() => _ = s_configured;

    private static bool Configure()
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0) == raw.SQLITE_OK;
    }
}
