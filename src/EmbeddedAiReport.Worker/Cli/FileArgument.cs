using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>Checks of the files a command line names, made before any work, so that a wrong path is one line and exit 2.</summary>
/// <remarks>Cheap checks only (what is there, the first bytes of a database); what they cannot tell is left to the real open.</remarks>
internal static class FileArgument
{
    private static ReadOnlySpan<byte> SqliteHeader => "SQLite format 3\0"u8;

    /// <summary>Why no file can be written at <paramref name="path"/> (a folder is there, or a file stands where a folder is needed), or null.</summary>
    public static string? OutputProblem(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return "is a directory";
        return FileAbove(full) is { } file ? $"{file} is a file, not a directory" : null;
    }

    /// <summary>
    /// Why a file written at <paramref name="path"/> would destroy the SQLite database <paramref name="config"/> names: it is
    /// the database itself, or the -wal or -shm SQLite keeps beside it, and writing replaces it (under a running daemon too).
    /// Null when it is another file, or the database is PostgreSQL.
    /// </summary>
    /// <remarks>
    /// An existing file is compared by identity (device and inode), so that a symlink or hard link to the database, or a path
    /// through a linked folder, is caught as well as the database's own path; a file not there yet (the -wal and -shm SQLite
    /// makes only while the database is open) by its name and its folder's identity.
    /// </remarks>
    public static string? ReplacesDatabase(string path, LoadedConfig config)
    {
        if (config.Storage.Provider != StorageProvider.Sqlite) return null;
        var database = Path.GetFullPath(config.Report.Database);
        var full = Path.GetFullPath(path);
        var identity = Known(full);
        var folder = Known(Path.GetDirectoryName(full)!);
        bool Names(string own) => full == own || identity is not null && identity == FileIdentity.Of(own)
            || folder is not null && Path.GetFileName(full) == Path.GetFileName(own) && folder == FileIdentity.Of(Path.GetDirectoryName(own)!);
        return new[] { "", "-wal", "-shm" }.FirstOrDefault(suffix => Names(database + suffix)) is { } own
            ? $"is {(own.Length == 0 ? "the database itself" : $"the database's {own} file")}: writing there would replace it; choose another file"
            : null;
    }

    private static FileIdentity? Known(string path) => FileIdentity.Of(path) is { } known && known != FileIdentity.Missing ? known : null;

    /// <summary>Why no folder can be at <paramref name="path"/> to write files into (a file is there, or above it), or null; a missing folder is made.</summary>
    public static string? FolderProblem(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) return "is a file, not a directory";
        return FileAbove(full) is { } file ? $"{file} is a file, not a directory" : null;
    }

    /// <summary>Why the SQLite database at <paramref name="path"/> cannot serve a command that uses it as <paramref name="access"/> says, or null.</summary>
    public static string? DatabaseProblem(string path, DatabaseAccess access)
    {
        if (access == DatabaseAccess.Unused) return null;
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return "is a directory, not a SQLite file";
        if (File.Exists(full)) return IsSqlite(full) ? null : "not a SQLite database";
        return access switch
        {
            DatabaseAccess.Existing => "no database there (poll or run creates one)",
            DatabaseAccess.MayCreate when FileAbove(full) is { } file => $"{file} is a file, not a directory",
            _ => null,
        };
    }

    // The first existing path above `full` when it is a file: the folders to create cannot be made there.
    private static string? FileAbove(string full)
    {
        for (var directory = Path.GetDirectoryName(full); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (Directory.Exists(directory)) return null;
            if (File.Exists(directory)) return directory;
        }
        return null;
    }

    private static bool IsSqlite(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Length == 0) return true;   // SQLite takes an empty file for an empty database
            Span<byte> header = stackalloc byte[SqliteHeader.Length];
            return stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && header.SequenceEqual(SqliteHeader);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;   // cannot tell from here: opening it reports what is wrong
        }
    }
}
