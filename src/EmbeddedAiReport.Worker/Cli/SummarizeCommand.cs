using System.CommandLine;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Summaries;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>summarize [--week …]</c>: ask the model for the Chinese 摘要 of a window's draft items that have none stored yet.</summary>
internal static class SummarizeCommand
{
    public static Command Create(Func<ParseResult, CliContext> context, Action<IServiceCollection>? configure)
    {
        var window = new WindowOptions();
        var command = new Command("summarize", "Write the Chinese 摘要 of the draft's items (and shortlisted entries) with the configured model (Summaries:Endpoint).");
        window.AddTo(command);
        command.SetAction((p, ct) => ReportCli.WithSignals(ct, token => RunAsync(context(p), window.Read(p), configure, token)));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, ExportCommand.Arguments window, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        if (!config.Summaries.Enabled)
        {
            context.Error.WriteLine(OffMessage);
            return ExitCodes.UsageOrConfig;
        }
        await using var app = WorkerHost.BuildCommand(config, configure);
        var (resolved, nothingNewer) = await ExportCommand.ResolveWindowAsync(context, app.Services, config, window, cancellationToken, "nothing to summarize");
        if (resolved is not { } draftWindow) return nothingNewer ? ExitCodes.Ok : ExitCodes.UsageOrConfig;
        var run = await app.Services.GetRequiredService<EntrySummarizer>().SummarizeAsync(draftWindow, null, cancellationToken);
        context.Out.WriteLine($"{"id",6}  {"outcome",-16} title");
        foreach (var item in run.Items)
        {
            context.Out.WriteLine($"{item.Source.EntryId,6}  {Name(item.Outcome),-16} {TextCleaner.Truncate(item.Source.Title, 80)}");
            if (item.Detail is { } detail && item.Outcome != SummaryOutcome.OverWeeklyLimit) context.Out.WriteLine($"{"",8}{detail}");
        }
        context.Error.WriteLine(Totals(run));
        return run.Count(SummaryOutcome.Failed) > 0 ? ExitCodes.SourcesFailed : ExitCodes.Ok;
    }

    /// <summary>For <c>export --summaries</c>: fills missing 摘要 within Summaries:ExportBudget; the draft is written whatever happens.</summary>
    public static async Task FillAsync(IServiceProvider services, DraftWindow window, TextWriter error, CancellationToken cancellationToken)
    {
        var summarizer = services.GetRequiredService<EntrySummarizer>();
        if (!summarizer.Enabled)
        {
            error.WriteLine($"warning: --summaries: {OffMessage}");
            return;
        }
        var budget = services.GetRequiredService<IOptions<SummariesOptions>>().Value.ExportBudget;
        error.WriteLine(Totals(await summarizer.SummarizeAsync(window, budget, cancellationToken)));
    }

    private const string OffMessage = "summaries are off: set Summaries:Endpoint and Summaries:Model (env EAIR_Summaries__Endpoint, EAIR_Summaries__Model)";

    private static string Totals(SummaryRun run)
    {
        var left = run.Count(SummaryOutcome.OverWeeklyLimit) + run.Count(SummaryOutcome.OverTimeBudget) + run.Count(SummaryOutcome.NotCalled) + run.Count(SummaryOutcome.Failed);
        var line = $"summaries: {run.Calls} calls, {run.Count(SummaryOutcome.Accepted)} accepted, {run.Count(SummaryOutcome.Refused)} refused, "
            + $"{run.Count(SummaryOutcome.Cached)} stored before, {left} left with the source text";
        // Why calls stopped, else why an entry failed on its own (a prompt beyond the server's context).
        var failure = run.Error ?? run.Items.FirstOrDefault(i => i.Outcome == SummaryOutcome.Failed)?.Detail;
        return failure is { } error ? $"{line}; {error}" : line;
    }

    private static string Name(SummaryOutcome outcome) => outcome switch
    {
        SummaryOutcome.Accepted => "accepted",
        SummaryOutcome.Refused => "refused",
        SummaryOutcome.Cached => "stored before",
        SummaryOutcome.EditorSummary => "editor's",
        SummaryOutcome.NoText => "no text",
        SummaryOutcome.AlreadyChinese => "already Chinese",
        SummaryOutcome.OverWeeklyLimit => "over MaxPerWeek",
        SummaryOutcome.OverTimeBudget => "over budget",
        SummaryOutcome.Failed => "failed",
        _ => "not called",
    };
}
