namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>run</c>: the daemon, until SIGINT/SIGTERM.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(CliContext context, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        await using var app = WorkerHost.Build(config, daemon: true, configure);
        await app.Services.GetRequiredService<EmbeddedAiReport.Storage.ReportDatabase>().MigrateAsync(cancellationToken);
        await app.RunAsync(cancellationToken);
        return ExitCodes.Ok;
    }
}
