using System.Diagnostics.CodeAnalysis;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Worker.Cli;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>
/// The query of <c>GET /entries</c> read as strictly as the <c>entries</c> command reads its options: a window, section,
/// status, tag or limit the command would refuse is a problem (an unknown parameter, or one given twice, is refused before,
/// as on every route: <see cref="QueryParameters"/>).
/// </summary>
internal static class EntriesRequest
{
    /// <summary>The parameters <c>GET /entries</c> takes, in the order the README lists them.</summary>
    public static QueryParameters Parameters { get; } = new("week", "from", "to", "tag", "section", "status", "limit");

    /// <summary>Entries a reply lists when the query names no <c>limit</c>.</summary>
    public const int DefaultLimit = 1000;

    /// <summary>
    /// The window (a week, from/to days, or the current week when it names none; <c>Week</c> is null for days) and the
    /// filters the query names, or the problem with it.
    /// </summary>
    public static bool TryRead(IQueryCollection query, LoadedConfig config, DateTimeOffset now, out (DraftWindow Window, string? Week, EntryQuery Query) request,
        [NotNullWhen(false)] out QueryProblem? problem)
    {
        request = default;
        problem = null;
        var zone = config.Draft.Zone();
        var weekText = Value(query, "week");
        if (ExportCommand.Window(new(weekText, Value(query, "from"), Value(query, "to")), zone, now, "", out var windowProblem, out var parameter) is not { } window)
        {
            problem = QueryProblem.Of(windowProblem, parameter, null, [parameter == "week" ? "YYYY-Www" : "YYYY-MM-DD"]);
            return false;
        }

        var limit = DefaultLimit;
        if (Value(query, "limit") is { } limitText)
        {
            if (RequestNumber.Parse<int>(limitText, out var tooLarge) is not { } named)
            {
                problem = QueryProblem.Of(tooLarge
                    ? $"limit: '{Echoed.Of(limitText)}' is more than the largest limit taken, {int.MaxValue} (0 lists them all)"
                    : $"limit: '{Echoed.Of(limitText)}' is not a number of entries (0 lists them all)", "limit", null, ["0", "N"]);
                return false;
            }
            limit = named;
        }

        string? section = null;
        if (Value(query, "section") is { } sectionText && !config.Draft.SectionSlugs().TryGetValue(sectionText, out section))
        {
            var sections = config.Draft.EffectiveSections.SelectMany(s => new[] { s.Slug, s.Name }).ToList();
            problem = QueryProblem.Of($"section: unknown section '{Echoed.Of(sectionText)}' (known: {string.Join(", ", sections)})", "section", null, sections);
            return false;
        }

        var status = Value(query, "status");
        if (status is not null && !EntryQuery.Statuses.Contains(status, StringComparer.Ordinal))
        {
            problem = QueryProblem.Of($"status: unknown status '{Echoed.Of(status)}' (known: {string.Join(", ", EntryQuery.Statuses)})", "status", null, EntryQuery.Statuses);
            return false;
        }

        var tag = Value(query, "tag");
        if (tag is not null && EntriesCommand.TagProblem(tag, config, "tag", out tag) is { } tagProblem)
        {
            problem = QueryProblem.Of(tagProblem, "tag", null, config.Tagging.Taxonomy.Tags.Select(t => t.Name).Order(StringComparer.Ordinal).ToList());
            return false;
        }

        // A week named, or none (the current one); days (from/to, never with a week) list no week.
        var week = Value(query, "from") is null && Value(query, "to") is null ? EditorialWeek.Containing(window.FromUtc, zone).ToString() : null;
        request = (window, week, new EntryQuery { FromUtc = window.FromUtc, ToUtc = window.ToUtc, Tag = tag, Section = section, Status = status, Limit = limit });
        return true;
    }

    private static string? Value(IQueryCollection query, string name) => query.TryGetValue(name, out var values) ? values.ToString() : null;
}
