using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Storage;

/// <summary>Whether this process may write a path (Linux <c>faccessat</c> as the effective user): what a message adds when the system's own does not say which file or folder it refused.</summary>
/// <remarks>
/// SQLite's "attempt to write a readonly database" and "unable to open database file" name neither the file nor why. Asked
/// only after a failure, to word it; elsewhere than Linux, or where the C library lacks it, nothing is known and nothing added.
/// </remarks>
internal static class WriteAccess
{
    private const int AtFdCwd = -100, WriteOk = 2, AtEaccess = 0x200, Eacces = 13, Erofs = 30;
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>Why this process cannot write <paramref name="path"/> ("permission denied", "read-only file system"), or null when it can or it cannot be told.</summary>
    public static string? Denied(string path)
    {
        if (s_unavailable) return null;
        try
        {
            if (FAccessAt(AtFdCwd, path, WriteOk, AtEaccess) == 0) return null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
            return null;
        }
        return Marshal.GetLastPInvokeError() switch
        {
            Eacces => "permission denied",
            Erofs => "read-only file system",
            _ => null,
        };
    }

    /// <summary>
    /// Which file or folder of the SQLite database at <paramref name="path"/> this process may not write, when SQLite refused
    /// to write or open it (<paramref name="exception"/>: read-only, cannot open, no permission), and what to do; else null.
    /// </summary>
    /// <remarks>
    /// In WAL mode SQLite writes two files beside the database, <c>-wal</c> and <c>-shm</c>, made in its folder by the first
    /// process that opens it, with the database file's mode: a writable file in a folder that is not writable cannot be
    /// written, and a process that opened a read-only database file leaves them read-only for the writers after it.
    /// </remarks>
    public static string? SqliteProblem(string path, Exception exception)
    {
        if (exception is not SqliteException { SqliteErrorCode: var code }
            || (code & 0xFF) is not (SQLitePCL.raw.SQLITE_READONLY or SQLitePCL.raw.SQLITE_CANTOPEN or SQLitePCL.raw.SQLITE_PERM)
            || !Path.IsPathRooted(path) || !File.Exists(path))
            return null;
        if (Denied(path) is { } file) return $"the database file is not writable for this user ({file})";
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            if (File.Exists(path + suffix) && Denied(path + suffix) is { } beside)
                return $"{path}{suffix} is not writable for this user ({beside}), as SQLite leaves it after a process opened the database file while it was read-only: "
                    + "give it the database file's owner and mode";
        }
        return Path.GetDirectoryName(path) is { } folder && Denied(folder) is { } why
            ? $"its folder {folder} is not writable for this user ({why}), and SQLite makes the database's -wal and -shm files there: make the folder writable"
            : null;
    }

    [DllImport("libc", EntryPoint = "faccessat", SetLastError = true)]
    private static extern int FAccessAt(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode, int flags);
}
