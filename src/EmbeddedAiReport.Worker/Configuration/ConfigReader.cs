using System.Text;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Sources;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>What a <see cref="ConfigPart"/> reads with: the folder, the settings parts depend on, and a list for problems.</summary>
internal sealed class ConfigReader(string directory, DraftOptions draft, IReadOnlyList<ISourceKind> kinds)
{
    private readonly List<string> _problems = [];

    public string Directory { get; } = directory;
    public DraftOptions Draft { get; } = draft;
    public IReadOnlyList<ISourceKind> Kinds { get; } = kinds;
    public IReadOnlyList<string> Problems => _problems;

    public void Problem(string problem) => _problems.Add(problem);

    public void AddProblems(IEnumerable<string> problems) => _problems.AddRange(problems);

    /// <summary>The text of <paramref name="file"/>; null (and, when <paramref name="required"/>, a problem) when it is missing or unreadable.</summary>
    public string? Read(string file, bool required = true)
    {
        var path = Path.Combine(Directory, file);
        if (!File.Exists(path))
        {
            if (required) Problem($"{file}: not found in {Directory}");
            return null;
        }
        try
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (IOException ex)
        {
            Problem($"{file}: cannot be read: {ex.Message}");
            return null;
        }
    }
}
