using System.Text;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Worker;

/// <summary>Builds, renders and writes drafts; files are replaced atomically (temp file + rename).</summary>
internal sealed class DraftFiles(DraftExporter exporter, IssueStore issues, LoadedConfig config, IOptions<ReportOptions> report)
{
    /// <summary>The draft of <paramref name="window"/> as markdown or JSON.</summary>
    public async Task<string> RenderAsync(DraftWindow window, string format, CancellationToken cancellationToken)
    {
        var draft = await exporter.BuildAsync(window, cancellationToken);
        return format == "json" ? DraftRenderer.RenderJson(draft) : config.Renderer.Render(draft);
    }

    /// <summary>Writes the week's draft to <c>DraftsDirectory/&lt;YYYY-Www&gt;.md</c>, keeping older drafts; returns the path.</summary>
    public async Task<string> WriteWeekAsync(EditorialWeek week, CancellationToken cancellationToken)
    {
        var window = DraftWindow.Of(week, config.Draft.Zone());
        var text = await RenderAsync(window, "markdown", cancellationToken);
        var path = Path.GetFullPath(Path.Combine(report.Value.DraftsDirectory, $"{week}.md"));
        await WriteAtomicallyAsync(path, text, cancellationToken);
        await issues.RecordExportAsync(window.First, window.Last, cancellationToken);
        return path;
    }

    /// <summary>Writes <paramref name="text"/> to a temporary file beside <paramref name="path"/>, then renames it over the target.</summary>
    /// <exception cref="OutputFileException">The file could not be written: names <paramref name="path"/>, not the temporary file.</exception>
    public static Task WriteAtomicallyAsync(string path, string text, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(path, new UTF8Encoding(false).GetBytes(text), null, cancellationToken);

    /// <summary>Writes <paramref name="bytes"/> as <see cref="WriteAtomicallyAsync(string, string, CancellationToken)"/> does, the file with <paramref name="mode"/> when given.</summary>
    /// <param name="mode">The Unix permissions of the new file (a file it replaces keeps its own this way); null: the default for new files.</param>
    public static async Task WriteAtomicallyAsync(string path, byte[] bytes, UnixFileMode? mode, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllBytesAsync(temp, bytes, cancellationToken);
            if (mode is { } permissions && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, permissions);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputFileException(full, ex, temp);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
