using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Worker.Cli;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>
/// A window named in a path (<c>/drafts/{window}.md</c>, <c>/review/{window}</c>): an ISO week (<c>2020-W48</c>), days
/// (<c>2020-05-01..2020-05-15</c>, inclusive, as <c>--from/--to</c>) or <c>since-last</c> (as <c>--since-last</c>: from the
/// day after the last published or imported issue to today), the editor's cadence when issues go out every two or three weeks.
/// </summary>
/// <param name="Token">The window as the path names it, for links back to it.</param>
/// <param name="Week">The ISO week, when the path names one.</param>
internal sealed record PathWindow(string Token, DraftWindow Window, EditorialWeek? Week)
{
    public const string SinceLast = "since-last";

    private const string DaysSeparator = "..";

    /// <summary>How the page names the window: the week, or its days.</summary>
    public string Label => Week?.ToString() ?? (Token == SinceLast ? $"since the last issue ({Days})" : Days);

    /// <summary>The window's first and last day.</summary>
    public string Days => $"{Window.First:yyyy-MM-dd} .. {Window.Last:yyyy-MM-dd}";

    /// <summary>The path token of an ISO week's window.</summary>
    public static PathWindow Of(EditorialWeek week, TimeZoneInfo zone) => new(week.ToString(), DraftWindow.Of(week, zone), week);

    /// <summary>
    /// The window <paramref name="token"/> names, or the problem and its status: 400 for a token that names no window, 404
    /// for <c>since-last</c> when no issue is recorded or the last one already covers today.
    /// </summary>
    public static async Task<(PathWindow? Window, string Problem, int Status)> ResolveAsync(string token, IServiceProvider services, CancellationToken cancellationToken)
    {
        var config = services.GetRequiredService<LoadedConfig>();
        var zone = config.Draft.Zone();
        if (EditorialWeek.TryParse(token) is { } week) return (Of(week, zone), "", StatusCodes.Status200OK);
        if (token == SinceLast)
        {
            var (window, problem, _) = await ExportCommand.SinceLastAsync(services, config, SinceLast, cancellationToken);
            return window is null ? (null, problem, StatusCodes.Status404NotFound) : (new(SinceLast, window, null), "", StatusCodes.Status200OK);
        }
        var parts = token.Split(DaysSeparator);
        if (parts.Length == 2)
        {
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            return ExportCommand.Window(new(null, parts[0], parts[1]), zone, now, "", out var problem, out _) is { } days
                ? (new(token, days, null), "", StatusCodes.Status200OK)
                : (null, $"'{Echoed.Of(token)}': {problem}", StatusCodes.Status400BadRequest);
        }
        return (null, EditorialWeek.Reason(token) is { } why
            ? $"'{Echoed.Of(token)}' is not an ISO week: {why}"
            : $"'{Echoed.Of(token)}' is not an ISO week such as 2020-W48, days such as 2020-05-01..2020-05-15, or {SinceLast}", StatusCodes.Status400BadRequest);
    }

    /// <summary>The problem of <see cref="ResolveAsync"/> as a reply (<c>application/problem+json</c>).</summary>
    public static IResult Problem(string problem, int status) => Results.Problem(problem, statusCode: status);
}
