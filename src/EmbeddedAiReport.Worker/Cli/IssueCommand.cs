using System.CommandLine;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>issue [DATE] [--out FILE]</c>: a recorded issue's markdown as it went out, or the list of recorded issues.</summary>
/// <remarks>
/// <c>publish</c> (and the review page's Publish) keeps the draft it recorded, rendered with the issue's date;
/// <c>import-issue</c> keeps the file it read. So an editor who pressed Publish before copying the draft gets it back
/// here, byte for byte. Issues recorded before migration 0018 kept none: they are listed as such.
/// </remarks>
internal static class IssueCommand
{
    public static Command Create(Func<ParseResult, CliContext> context, Action<IServiceCollection>? configure)
    {
        var date = new Argument<string?>("DATE") { Description = "The issue's date, yyyy-MM-dd (none: list the recorded issues)", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string?>("--out") { Description = "Write to this file (atomically) instead of stdout" };
        var command = new Command("issue", "Print a recorded issue's markdown as it was published or imported, or list the recorded issues.") { date, output };
        command.SetAction((p, ct) => ReportCli.WithSignals(ct, token => RunAsync(context(p), p.GetValue(date), p.GetValue(output), configure, token)));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string? dateText, string? output, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (!DayArgument.TryRead(context, dateText, "issue", out var date)) return ExitCodes.UsageOrConfig;
        if (context.RefusedOut(output, FileArgument.OutputProblem)) return ExitCodes.UsageOrConfig;
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        if (context.RefusedOut(output, path => FileArgument.ReplacesDatabase(path, config))) return ExitCodes.UsageOrConfig;
        await using var app = WorkerHost.BuildCommand(config, configure);
        var issues = app.Services.GetRequiredService<IssueStore>();
        if (date is not { } day)
        {
            var dates = await issues.DatesAsync(cancellationToken);
            foreach (var (recorded, kept) in dates)
                context.Out.WriteLine($"{recorded:yyyy-MM-dd}{(kept ? "" : "  (recorded before issues kept their markdown)")}");
            context.Error.WriteLine($"{dates.Count} issue(s)");
            return ExitCodes.Ok;
        }
        var (exists, markdown) = await issues.MarkdownAsync(day, cancellationToken);
        if (!exists || markdown is null)
        {
            context.Error.WriteLine(exists
                ? $"issue: the issue of {day:yyyy-MM-dd} was recorded before issues kept their markdown; nothing to print"
                : $"issue: no issue of {day:yyyy-MM-dd} is recorded (see 'issue' for the list)");
            return ExitCodes.UsageOrConfig;
        }
        if (output is { } path)
        {
            try
            {
                await DraftFiles.WriteAtomicallyAsync(path, markdown, cancellationToken);
            }
            catch (OutputFileException ex)
            {
                context.Error.WriteLine($"--out {path}: {ex.Reason}");
                return ExitCodes.UsageOrConfig;
            }
            context.Error.WriteLine($"wrote {Path.GetFullPath(path)} (issue {day:yyyy-MM-dd})");
        }
        else
        {
            await context.Out.WriteAsync(markdown);
        }
        return ExitCodes.Ok;
    }
}
