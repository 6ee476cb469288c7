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
            var status = SourceStatus.Of(source, health.GetValueOrDefault(source.Id), kinds.GetValueOrDefault(source.Kind), now);
            var h = status.Health;
            var note = status.PausedUntil is { } until ? $"{status.Note} (paused until {SourceStatus.Time(until)})" : status.Note;
            context.Out.WriteLine($"{source.Id,-28} {source.Kind,-16} {status.State,-9} {h?.Entries ?? 0,7}  {SourceStatus.Time(h?.LastSuccess),-20} {h?.ConsecutiveFailures ?? 0,8}  {note}");
        }
        var summaries = await app.Services.GetRequiredService<EmbeddedAiReport.Summaries.SummarizerHealth>().GetAsync(cancellationToken);
        var model = config.Summaries.Model.Length > 16 ? config.Summaries.Model[..15] + "…" : config.Summaries.Model;
        if (summaries.State != "off") context.Out.WriteLine($"{"(summaries)",-28} {model,-16} {summaries.State,-9} {"",7}  {SourceStatus.Time(summaries.LastSuccess),-20} {summaries.ConsecutiveFailures,8}  {summaries.Note}");
        return ExitCodes.Ok;
    }
}
