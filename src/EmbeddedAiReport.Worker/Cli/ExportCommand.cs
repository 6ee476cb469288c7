using System.Globalization;
using EmbeddedAiReport.Drafting;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>export</c>: render the draft of a week or date range to stdout or a file.</summary>
internal static class ExportCommand
{
    public sealed record Arguments(string? Week, string? From, string? To, string? Out, string Format);

    public static async Task<int> RunAsync(CliContext context, Arguments arguments, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        await using var app = WorkerHost.Build(config, daemon: false, configure);
        var zone = config.Draft.Zone();
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (Window(arguments, zone, now, out var problem) is not { } window)
        {
            context.Error.WriteLine(problem);
            return ExitCodes.UsageOrConfig;
        }

        var text = await app.Services.GetRequiredService<DraftFiles>().RenderAsync(window, arguments.Format, cancellationToken);
        if (arguments.Out is { } path)
        {
            await DraftFiles.WriteAtomicallyAsync(path, text, cancellationToken);
            context.Error.WriteLine($"wrote {Path.GetFullPath(path)} ({window.First:yyyy-MM-dd} .. {window.Last:yyyy-MM-dd})");
        }
        else
        {
            await context.Out.WriteAsync(text);
        }
        return ExitCodes.Ok;
    }

    /// <summary>The window the arguments name: --week, or --from/--to (inclusive), or the current week.</summary>
    internal static DraftWindow? Window(Arguments arguments, TimeZoneInfo zone, DateTimeOffset now, out string problem)
    {
        problem = "";
        if (arguments.Week is not null && (arguments.From is not null || arguments.To is not null))
        {
            problem = "use either --week or --from/--to, not both";
            return null;
        }
        if (arguments.Week is { } weekText)
        {
            if (EditorialWeek.TryParse(weekText) is { } week) return DraftWindow.Of(week, zone);
            problem = $"--week: '{weekText}' is not an ISO week such as 2020-W48";
            return null;
        }
        if (arguments.From is null && arguments.To is null) return DraftWindow.Of(EditorialWeek.Containing(now, zone), zone);
        if (arguments.From is null || arguments.To is null)
        {
            problem = "--from and --to go together";
            return null;
        }
        if (!DateOnly.TryParseExact(arguments.From, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            || !DateOnly.TryParseExact(arguments.To, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
        {
            problem = "--from/--to: dates are yyyy-MM-dd";
            return null;
        }
        if (to < from)
        {
            problem = $"--to {to:yyyy-MM-dd} is before --from {from:yyyy-MM-dd}";
            return null;
        }
        return DraftWindow.Of(from, to, zone);
    }
}
