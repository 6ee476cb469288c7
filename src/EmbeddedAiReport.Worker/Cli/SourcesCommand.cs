using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>sources</c>: one line per configured source with its health from the database.</summary>
internal static class SourcesCommand
{
    public static async Task<int> RunAsync(CliContext context, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        await using var app = WorkerHost.Build(config, daemon: false, configure);
        var health = (await app.Services.GetRequiredService<SourceStore>().ListHealthAsync(cancellationToken)).ToDictionary(h => h.Id);
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        context.Out.WriteLine($"{"id",-28} {"kind",-16} {"state",-9} {"entries",7}  {"last success",-20} {"failures",8}  last error");
        foreach (var source in config.Sources)
        {
            var h = health.GetValueOrDefault(source.Id);
            var state = !source.Enabled ? "disabled" : h is null ? "never" : h.ConsecutiveFailures > 0 ? "failing" : "ok";
            var paused = h?.PausedUntil is { } until && until > now ? $" (paused until {Time(until)})" : "";
            context.Out.WriteLine($"{source.Id,-28} {source.Kind,-16} {state,-9} {h?.Entries ?? 0,7}  {Time(h?.LastSuccess),-20} {h?.ConsecutiveFailures ?? 0,8}  {h?.LastError}{paused}");
        }
        return ExitCodes.Ok;
    }

    private static string Time(DateTimeOffset? value) => value is { } v ? v.ToString("yyyy-MM-dd HH:mm:ss'Z'") : "-";
}
