using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport;

/// <summary>
/// A file this program writes (a draft, an issue, a backup) could not be written: the message names that file, never the
/// temporary file written beside it first, and says why (a folder this user may not write, …).
/// </summary>
public sealed class OutputFileException : IOException
{
    /// <param name="path">The file that was to be written (full path).</param>
    /// <param name="inner">What the system or SQLite threw.</param>
    /// <param name="temporary">The temporary file written first, which the system's message may name instead.</param>
    public OutputFileException(string path, Exception inner, string? temporary = null) : this(path, Explain(path, inner, temporary), inner)
    {
    }

    private OutputFileException(string path, string reason, Exception inner) : base($"{path}: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file that was to be written.</summary>
    public string Path { get; }

    /// <summary>Why it could not be, without the path: for a message that names the file as the user gave it (<c>--out FILE: …</c>).</summary>
    public string Reason { get; }

    // The nearest folder that exists is where the file (or the folders still missing above it) had to be made.
    private static string Explain(string path, Exception inner, string? temporary)
    {
        var folder = System.IO.Path.GetDirectoryName(path);
        while (folder is not null && !Directory.Exists(folder)) folder = System.IO.Path.GetDirectoryName(folder);
        if (folder is not null && WriteAccess.Denied(folder) is { } why)
            return $"cannot write in the folder {folder} ({why}): choose a folder this user can write to, or make it writable";
        var message = inner.Message.TrimEnd('.');
        return temporary is null ? message : message.Replace(temporary, path, StringComparison.Ordinal);
    }
}
