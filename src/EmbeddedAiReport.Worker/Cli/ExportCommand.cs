using System.Globalization;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>export</c>: render the draft of a week or date range to stdout or a file.</summary>
/// <remarks>Every export is a preview: it records nothing, so exporting twice gives the same draft (only <c>publish</c> and <c>import-issue</c> record issues).</remarks>
internal static partial class ExportCommand
{
    /// <summary>A window as the options name it: <c>--week</c>, <c>--from/--to</c>, <c>--since-last</c>, or none (the current week).</summary>
    public sealed record Arguments(string? Week, string? From, string? To, bool SinceLast = false);

    /// <param name="summaries">First fill missing model 摘要 within Summaries:ExportBudget (<c>--summaries</c>).</param>
    public static async Task<int> RunAsync(CliContext context, Arguments window, string? output, string format, Action<IServiceCollection>? configure,
        CancellationToken cancellationToken, bool summaries = false)
    {
        if (context.RefusedOut(output, FileArgument.OutputProblem)) return ExitCodes.UsageOrConfig;
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        if (context.RefusedOut(output, path => FileArgument.ReplacesDatabase(path, config))) return ExitCodes.UsageOrConfig;
        await using var app = WorkerHost.BuildCommand(config, configure);
        var (draftWindow, nothingNewer) = await ResolveWindowAsync(context, app.Services, config, window, cancellationToken,
            output is null ? "no draft written" : $"no draft written, {output} left as it was");
        if (draftWindow is null) return nothingNewer ? ExitCodes.Ok : ExitCodes.UsageOrConfig;

        // A window an issue was published from: its items are out of the draft, which is no copy of that issue.
        foreach (var (date, note) in await PublishedFromAsync(app.Services.GetRequiredService<IssueStore>(), draftWindow, config.Draft.Zone(), cancellationToken))
            context.Error.WriteLine($"note: {note}; 'issue {date:yyyy-MM-dd}' prints that issue as it went out");
        if (summaries) await SummarizeCommand.FillAsync(app.Services, draftWindow, context.Error, cancellationToken);
        var text = await app.Services.GetRequiredService<DraftFiles>().RenderAsync(draftWindow, format, cancellationToken);
        if (output is { } path)
        {
            try
            {
                await DraftFiles.WriteAtomicallyAsync(path, text, cancellationToken);
            }
            catch (OutputFileException ex)
            {
                context.Error.WriteLine($"--out {path}: {ex.Reason}");
                return ExitCodes.UsageOrConfig;
            }
            context.Error.WriteLine($"wrote {Path.GetFullPath(path)} ({draftWindow.First:yyyy-MM-dd} .. {draftWindow.Last:yyyy-MM-dd})");
        }
        else
        {
            await context.Out.WriteAsync(text);
        }
        return ExitCodes.Ok;   // a preview: only publish and import-issue record issues
    }

    /// <summary>
    /// The issues published from <paramref name="window"/>, each with why the window's draft lacks its items (export's note
    /// on stderr, the review page's line, the drafts' <c>X-Eair-Note</c>, each framing it its own way): the draft shows what is
    /// not published yet, which is no copy of the issue.
    /// </summary>
    public static async Task<IReadOnlyList<(DateOnly Date, string Note)>> PublishedFromAsync(IssueStore issues, DraftWindow window, TimeZoneInfo zone,
        CancellationToken cancellationToken) =>
        (await issues.PublishedOverlappingAsync(window.FromUtc, window.ToUtc, cancellationToken)).Select(issue => (issue.Date, PublishedFrom(issue, zone))).ToList();

    private static string PublishedFrom((DateOnly Date, DateTimeOffset FromUtc, DateTimeOffset ToUtc, DateOnly LastDay) issue, TimeZoneInfo zone) =>
        $"the issue of {issue.Date:yyyy-MM-dd} published {DraftWindow.PublishedFirstDay(issue.FromUtc, issue.ToUtc, issue.LastDay, zone):yyyy-MM-dd} .. {issue.LastDay:yyyy-MM-dd}: "
        + "its items are left out of drafts, which show what is not published yet";

