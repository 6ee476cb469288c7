using System.CommandLine;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>
/// <c>move ID [--section S] [--position N] [--week …]</c>: put an entry in another section and/or at a place within its
/// section of the draft (the review page's move and reorder).
/// </summary>
internal static class MoveCommand
{
    /// <summary>The <c>--section</c> value that hands the entry back to the pipeline's section.</summary>
    public const string AutoSection = "auto";

    public static Command Create(Func<ParseResult, CliContext> context, Action<IServiceCollection>? configure)
    {
        var id = new Argument<long>("ID") { Description = "Entry id (see 'entries')" }.Whole();
        var section = new Option<string?>("--section") { Description = $"Section slug or name ('{AutoSection}': the section the pipeline chose)" };
        var position = new Option<int?>("--position") { Description = "1-based place within its section of the draft (the other items keep their order)" }.Whole();
        var window = new WindowOptions();
        var command = new Command("move", "Move an entry to another section and/or a place within its section; re-polls keep it.") { id, section, position };
        window.AddTo(command);
        command.SetAction((p, ct) => RunAsync(context(p), p.GetValue(id), p.GetValue(section), p.GetValue(position), window.Read(p), configure, ct));
        return command;
    }

    /// <param name="window">The draft whose order <paramref name="position"/> counts in; none given: the week of the entry.</param>
    public static async Task<int> RunAsync(CliContext context, long id, string? section, int? position, ExportCommand.Arguments window,
        Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (section is null && position is null)
        {
            context.Error.WriteLine("move: give --section and/or --position");
            return ExitCodes.UsageOrConfig;
        }
        if (position is < 1)
        {
            context.Error.WriteLine("--position: places start at 1");
            return ExitCodes.UsageOrConfig;
        }
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        string? slug = null;
        if (section is not null && section != AutoSection && !config.Draft.SectionSlugs().TryGetValue(section, out slug))
        {
            context.Error.WriteLine($"--section: unknown section '{section}' (known: {string.Join(", ", config.Draft.SectionSlugs().Keys.Order())}, {AutoSection})");
            return ExitCodes.UsageOrConfig;
        }
        await using var app = WorkerHost.BuildCommand(config, configure);
        var editor = app.Services.GetRequiredService<EditorStore>();
        if (await editor.WindowTimeAsync(id, cancellationToken) is not { } time)
        {
            context.Error.WriteLine($"no entry with id {id}");
            return ExitCodes.UsageOrConfig;
        }
        if (section is not null)
        {
            await editor.SetSectionAsync(id, slug, cancellationToken);
            context.Out.WriteLine($"{id}: section {slug ?? "from the pipeline"}");
        }
        if (position is not { } place) return ExitCodes.Ok;

        var draftWindow = DraftWindow.Of(EditorialWeek.Containing(time, config.Draft.Zone()), config.Draft.Zone());
        if (window.Week is not null || window.From is not null || window.To is not null || window.SinceLast)
        {
            if ((await ExportCommand.ResolveWindowAsync(context, app.Services, config, window, cancellationToken)).Window is not { } resolved)
                return ExitCodes.UsageOrConfig;
            draftWindow = resolved;
        }
        var moved = await app.Services.GetRequiredService<DraftReview>().MoveToAsync(id, place, draftWindow, cancellationToken);
        if (moved.Problem is { } problem)
        {
            context.Error.WriteLine(problem);
            return ExitCodes.UsageOrConfig;
        }
        context.Out.WriteLine(moved.Describe(id));
        return ExitCodes.Ok;
    }
}
