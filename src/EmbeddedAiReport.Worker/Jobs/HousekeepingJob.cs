using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Options;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>Daily: deletes <c>fetches</c> rows older than <see cref="ReportOptions.FetchRetention"/>.</summary>
[DisallowConcurrentExecution]
internal sealed partial class HousekeepingJob(SourceStore store, IOptions<ReportOptions> report, TimeProvider timeProvider, ILogger<HousekeepingJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var before = timeProvider.GetUtcNow() - report.Value.FetchRetention;
        var pruned = await store.PruneFetchesAsync(before, cancellationToken);
        Pruned(pruned, before);
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Housekeeping: deleted {Count} fetches row(s) older than {Before:o}")]
    private partial void Pruned(int count, DateTimeOffset before);
}
