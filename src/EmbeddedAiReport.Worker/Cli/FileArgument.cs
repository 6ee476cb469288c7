namespace EmbeddedAiReport.Worker.Cli;

/// <summary>Checks of the files a command line names, made before any work, so that a wrong path is one line and exit 2.</summary>
/// <remarks>Cheap checks only (what is there); what they cannot tell is left to the real open.</remarks>
internal static class FileArgument
{
    /// <summary>Why no file can be written at <paramref name="path"/> (a folder is there, or a file stands where a folder is needed), or null.</summary>
    public static string? OutputProblem(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return "is a directory";
        return FileAbove(full) is { } file ? $"{file} is a file, not a directory" : null;
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

}
