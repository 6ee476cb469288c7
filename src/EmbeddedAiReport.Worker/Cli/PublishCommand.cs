using EmbeddedAiReport.Drafting;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>publish --week …</c>: mark the items of that window's draft as published (they never appear in a later draft).</summary>
internal static class PublishCommand
{
    public static async Task<int> RunAsync(CliContext context, ExportCommand.Arguments window, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        await using var app = WorkerHost.Build(config, daemon: false, configure);
        var resolved = await ExportCommand.ResolveWindowAsync(app.Services, config, window, cancellationToken);
        if (resolved.Window is not { } draftWindow)
        {
            context.Error.WriteLine(resolved.Problem);
            return ExitCodes.UsageOrConfig;
        }
        var draft = await app.Services.GetRequiredService<DraftExporter>().BuildAsync(draftWindow, cancellationToken);
        var result = await app.Services.GetRequiredService<IssueHistory>().PublishAsync(draft, cancellationToken);
        context.Out.WriteLine($"published issue {result.Date:yyyy-MM-dd} ({draftWindow.First:yyyy-MM-dd} .. {draftWindow.Last:yyyy-MM-dd}): {result.Items} items, {result.EntriesPublished} entries marked published");
        if (await app.Services.GetRequiredService<ModelRetraining>().AfterPublishAsync(cancellationToken) is { } retrained) context.Out.WriteLine(retrained);
        return ExitCodes.Ok;
    }
}
