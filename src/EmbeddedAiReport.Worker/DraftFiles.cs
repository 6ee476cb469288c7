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
    public static async Task WriteAtomicallyAsync(string path, string text, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temp, text, new UTF8Encoding(false), cancellationToken);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
