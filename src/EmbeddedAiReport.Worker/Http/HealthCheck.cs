using System.Globalization;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Summaries;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Worker.Http;

/// <summary><c>GET /healthz</c>: 200 when the database answers and few enough sources are failing or stale, else 503 with the reason.</summary>
/// <remarks>The summarizer's state is part of the detail when it is on; a failing model never makes the daemon unhealthy, since drafts go on with the source text.</remarks>
internal sealed class HealthCheck(ReportDatabase database, SourceStatuses statuses, IOptions<ReportOptions> report, SummarizerHealth summarizer)
{
    /// <summary>The answer and the JSON body that explains it.</summary>
    public async Task<(bool Healthy, object Body)> EvaluateAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<SourceStatus> sources;
        SummarizerStatus summaries;
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sources";
            await command.ExecuteScalarAsync(cancellationToken);
            sources = await statuses.LoadAsync(cancellationToken);
            summaries = await summarizer.GetAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (false, new { status = "unavailable", reason = $"database unreachable: {ex.GetBaseException().Message}" });
        }

        var enabled = sources.Where(s => s.Source.Enabled).ToList();
        var bad = enabled.Where(s => s.State is "failing" or "stale").ToList();
        var share = report.Value.UnhealthyShare;
        var healthy = enabled.Count == 0 || bad.Count <= share * enabled.Count;
        var reason = healthy ? null
            : $"{bad.Count} of {enabled.Count} enabled sources are failing or stale (more than {(share * 100).ToString("0.#", CultureInfo.InvariantCulture)}%): "
              + string.Join(", ", bad.Select(s => $"{s.Source.Id} ({s.State})"));
        return (healthy, new
        {
            status = healthy ? "ok" : "degraded",
            reason,
            sources = enabled.Count,
            failing = enabled.Count(s => s.State == "failing"),
            stale = enabled.Count(s => s.State == "stale"),
            summaries = summaries.State == "off" ? null : new { state = summaries.State, note = summaries.Note, consecutiveFailures = summaries.ConsecutiveFailures },
        });
    }
}
