namespace EmbeddedAiReport.Worker;

/// <summary>The one daemon of a SQLite database: <c>run</c> holds an exclusive lock on a file beside it while it runs.</summary>
/// <remarks>
/// Quartz's job store on SQLite is not clustered: a second daemon on the same file (started by mistake on another port, or
/// from another config folder) would fire the schedules too, reset the first one's running triggers as it starts and
/// write the weekly draft again. The lock is the system's (<c>flock</c> on Linux, a share lock on Windows), so it goes
/// with the process: a daemon that crashed leaves only the empty file, which the next <c>run</c> takes. One-shot commands
/// (<c>poll</c>, <c>publish</c> …) do not take it: they are meant to run beside the daemon. Several daemons share one
/// database only on PostgreSQL, whose job store is clustered.
/// </remarks>
internal sealed class DaemonLock : IDisposable
{
    private readonly FileStream _file;

    private DaemonLock(FileStream file) => _file = file;

    /// <summary>The lock file of the SQLite database at <paramref name="databasePath"/>.</summary>
    public static string PathOf(string databasePath) => databasePath + ".lock";

    /// <summary>
    /// Takes the lock of <paramref name="databasePath"/>: the lock, or the line for the operator when another daemon holds
    /// it or this user may not open the lock file. Neither when the file cannot be made (a folder this user may not write):
    /// the database's own errors say so.
    /// </summary>
    public static (DaemonLock? Lock, string? Problem) TryAcquire(string databasePath)
    {
        var path = PathOf(databasePath);
        try
        {
            // Opened to read only (nothing is written to it): a lock file another user left, readable by all as files are
            // made (root ran the daemon once), still locks. Opened to write, it was refused and the daemon ran unlocked.
            return (new DaemonLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.None)), null);
        }
        catch (UnauthorizedAccessException) when (File.Exists(path))
        {
            return (null, $"error: {databasePath}: this user may not read the daemon's lock file {path} (permission denied), so a second daemon "
                + "on the database would not be stopped: give the lock file the owner of the database (chown)");
        }
        catch (UnauthorizedAccessException)
        {
            return (null, null);
        }
        catch (IOException) when (File.Exists(path))
        {
            return (null, $"error: {databasePath}: another daemon is running on this database (it holds {path}); stop it first: "
                + "two daemons on one SQLite file would both poll every source and write the weekly draft (several daemons share "
                + "a database only on PostgreSQL, Storage:Provider)");
        }
        catch (IOException)
        {
            return (null, null);
        }
    }

    public void Dispose() => _file.Dispose();
}
