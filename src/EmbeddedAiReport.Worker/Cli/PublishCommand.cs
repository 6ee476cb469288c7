using EmbeddedAiReport.Drafting;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>publish [--week …] [--date D]</c>: record that window's draft as a published issue (its items never appear in a later draft).</summary>
/// <remarks>The review page's Publish runs the same <see cref="IssuePublisher"/>: the issue is dated today (or <c>--date</c>) and its window ends there.</remarks>
internal static class PublishCommand
{
    public static async Task<int> RunAsync(CliContext context, ExportCommand.Arguments window, string? dateText, Action<IServiceCollection>? configure,
        CancellationToken cancellationToken)
    {
        if (!DayArgument.TryRead(context, dateText, "--date", out var date)) return ExitCodes.UsageOrConfig;
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        await using var app = WorkerHost.BuildCommand(config, configure);
        // Publishing needs a draft: --since-last with nothing newer stays an error here (an empty draft is never published).
        if ((await ExportCommand.ResolveWindowAsync(context, app.Services, config, window, cancellationToken)).Window is not { } draftWindow)
            return ExitCodes.UsageOrConfig;
        var outcome = await app.Services.GetRequiredService<IssuePublisher>().PublishAsync(draftWindow, date, cancellationToken, config.Renderer.Render);
        if (outcome is not { Result: { } result, Window: { } covered })
        {
            context.Error.WriteLine($"publish: {outcome.Problem}");
            return ExitCodes.UsageOrConfig;
        }
        context.Out.WriteLine($"published issue {result.Date:yyyy-MM-dd} ({covered.First:yyyy-MM-dd} .. {covered.Last:yyyy-MM-dd}): {Counted.Of(result.Items, "item", "items")}, {Counted.Of(result.EntriesPublished, "entry", "entries")} marked published");
        if (await app.Services.GetRequiredService<ModelRetraining>().AfterPublishAsync(cancellationToken) is { } retrained) context.Out.WriteLine(retrained);
        return ExitCodes.Ok;
    }
}
