using System.Globalization;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Options;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>Writes the weekly draft file: the week containing the firing's due time minus <see cref="ReportOptions.ExportLag"/>.</summary>
/// <remarks>
/// A catch-up firing after downtime carries the missed due time (<see cref="DueKey"/>), so it writes the week that was missed,
/// unless that week was exported since it was due: two daemons starting together both ask for the missed export (the
/// regular firing runs on one daemon only, Quartz's clustered store sees to that). A firing another daemon recovers after
/// its first daemon died is skipped the same way when the dead daemon had written the draft.
/// A failure of the database itself (locked, damaged, full, replaced: <see cref="ReportDatabase.IsUnavailable"/>) is one line
/// (4004), as a poll's is (4203), and so is a draft file that cannot be written (4005); anything else is a bug, logged with its
/// stack trace (4002). The daemon runs on either way.
/// </remarks>
[DisallowConcurrentExecution]
internal sealed partial class ExportDraftJob(DraftFiles files, IssueStore issues, ReportDatabase database, LoadedConfig config, IOptions<ReportOptions> report,
    TimeProvider timeProvider, ILogger<ExportDraftJob> logger, EmbeddedAiReport.Summaries.EntrySummarizer summarizer) : IJob
{
    public const string DueKey = "due";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var catchUp = context.MergedJobDataMap.TryGetValue(DueKey, out var value) && value is string;
        var due = catchUp
            ? DateTimeOffset.Parse((string)value!, CultureInfo.InvariantCulture)
            : Schedules.Original(context).Due ?? timeProvider.GetUtcNow();
        var week = EditorialWeek.Containing(due - report.Value.ExportLag, config.Draft.Zone());
        try
        {
            var window = DraftWindow.Of(week, config.Draft.Zone());
            // A recovered firing (its daemon died while running it) may have written the file before it died.
            if ((catchUp || context.Recovering) && await issues.ExportedSinceAsync(window.First, window.Last, due, cancellationToken))
            {
                AlreadyExported(week.ToString());
                return;
            }
            await summarizer.SummarizeAsync(window, null, cancellationToken);   // a no-op while summaries are off
            var path = await files.WriteWeekAsync(week, cancellationToken);
            Exported(week.ToString(), path);
        }
        catch (Exception ex) when (database.FailureLine(ex) is { } failure)
        {
            DatabaseFailed(week.ToString(), failure);
        }
        catch (OutputFileException ex)
        {
            NotWritten(week.ToString(), ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ExportFailed(week.ToString(), ex);
        }
    }

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error,
        Message = "Export of draft {Week} stopped, the database failed: {Error}; once it is mended, export --week {Week} --out FILE writes it")]
    private partial void DatabaseFailed(string week, string error);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Export of draft {Week} not written: {Error} (Report:DraftsDirectory)")]
    private partial void NotWritten(string week, string error);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Exported draft {Week} to {Path}")]
    private partial void Exported(string week, string path);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Draft {Week} was already written since it was due (by another daemon); not again")]
    private partial void AlreadyExported(string week);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Export of draft {Week} failed")]
    private partial void ExportFailed(string week, Exception exception);
}
