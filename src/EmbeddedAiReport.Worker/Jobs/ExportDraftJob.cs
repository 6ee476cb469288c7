using System.Globalization;
using EmbeddedAiReport.Drafting;
using Microsoft.Extensions.Options;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>Writes the weekly draft file: the week containing the firing's due time minus <see cref="ReportOptions.ExportLag"/>.</summary>
/// <remarks>A catch-up firing after downtime carries the missed due time (<see cref="DueKey"/>), so it writes the week that was missed.</remarks>
[DisallowConcurrentExecution]
internal sealed partial class ExportDraftJob(DraftFiles files, LoadedConfig config, IOptions<ReportOptions> report, TimeProvider timeProvider,
    ILogger<ExportDraftJob> logger, EmbeddedAiReport.Summaries.EntrySummarizer summarizer) : IJob
{
    public const string DueKey = "due";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var due = context.MergedJobDataMap.TryGetValue(DueKey, out var value) && value is string text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture)
            : context.ScheduledFireTimeUtc ?? timeProvider.GetUtcNow();
        var week = EditorialWeek.Containing(due - report.Value.ExportLag, config.Draft.Zone());
        try
        {
            await summarizer.SummarizeAsync(DraftWindow.Of(week, config.Draft.Zone()), null, cancellationToken);   // a no-op while summaries are off
            var path = await files.WriteWeekAsync(week, cancellationToken);
            Exported(week.ToString(), path);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ExportFailed(week.ToString(), ex);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Exported draft {Week} to {Path}")]
    private partial void Exported(string week, string path);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Export of draft {Week} failed")]
    private partial void ExportFailed(string week, Exception exception);
}
