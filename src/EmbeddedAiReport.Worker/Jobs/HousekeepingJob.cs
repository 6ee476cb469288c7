using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Options;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>
/// Daily: deletes <c>fetches</c> rows older than <see cref="ReportOptions.FetchRetention"/> and releases the text of
/// article pages read before then (<see cref="PageStore.ReleaseTextAsync"/>: the rows stay, so the pages are not fetched again).
/// </summary>
/// <remarks>A failure of the database itself (locked, damaged, full, replaced) is one line (4302), as a poll's is (4203), not a stack trace.</remarks>
[DisallowConcurrentExecution]
internal sealed partial class HousekeepingJob(SourceStore store, PageStore pages, ReportDatabase database, IOptions<ReportOptions> report, TimeProvider timeProvider,
    ILogger<HousekeepingJob> logger, IOptions<DraftOptions> draft) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var before = timeProvider.GetUtcNow() - report.Value.FetchRetention;
        try
        {
            var pruned = await store.PruneFetchesAsync(before, cancellationToken);
            var released = await pages.ReleaseTextAsync(before, cancellationToken);
            Pruned(pruned, released, SourceStatus.Time(before, draft.Value.Zone()));
        }
        catch (Exception ex) when (database.FailureLine(ex) is { } failure)
        {
            DatabaseFailed(failure);
        }
    }

    [LoggerMessage(EventId = 4302, Level = LogLevel.Error, Message = "Housekeeping not done, the database failed: {Error}; it runs again at its next firing")]
    private partial void DatabaseFailed(string error);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Housekeeping: deleted {Count} fetches row(s) older than {Before}, released the text of {Pages} article page(s) read before then")]
    private partial void Pruned(int count, int pages, string before);
}
