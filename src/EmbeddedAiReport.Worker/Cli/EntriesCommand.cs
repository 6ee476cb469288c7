using System.Globalization;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>entries</c>: list candidates with their scores and tags, filtered by window, tag, section and status.</summary>
internal static class EntriesCommand
{
    public sealed record Arguments(ExportCommand.Arguments Window, string? Tag, string? Section, string? Status, int Limit, bool Explain);

    public static async Task<int> RunAsync(CliContext context, Arguments arguments, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        string? section = null;
        if (arguments.Section is { } sectionText && !config.Draft.SectionSlugs().TryGetValue(sectionText, out section))
        {
            context.Error.WriteLine($"--section: unknown section '{sectionText}' (known: {string.Join(", ", config.Draft.SectionSlugs().Keys.Order())})");
            return ExitCodes.UsageOrConfig;
        }
        await using var app = WorkerHost.Build(config, daemon: false, configure);
        var query = new EntryQuery { Tag = arguments.Tag, Section = section, Status = arguments.Status, Limit = arguments.Limit };
        EmbeddedAiReport.Drafting.DraftWindow? chosen = null;
        if (arguments.Window.Week is not null || arguments.Window.From is not null || arguments.Window.To is not null || arguments.Window.SinceLast)
        {
            var resolved = await ExportCommand.ResolveWindowAsync(app.Services, config, arguments.Window, cancellationToken);
            if (resolved.Window is not { } window)
            {
                context.Error.WriteLine(resolved.Problem);
                return ExitCodes.UsageOrConfig;
            }
            query = query with { FromUtc = window.FromUtc, ToUtc = window.ToUtc };
            chosen = window;
        }
        var rows = await app.Services.GetRequiredService<EntryStore>().QueryAsync(query, cancellationToken);
        var classifier = app.Services.GetRequiredService<EntryClassifier>();
        var zone = config.Draft.Zone();
        var decisions = arguments.Explain ? await EntryDecisions.ForAsync(app.Services, config, chosen, rows.Select(r => r.Entry), cancellationToken) : null;
        var summaries = arguments.Explain
            ? await app.Services.GetRequiredService<EmbeddedAiReport.Summaries.DraftSummaries>().DescribeAsync(rows.Select(r => r.Entry.Id).ToList(), cancellationToken)
            : null;
        context.Out.WriteLine($"{"id",6}  {"status",-11} {"score",6}  {"section",-10} {"date",-10}  title");
        foreach (var (entry, tags) in rows)
        {
            var date = TimeZoneInfo.ConvertTime(entry.Published ?? entry.FirstSeen, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var account = entry.Account is null ? "" : $" | {entry.Account}";
            context.Out.WriteLine($"{entry.Id,6}  {entry.Status,-11} {Relevance.Format(entry.Score),6}  {entry.Section,-10} {date,-10}  {entry.Title}{account}");
            if (arguments.Explain)
            {
                var weight = config.Sources.FirstOrDefault(s => s.Id == entry.SourceId)?.Weight ?? 0;
                var relevance = classifier.ExplainStored(entry, weight);
                context.Out.WriteLine($"{"",8}{entry.Url}");
                // Stored scores are the model's at ingest (or at the last train); say so when the loaded model now disagrees.
                var stale = Relevance.Format(relevance.Score) != Relevance.Format(entry.Score) ? $" [stored {Relevance.Format(entry.Score)}: scored by an earlier model; run train to rescore]" : "";
                context.Out.WriteLine($"{"",8}{relevance}{stale}");
                if (decisions!.TryGetValue(entry.Id, out var decision)) context.Out.WriteLine($"{"",8}draft: {decision}");
                if (summaries!.TryGetValue(entry.Id, out var summary)) context.Out.WriteLine($"{"",8}summary: {summary}");
            }
        }
        context.Error.WriteLine($"{rows.Count} entries");
        return ExitCodes.Ok;
    }
}
