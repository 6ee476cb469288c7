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
}
