using System.CommandLine;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>
/// <c>rescore [--week …|--from/--to|--since-last|--all]</c>: score and tag stored entries again with the loaded models,
/// tags.json and the sources' weights, as <c>train</c> does with the models it learns; by default the entries after the last
/// recorded issue, as the daemon does when it reloads a change.
/// </summary>
/// <remarks>
/// <c>export</c> and <c>entries</c> read the stored scores and leave them as they are (a read that wrote would take the write
/// lock beside the daemon, and could not tell whether the files changed since the entries were scored): <c>entries
/// --explain</c> notes a stale score, and this command, or the running daemon's reload, brings them up to date.
/// </remarks>
internal static class RescoreCommand
{
    public static Command Create(Func<ParseResult, CliContext> context, Action<IServiceCollection>? configure)
    {
        var all = new Option<bool>("--all") { Description = "Every stored entry, whatever its date (as train rescores)" };
        var window = new WindowOptions();
        var command = new Command("rescore",
            "Score and tag stored entries again with the loaded relevance model, tags.json and sources' weights (default: those after the last issue).") { all };
        window.AddTo(command);
        command.SetAction((p, ct) => ReportCli.WithSignals(ct, token => RunAsync(context(p), window.Read(p), p.GetValue(all), configure, token)));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, ExportCommand.Arguments window, bool all, Action<IServiceCollection>? configure,
        CancellationToken cancellationToken)
    {
        var named = window.Week is not null || window.From is not null || window.To is not null || window.SinceLast;
        if (all && named)
        {
            context.Error.WriteLine("--all rescores every date: use it without --week, --from/--to or --since-last");
            return ExitCodes.UsageOrConfig;
        }
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        await using var app = WorkerHost.BuildCommand(config, configure);
        var rescoring = app.Services.GetRequiredService<StoredRescoring>();
        LabelStore.RescoreScope scope;
        string which;
        if (all) (scope, which) = (LabelStore.RescoreScope.All, "any date");
        else if (named)
        {
            var (chosen, nothingNewer) = await ExportCommand.ResolveWindowAsync(context, app.Services, config, window, cancellationToken, "nothing to rescore");
            if (chosen is null) return nothingNewer ? ExitCodes.Ok : ExitCodes.UsageOrConfig;
            (scope, which) = (new LabelStore.RescoreScope(chosen.FromUtc, chosen.ToUtc), $"{chosen.First:yyyy-MM-dd} .. {chosen.Last:yyyy-MM-dd}");
        }
        else
        {
            (scope, var first) = await rescoring.UnpublishedAsync(null, cancellationToken);
            which = first is { } day ? $"dated from {day:yyyy-MM-dd} on, after the last recorded issue" : "any date: no issue recorded yet";
        }
        var rescored = await rescoring.RescoreAsync(scope, cancellationToken);
        context.Out.WriteLine($"rescored {Counted.Of(rescored.Entries, "entry", "entries")} ({which}): {rescored.Scores} changed score, {rescored.Tags} changed tags");
        return ExitCodes.Ok;
    }
}
