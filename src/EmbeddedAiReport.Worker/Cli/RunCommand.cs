using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>run</c>: the daemon, until SIGINT/SIGTERM.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(CliContext context, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        await using var app = WorkerHost.Build(config, daemon: true, configure);
        await app.Services.GetRequiredService<ReportDatabase>().MigrateAsync(cancellationToken);
        // Quartz refuses to start on a job store it cannot read; a damaged one costs only the schedules, rebuilt from sources.json.
        var tables = app.Services.GetRequiredService<SchedulerTables>();
        if (await tables.CheckAsync(cancellationToken) is { } problem)
        {
            context.Error.WriteLine($"warning: the job store is damaged ({problem}); recreating it and rebuilding the schedules from sources.json");
            await tables.RecreateAsync(cancellationToken);
        }
        await app.RunAsync(cancellationToken);
        return ExitCodes.Ok;
    }
}
