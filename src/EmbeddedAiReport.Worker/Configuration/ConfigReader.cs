using System.Text;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Sources;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>What a <see cref="ConfigPart"/> reads with: the folder, the settings parts depend on, and a list for problems.</summary>
/// <param name="draft">The draft settings, which may still be being bound at start (<see cref="Draft"/> waits for them).</param>
/// <param name="kinds">The source kinds, which may still be being made (<see cref="Kinds"/> waits for them).</param>
/// <param name="reloading">True when the daemon reloads a changed file: a fallback is then a problem, so the running value stays.</param>
internal sealed class ConfigReader(string directory, Task<DraftOptions> draft, Task<IReadOnlyList<ISourceKind>> kinds, bool reloading = false)
{
    private readonly List<string> _problems = [];
    private readonly List<string> _warnings = [];

    public string Directory { get; } = directory;
    public DraftOptions Draft => draft.GetAwaiter().GetResult();
    public IReadOnlyList<ISourceKind> Kinds => kinds.GetAwaiter().GetResult();
    public IReadOnlyList<string> Problems => _problems;

    public IReadOnlyList<string> Warnings => _warnings;

    public void Problem(string problem) => _problems.Add(problem);

    /// <summary>Something the program can run without (it falls back); at start a warning, on a reload a problem.</summary>
    public void Fallback(string problem)
    {
        if (reloading) _problems.Add(problem);
        else _warnings.Add(problem);
    }

    /// <summary>Something the program runs without, at start and on a reload alike (a file that is simply absent).</summary>
    public void Warn(string warning) => _warnings.Add(warning);

    public void AddProblems(IEnumerable<string> problems) => _problems.AddRange(problems);

    /// <summary>Why <paramref name="file"/> (no file there) is not read from <paramref name="directory"/>: a folder has its name, or nothing is there.</summary>
    public static string Absent(string file, string directory) => System.IO.Directory.Exists(Path.Combine(directory, file))
        ? $"{file}: is a directory in {directory}, not a file"
        : $"{file}: not found in {directory}";

    /// <summary>The text of <paramref name="file"/>; null (and, when <paramref name="required"/>, a problem) when it is missing or unreadable.</summary>
    public string? Read(string file, bool required = true)
    {
        var path = Path.Combine(Directory, file);
        if (!File.Exists(path))
        {
            if (required || System.IO.Directory.Exists(path)) Problem(Absent(file, Directory));
            return null;
        }
        try
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)   // a mode this user may not read
        {
            Problem($"{file}: cannot be read: {ex.Message}");
            return null;
        }
    }
}
