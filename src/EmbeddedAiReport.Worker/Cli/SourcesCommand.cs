using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Worker.Http;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>sources</c>: one line per configured source with its health, then one line per failing account or repo.</summary>
/// <remarks>Times are in the draft's time zone with its offset, as everywhere the operator reads them.</remarks>
internal static class SourcesCommand
{
    public static async Task<int> RunAsync(CliContext context, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        await using var app = WorkerHost.BuildCommand(config, configure);
        var statuses = app.Services.GetRequiredService<SourceStatuses>();
        var zone = config.Draft.Zone();
        string Time(DateTimeOffset? value) => SourceStatus.Time(value, zone);
        // Read before the header is written: a database that cannot be used is its one line on stderr, with nothing on stdout.
        var loaded = await statuses.LoadAsync(cancellationToken);
        context.Out.WriteLine($"{"id",-28} {"kind",-16} {"state",-9} {"entries",7}  {"last success",-25} {"failures",8}  {"next poll",-25} note");
        foreach (var status in loaded)
        {
            var h = status.Health;
            var note = status.Note is null ? null : TextCleaner.Cut(status.Note, MaxNote);
            if (status.PausedUntil is { } until) note = $"{note} (paused until {Time(until)})";
            context.Out.WriteLine(
                $"{status.Source.Id,-28} {status.Source.Kind,-16} {status.State,-9} {h?.Entries ?? 0,7}  {Time(h?.LastSuccess),-25} {h?.ConsecutiveFailures ?? 0,8}  {Time(status.NextPoll),-25} {note}");
            foreach (var request in (await statuses.RequestsAsync(status.Source, cancellationToken)).Values.Where(r => r.Error is not null).OrderBy(r => r.Label, StringComparer.Ordinal))
            {
                var paused = request.PausedUntil is { } p ? $" (paused until {Time(p)})" : "";
                context.Out.WriteLine($"  {request.Label}: {request.ConsecutiveFailures} failure(s): {TextCleaner.Cut(request.Error!, MaxNote)}{paused}");
            }
        }
        var summaries = await app.Services.GetRequiredService<EmbeddedAiReport.Summaries.SummarizerHealth>().GetAsync(cancellationToken);
        var model = config.Summaries.Model.Length > 16 ? config.Summaries.Model[..15] + "…" : config.Summaries.Model;
        if (summaries.State != "off")
            context.Out.WriteLine($"{"(summaries)",-28} {model,-16} {summaries.State,-9} {"",7}  {Time(summaries.LastSuccess),-25} {summaries.ConsecutiveFailures,8}  {"-",-25} {(summaries.Note is { } said ? TextCleaner.Cut(said, MaxNote) : null)}");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Characters of a note or error the table prints: a failing source's whole error ran lines past 300 characters
    /// (bench/bigweek.py); <c>poll --source ID</c>, <c>GET /sources</c> and the log have it whole.
    /// </summary>
    internal const int MaxNote = 160;
}