    /// <summary>
    /// The window <paramref name="arguments"/> name, or null after telling the user why on stderr; <c>--since-last</c>
    /// starts the day after the last published or imported issue's window and ends today.
    /// </summary>
    /// <param name="nothingNewer">
    /// For commands that only read (<c>entries</c>, <c>export</c>, <c>summarize</c>): what they leave undone when
    /// <c>--since-last</c> has no day yet (the last issue covers today). That is then an empty result, not an error: the
    /// line on stderr ends with it and <c>NothingNewer</c> is true. Null for commands that need a window (<c>publish</c>, <c>move</c>).
    /// </param>
    public static async Task<(DraftWindow? Window, bool NothingNewer)> ResolveWindowAsync(CliContext context, IServiceProvider services, LoadedConfig config,
        Arguments arguments, CancellationToken cancellationToken, string? nothingNewer = null)
    {
        var (window, problem, empty) = await WindowOrProblemAsync(services, config, arguments, cancellationToken);
        if (window is not null)
        {
            if (arguments.SinceLast && LongSinceLast(window, "name a shorter one with --week or --from/--to") is { } note) context.Error.WriteLine(note);
            return (window, false);
        }
        context.Error.WriteLine(empty && nothingNewer is not null ? $"{problem}; {nothingNewer}" : problem);
        return (null, empty && nothingNewer is not null);
    }

