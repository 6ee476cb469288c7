using EmbeddedAiReport.Sources;
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
        var kinds = app.Services.GetRequiredService<SourceCatalog>().Kinds;
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        context.Out.WriteLine($"{"id",-28} {"kind",-16} {"state",-9} {"entries",7}  {"last success",-20} {"failures",8}  last error");
        foreach (var source in config.Sources)
        {
            var h = health.GetValueOrDefault(source.Id);
            var state = !source.Enabled ? "disabled" : h is null ? "never" : h.ConsecutiveFailures > 0 ? "failing" : "ok";
            // A mirror that answers 200 with nothing new for longer than its cadence has probably lost its login.
            var note = h?.LastError;
            if (state == "ok" && h is not null && kinds.TryGetValue(source.Kind, out var kind) && kind.StaleAfter(source) is { } staleAfter
                && h.IsStale(staleAfter, now))
            {
                state = "stale";
                note = $"no new entry since {Time(h.LastNewEntry ?? h.FirstPoll)} (expected within {staleAfter.TotalDays:0.#}d; check the mirror's login)";
            }
            if (h?.PausedUntil is { } until && until > now) note += $" (paused until {Time(until)})";
            context.Out.WriteLine($"{source.Id,-28} {source.Kind,-16} {state,-9} {h?.Entries ?? 0,7}  {Time(h?.LastSuccess),-20} {h?.ConsecutiveFailures ?? 0,8}  {note}");
        }
        return ExitCodes.Ok;
    }

    private static string Time(DateTimeOffset? value) => value is { } v ? v.ToString("yyyy-MM-dd HH:mm:ss'Z'") : "-";
}
