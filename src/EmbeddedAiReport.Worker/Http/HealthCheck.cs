using System.Globalization;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Summaries;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>
/// <c>GET /healthz</c>: 200 when the database answers, polls store what they read and few enough sources are failing or
/// stale, else 503 with the reason.
/// </summary>
/// <remarks>The summarizer's state is part of the detail when it is on; a failing model never makes the daemon unhealthy, since drafts go on with the source text.</remarks>
internal sealed class HealthCheck(ReportDatabase database, SourceStatuses statuses, IOptions<ReportOptions> report, SummarizerHealth summarizer,
    StoringHealth storing, IOptions<DraftOptions> draft)
{
    /// <summary>The answer and the JSON body that explains it (a <see cref="HealthReport"/>, or <see cref="HealthUnavailable"/>).</summary>
    public async Task<(bool Healthy, object Body)> EvaluateAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<SourceStatus> sources;
        SummarizerStatus summaries;
        try
        {
            await database.PingAsync(cancellationToken);
            sources = await statuses.LoadAsync(cancellationToken);
            summaries = await summarizer.GetAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // SQLite's messages do not name the file: the line names the database once (DatabaseFailureException's wording).
            return (false, new HealthUnavailable("unavailable", $"database unreachable: {new DatabaseFailureException(database.Location, ex.GetBaseException(), database.BusyTimeout).Message}"));
        }
        // It answers reads, but the last poll could not store (full, read-only, locked): until a poll stores again, or, for
        // another process's lock, until the lock is gone (a lock taken in a quiet hour said 503 until the next poll).
        if (storing.Current is { Locked: true } held && await WriteLockFreeAsync(cancellationToken)) storing.LockReleased(held);
        if (storing.Current is { } failure)
            return (false, new HealthUnavailable("unavailable", $"polls are not stored: the database failed at {SourceStatus.Time(failure.At, draft.Value.Zone())}: {failure.Message}"));

        var enabled = sources.Where(s => s.Source.Enabled).ToList();
        var bad = enabled.Where(s => s.State is "failing" or "stale").ToList();
        var share = report.Value.UnhealthyShare;
        var healthy = enabled.Count == 0 || bad.Count <= share * enabled.Count;
        var reason = healthy ? null
            : $"{bad.Count} of {enabled.Count} enabled sources are failing or stale (more than {(share * 100).ToString("0.#", CultureInfo.InvariantCulture)}%): "
              + string.Join(", ", bad.Select(s => $"{s.Source.Id} ({s.State})"));
        return (healthy, new HealthReport(healthy ? "ok" : "degraded", reason, enabled.Count,
            enabled.Count(s => s.State == "failing"), enabled.Count(s => s.State == "stale"),
            summaries.State == "off" ? null : new SummariesHealth(summaries.State, UrlRedaction.Redact(summaries.Note), summaries.ConsecutiveFailures)));
    }

    // Whether the write lock can be taken now; a database that fails the question keeps the failure said.
    private async Task<bool> WriteLockFreeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await database.WriteLockFreeAsync(cancellationToken) == true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false;
        }
    }
}
