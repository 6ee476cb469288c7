using System.CommandLine;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>edit ID [--title T] [--summary S]</c>: the editor's title and summary of an entry (the review page's edit).</summary>
/// <remarks>They are kept apart from what the source gave, so a re-poll never overwrites them; an empty text goes back to the source's.</remarks>
internal static class EditCommand
{
    public static Command Create(Func<ParseResult, CliContext> context, Action<IServiceCollection>? configure)
    {
        var id = new Argument<long>("ID") { Description = "Entry id (see 'entries')" }.Whole();
        var title = new Option<string?>("--title") { Description = "The title the draft shows (\"\": the source's title again)" };
        var summary = new Option<string?>("--summary") { Description = "The 摘要 the draft shows (\"\": the source's summary again)" };
        var command = new Command("edit", "Set the title and/or summary an entry shows in drafts; re-polls keep them.") { id, title, summary };
        command.SetAction((p, ct) => RunAsync(context(p), p.GetValue(id), p.GetValue(title), p.GetValue(summary), configure, ct));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, long id, string? title, string? summary, Action<IServiceCollection>? configure,
        CancellationToken cancellationToken)
    {
        if (title is null && summary is null)
        {
            context.Error.WriteLine("edit: give --title and/or --summary");
            return ExitCodes.UsageOrConfig;
        }
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        await using var app = WorkerHost.BuildCommand(config, configure);
        if (!(await app.Services.GetRequiredService<EditorStore>().SetTextAsync(id, title, summary, cancellationToken)).Found)
        {
            context.Error.WriteLine($"no entry with id {id}");
            return ExitCodes.UsageOrConfig;
        }
        if (title is not null) context.Out.WriteLine(title.Trim().Length == 0 ? $"{id}: title from the source" : $"{id}: title set");
        if (summary is not null) context.Out.WriteLine(summary.Trim().Length == 0 ? $"{id}: summary from the source" : $"{id}: summary set");
        return ExitCodes.Ok;
    }
}
