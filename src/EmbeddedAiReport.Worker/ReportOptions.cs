using EmbeddedAiReport.Sources;
using Microsoft.AspNetCore.Http;

namespace EmbeddedAiReport.Worker;

/// <summary>Daemon settings (section <c>Report</c> of appsettings.json).</summary>
public sealed class ReportOptions
{
    /// <value>SQLite file, relative to the working directory. Default: <c>data/report.db</c>; <c>--db</c> overrides.</value>
    public string Database { get; set; } = "data/report.db";

    /// <value>Folder the weekly export job writes <c>&lt;YYYY-Www&gt;.md</c> into. Default: <c>drafts</c>.</value>
    public string DraftsDirectory { get; set; } = "drafts";

    /// <value>Quartz cron (in the draft time zone) of the weekly export job. Default: Mondays 09:00.</value>
    public string ExportSchedule { get; set; } = "0 0 9 ? * MON";

    /// <value>
    /// The weekly job exports the week that contains "now minus this lag". Default: 1 day, so a Monday morning run
    /// exports the week that just ended and a Friday evening run the current one.
    /// </value>
    public TimeSpan ExportLag { get; set; } = TimeSpan.FromDays(1);

    /// <value>Where the HTTP endpoints listen. Default: <c>http://127.0.0.1:5180</c> (loopback only).</value>
    public string Urls { get; set; } = "http://127.0.0.1:5180";

    /// <value>
    /// When set, the review page (<c>/review</c>) and its actions need this token, as <c>Authorization: Bearer …</c> or through
    /// its login form. Default: none (actions from loopback clients only).
    /// </value>
    public string? EditorToken { get; set; }

    /// <value>
    /// With <see cref="EditorToken"/> set: the read-only routes (<c>/drafts/…</c>, <c>/issues</c>, <c>/entries</c>, <c>/sources</c>)
    /// need the token too, as the review page does (behind a reverse proxy they are public otherwise); <c>/healthz</c> and
    /// <c>/metrics</c> stay open to uptime checkers and scrapers. Default: false (scripts read them without a token).
    /// </value>
    public bool ProtectReads { get; set; }

    /// <value>
    /// <c>fetches</c> rows older than this are deleted by the daily housekeeping job, which also releases the stored text of
    /// article pages read before then (<c>entry_pages</c>). Default: 90 days.
    /// </value>
    public TimeSpan FetchRetention { get; set; } = TimeSpan.FromDays(90);

    /// <value><c>/healthz</c> answers 503 when more than this share of the enabled sources is failing or stale. Default: 0.5.</value>
    public double UnhealthyShare { get; set; } = 0.5;

    /// <value>Quartz cron (draft time zone) of the housekeeping job (pruning old fetches and old pages' text). Default: daily 03:30.</value>
    public string HousekeepingSchedule { get; set; } = "0 30 3 * * ?";

    /// <value>
    /// After <c>publish</c> (command or review page), train router.json and ranker.json again with the new labels and rescore
    /// the stored entries, as <c>train</c> does; needs a writable config folder (a failure is logged, the publish stands).
    /// Default: true.
    /// </value>
    public bool RetrainOnPublish { get; set; } = true;

    private static readonly TimeSpan MaxExportLag = TimeSpan.FromDays(28);

    /// <summary>Every problem with these settings, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        if (LoadedConfig.CronProblem(ExportSchedule) is { } export) yield return $"Report:ExportSchedule: {export}";
        if (LoadedConfig.CronProblem(HousekeepingSchedule) is { } housekeeping) yield return $"Report:HousekeepingSchedule: {housekeeping}";
        if (string.IsNullOrWhiteSpace(Database)) yield return "Report:Database: must not be empty";
        // Negative, the job would export a week not over yet (a future one past a week); past four weeks, one long gone.
        if (ExportLag < TimeSpan.Zero || ExportLag > MaxExportLag) yield return $"Report:ExportLag: must be from 0 to 28 days, got {Duration.Format(ExportLag)}";
        if (FetchRetention < TimeSpan.FromDays(1)) yield return $"Report:FetchRetention: must be at least 1 day, got {Duration.Format(FetchRetention)}";
        if (ProtectReads && string.IsNullOrEmpty(EditorToken)) yield return "Report:ProtectReads: needs Report:EditorToken, the token the reads then ask for";
        if (UnhealthyShare is < 0 or > 1) yield return $"Report:UnhealthyShare: must be between 0 and 1, got {UnhealthyShare}";
        foreach (var url in UrlProblems(Urls)) yield return url;
    }

    // Kestrel parses these only when the daemon binds them, and a bad one ends it with a stack trace: check them here,
    // with the parser Kestrel uses (BindingAddress), so `validate` catches them too.
    private static IEnumerable<string> UrlProblems(string urls)
    {
        const string Several = "several URLs are separated by ';'";
        var parts = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) yield return $"Report:Urls: must not be empty; write a URL such as http://127.0.0.1:5180 ({Several})";
        foreach (var url in parts)
        {
            string? scheme;
            try
            {
                scheme = BindingAddress.Parse(url).Scheme.ToLowerInvariant();
            }
            catch (FormatException)
            {
                scheme = null;
            }
            if (scheme is null)
                yield return url.Contains("://", StringComparison.Ordinal)
                    ? $"Report:Urls: '{url}' is not a URL such as http://127.0.0.1:5180 ({Several})"
                    : $"Report:Urls: '{url}' has no scheme; write http://{url} ({Several})";
            else if (scheme is not ("http" or "https"))
                yield return $"Report:Urls: '{url}': the scheme must be http or https, as in http://127.0.0.1:5180 ({Several})";
        }
    }
}
