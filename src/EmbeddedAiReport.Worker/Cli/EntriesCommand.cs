using System.Globalization;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>entries</c>: list candidates with their scores and tags, filtered by window (default: the current week), tag, section and status.</summary>
internal static class EntriesCommand
{
    /// <param name="All">Every stored entry, whatever its date (no window).</param>
    public sealed record Arguments(ExportCommand.Arguments Window, string? Tag, string? Section, string? Status, int Limit, bool Explain, bool All = false);

    public static async Task<int> RunAsync(CliContext context, Arguments arguments, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        string? section = null;
        if (arguments.Section is { } sectionText && !config.Draft.SectionSlugs().TryGetValue(sectionText, out section))
        {
            context.Error.WriteLine($"--section: unknown section '{sectionText}' (known: {string.Join(", ", config.Draft.SectionSlugs().Keys.Order())})");
            return ExitCodes.UsageOrConfig;
        }
        var tag = arguments.Tag;
        if (tag is not null && TagProblem(tag, config, "--tag", out tag) is { } tagProblem)
        {
            context.Error.WriteLine(tagProblem);
            return ExitCodes.UsageOrConfig;
        }
        if (arguments.Limit < 0)
        {
            context.Error.WriteLine($"--limit: {arguments.Limit} is not a number of rows (0 lists them all)");
            return ExitCodes.UsageOrConfig;
        }
        var window = arguments.Window;
        if (arguments.All && (window.Week is not null || window.From is not null || window.To is not null || window.SinceLast))
        {
            context.Error.WriteLine("--all lists every date: use it without --week, --from/--to or --since-last");
            return ExitCodes.UsageOrConfig;
        }
        await using var app = WorkerHost.BuildCommand(config, configure);
        var query = new EntryQuery { Tag = tag, Section = section, Status = arguments.Status, Limit = arguments.Limit };
        DraftWindow? chosen = null;
        if (!arguments.All)
        {
            // No window named: the current week, as export drafts it.
            var (resolved, nothingNewer) = await ExportCommand.ResolveWindowAsync(context, app.Services, config, window, cancellationToken, "nothing to list");
            if (resolved is not { } draftWindow) return nothingNewer ? ExitCodes.Ok : ExitCodes.UsageOrConfig;
            query = query with { FromUtc = draftWindow.FromUtc, ToUtc = draftWindow.ToUtc };
            chosen = draftWindow;
        }
        var store = app.Services.GetRequiredService<EntryStore>();
        var rows = await store.QueryAsync(query, cancellationToken);
        var total = await store.TotalAsync(query, rows.Count, cancellationToken);
        var classifier = app.Services.GetRequiredService<EntryClassifier>();
        var zone = config.Draft.Zone();
        var decisions = arguments.Explain ? await EntryDecisions.ForAsync(app.Services, config, chosen, rows.Select(r => r.Entry), cancellationToken) : null;
        var summaries = arguments.Explain
            ? await app.Services.GetRequiredService<EmbeddedAiReport.Summaries.DraftSummaries>().DescribeAsync(rows.Select(r => r.Entry.Id).ToList(), cancellationToken)
            : null;
        var issueEnding = LateArrival.Remembering(app.Services.GetRequiredService<IssueStore>().PublishedWindowEndingAsync);
        context.Out.WriteLine($"{"id",6}  {"status",-11} {"score",6}  {"section",-10} {"date",-10}  title");
        foreach (var (entry, _) in rows)
        {
            var date = TimeZoneInfo.ConvertTime(entry.Published ?? entry.FirstSeen, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var account = entry.Account is null ? "" : $" | {entry.Account}";
            context.Out.WriteLine($"{entry.Id,6}  {entry.Status,-11} {Relevance.Format(entry.Score),6}  {entry.Section,-10} {date,-10}  {entry.Title}{account}");
            if (arguments.Explain)
            {
                context.Out.WriteLine($"{"",8}{entry.Url}");
                context.Out.WriteLine($"{"",8}{EntryRelevance.Explain(classifier, config, entry)}");
                if (entry.IsLateArrival) context.Out.WriteLine($"{"",8}late arrival: {await LateArrival.DescribeAsync(issueEnding, entry, zone, cancellationToken)}");
                if (decisions!.TryGetValue(entry.Id, out var decision)) context.Out.WriteLine($"{"",8}draft: {decision}");
                if (summaries!.TryGetValue(entry.Id, out var summary)) context.Out.WriteLine($"{"",8}summary: {summary}");
            }
        }
        var scope = chosen is null ? "any date" : $"{chosen.First:yyyy-MM-dd} .. {chosen.Last:yyyy-MM-dd}";
        context.Error.WriteLine(total > rows.Count
            ? $"{rows.Count} of {Counted.Of(total, "entry", "entries")} ({scope}); --limit 0 lists them all"
            : $"{Counted.Of(rows.Count, "entry", "entries")} ({scope})");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Null when <paramref name="wanted"/> names a tag of tags.json (<paramref name="tag"/>: its spelling there); else the
    /// problem, after <paramref name="name"/> (the option or parameter), with the names it probably meant. A tag that
    /// tags.json does not define matches nothing.
    /// </summary>
    internal static string? TagProblem(string wanted, LoadedConfig config, string name, out string tag)
    {
        var known = config.Tagging.Taxonomy.Tags.Select(t => t.Name).ToList();
        tag = known.FirstOrDefault(t => string.Equals(t, wanted, StringComparison.OrdinalIgnoreCase)) ?? wanted;
        if (known.Count == 0 || known.Contains(tag)) return null;
        var close = CloseNames.Among(wanted, known);
        return close.Count > 0
            ? $"{name}: no tag '{Http.Echoed.Of(wanted)}' in tags.json; did you mean {string.Join(", ", close)}?"
            : $"{name}: no tag '{Http.Echoed.Of(wanted)}' in tags.json (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})";
    }
}