    private static async Task<(DraftWindow? Window, string Problem, bool NothingNewer)> WindowOrProblemAsync(IServiceProvider services, LoadedConfig config,
        Arguments arguments, CancellationToken cancellationToken)
    {
        var zone = config.Draft.Zone();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!arguments.SinceLast)
        {
            var window = Window(arguments, zone, now, out var problem);
            return (window, problem, false);
        }
        if (arguments.Week is not null || arguments.From is not null || arguments.To is not null)
            return (null, "--since-last goes alone, without --week or --from/--to", false);
        return await SinceLastAsync(services, config, "--since-last", cancellationToken);
    }

    /// <summary>
    /// The window from the day after the last published or imported issue's window to today, or the problem (named
    /// <paramref name="name"/>): no issue recorded, or (<c>NothingNewer</c>) the last issue already covers today.
    /// </summary>
    internal static async Task<(DraftWindow? Window, string Problem, bool NothingNewer)> SinceLastAsync(IServiceProvider services, LoadedConfig config,
        string name, CancellationToken cancellationToken)
    {
        var zone = config.Draft.Zone();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var covered = await services.GetRequiredService<IssueStore>().LastCoveredAsync(cancellationToken);
        if (covered is not var (last, windowEnd))
            return (null, $"{name}: no issue was published or imported yet, so there is nothing to start after: record one (publish --week …, "
                + "or import-issue FILE for issues sent before this tool) or name the window with --week or --from/--to", false);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var first = last.AddDays(1);
        if (first > today)
            return (null, $"{name}: no entries since the last issue yet: it covers everything up to {last:yyyy-MM-dd} and today is {today:yyyy-MM-dd} "
                + $"(the next window starts {first:yyyy-MM-dd})", true);
        return (DraftWindow.After(last, windowEnd, today, zone), "", false);
    }

    /// <summary>
    /// The longest <c>--since-last</c> window drafted without a note: six weeks. The editor's issues came every 12 to 34 days
    /// (the corpus, 2019-03-31 .. 2020-05-15); a window longer than that means the last recorded issue is old (forgotten to
    /// publish, or only an old issue imported), and its draft ranks months of entries against each other.
    /// </summary>
    public const int SinceLastNoteDays = 42;

    /// <summary>
    /// The note <c>--since-last</c> (and the review page's since-last) gives when <paramref name="window"/> spans more than
    /// <see cref="SinceLastNoteDays"/> days, ending with <paramref name="narrower"/> (how to name a shorter window there); null for a usual one.
    /// </summary>
    internal static string? LongSinceLast(DraftWindow window, string narrower)
    {
        var days = window.Last.DayNumber - window.First.DayNumber + 1;
        return days <= SinceLastNoteDays ? null
            : $"note: the window since the last issue, {window.First:yyyy-MM-dd} .. {window.Last:yyyy-MM-dd}, spans {days} days (issues have come "
                + $"every two to five weeks): the last recorded issue is old, so this draft ranks everything since; to draft less, {narrower}";
    }

    /// <summary>The window the arguments name: --week, or --from/--to (inclusive), or the current week.</summary>
    internal static DraftWindow? Window(Arguments arguments, TimeZoneInfo zone, DateTimeOffset now, out string problem) =>
        Window(arguments, zone, now, "--", out problem, out _);

    /// <summary>
    /// The window the arguments name, or the problem with them, naming the options as <paramref name="prefix"/> + name
    /// (<c>--week</c> for the commands, <c>week</c> for a query string) and which one is at fault in <paramref name="parameter"/>.
    /// </summary>
    internal static DraftWindow? Window(Arguments arguments, TimeZoneInfo zone, DateTimeOffset now, string prefix, out string problem, out string parameter)
    {
        (var window, problem, parameter) = WindowOrFault(arguments, zone, now, prefix);
        return window;
    }

    private static (DraftWindow? Window, string Problem, string Parameter) WindowOrFault(Arguments arguments, TimeZoneInfo zone, DateTimeOffset now, string prefix)
    {
        if (arguments.Week is not null && (arguments.From is not null || arguments.To is not null))
            return (null, $"use either {prefix}week or {prefix}from/{prefix}to, not both", "week");
        if (arguments.Week is { } weekText)
            return EditorialWeek.TryParse(weekText) is { } week
                ? (DraftWindow.Of(week, zone), "", "")
                : (null, $"{prefix}week: '{Http.Echoed.Of(weekText)}' is not an ISO week such as 2020-W48" + (EditorialWeek.Reason(weekText) is { } why ? $": {why}" : ""), "week");
        if (arguments.From is null && arguments.To is null) return (DraftWindow.Of(EditorialWeek.Containing(now, zone), zone), "", "");
        if (arguments.From is null || arguments.To is null)
            return (null, $"{prefix}from and {prefix}to go together", arguments.From is null ? "from" : "to");
        static DateOnly? Date(string text) =>
            DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
        if (Date(arguments.From) is not { } from || Date(arguments.To) is not { } to)
        {
            var (name, text) = Date(arguments.From) is null ? ("from", arguments.From) : ("to", arguments.To);
            return (null, NoSuchDay(text) is { } why ? $"{prefix}{name} {text}: no such day, {why}" : $"{prefix}from/{prefix}to: dates are yyyy-MM-dd", name);
        }
        // Outside these years a window's UTC range is no date at all (0001-01-01 in Shanghai starts before year 1).
        foreach (var (day, name) in new[] { (from, "from"), (to, "to") })
            if (day.Year is < EditorialWeek.FirstYear or > EditorialWeek.LastYear)
                return (null, $"{prefix}{name} {day:yyyy-MM-dd}: dates run from {EditorialWeek.FirstYear}-01-01 to {EditorialWeek.LastYear}-12-31", name);
        if (to < from) return (null, $"{prefix}to {to:yyyy-MM-dd} is before {prefix}from {from:yyyy-MM-dd}", "to");
        return (DraftWindow.Of(from, to, zone), "", "");
    }

    // Why a yyyy-MM-dd that DateOnly does not read names no day (2023-02-29, 2026-04-31, 2026-13-01); null when it is not
    // written yyyy-MM-dd at all (or in year 0, which is outside the years anyway).
    private static string? NoSuchDay(string text)
    {
        if (WrittenDay().Match(text) is not { Success: true } match) return null;
        var (year, month) = (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        if (year < 1) return null;
        return month is < 1 or > 12 ? "a year has months 01 to 12" : $"{year:D4}-{month:D2} has {DateTime.DaysInMonth(year, month)} days";
    }

    [GeneratedRegex(@"^([0-9]{4})-([0-9]{2})-[0-9]{2}$")]
    private static partial Regex WrittenDay();
}
