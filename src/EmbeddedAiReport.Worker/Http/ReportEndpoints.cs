using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>The daemon's read-only HTTP endpoints (design.md §9).</summary>
internal static class ReportEndpoints
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", async (HealthCheck health, CancellationToken ct) =>
        {
            var (healthy, body) = await health.EvaluateAsync(ct);
            return Results.Json(body, JsonOptions, "application/json; charset=utf-8", healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

        // The gauges describe state; read it just before the exporter writes them.
        app.UseWhen(http => http.Request.Path == "/metrics", branch => branch.Use(async (http, next) =>
        {
            await http.RequestServices.GetRequiredService<ReportGauges>().RefreshAsync(http.RequestAborted);
            await next(http);
        }));
        app.MapPrometheusScrapingEndpoint("/metrics");

        app.MapGet("/drafts/latest.md", async (HttpContext http, DraftFiles files, LoadedConfig config, TimeProvider time, CancellationToken ct) =>
        {
            var week = EditorialWeek.Containing(time.GetUtcNow(), config.Draft.Zone());
            return Markdown(http, await files.RenderAsync(DraftWindow.Of(week, config.Draft.Zone()), "markdown", ct));
        });

        app.MapGet("/drafts/{week}.md", async (string week, HttpContext http, DraftFiles files, LoadedConfig config, CancellationToken ct) =>
        {
            if (EditorialWeek.TryParse(week) is not { } parsed)
                return Results.Problem($"'{week}' is not an ISO week such as 2020-W48", statusCode: 400);
            return Markdown(http, await files.RenderAsync(DraftWindow.Of(parsed, config.Draft.Zone()), "markdown", ct));
        });

        app.MapGet("/entries", async (string? week, string? tag, string? section, string? status, HttpContext http, EntryStore store, LoadedConfig config,
            TimeProvider time, CancellationToken ct) =>
        {
            var zone = config.Draft.Zone();
            EditorialWeek? parsed = week is null ? EditorialWeek.Containing(time.GetUtcNow(), zone) : EditorialWeek.TryParse(week);
            if (parsed is not { } chosen) return Results.Problem($"'{week}' is not an ISO week such as 2020-W48", statusCode: 400);
            var window = DraftWindow.Of(chosen, zone);
            var rows = await store.QueryAsync(new EntryQuery { FromUtc = window.FromUtc, ToUtc = window.ToUtc, Tag = tag, Section = section, Status = status, Limit = 1000 }, ct);
            return Json(http, new
            {
                week = chosen.ToString(),
                entries = rows.Select(r => new
                {
                    r.Entry.Id, r.Entry.Title, r.Entry.Account, r.Entry.Url, r.Entry.Section, r.Entry.Status, r.Entry.Score,
                    published = r.Entry.Published, key = r.Entry.CanonicalKey, tags = r.Tags.Select(t => new { t.Tag, t.Weight }),
                }),
            });
        });

        app.MapGet("/sources", async (HttpContext http, SourceStatuses statuses, CancellationToken ct) =>
            Json(http, (await statuses.LoadAsync(ct)).Select(status => new
            {
                status.Source.Id, status.Source.Kind, status.Source.Enabled, status.Source.Schedule,
                status.State, status.Note, status.PausedUntil, status.Health,
            })));
    }

    private static IResult Markdown(HttpContext http, string text) => Conditional(http, text, "text/markdown; charset=utf-8");

    private static IResult Json<T>(HttpContext http, T value) =>
        Conditional(http, JsonSerializer.Serialize(value, JsonOptions), "application/json; charset=utf-8");

    // The body's hash is its ETag; a matching If-None-Match gets 304 without the body.
    private static IResult Conditional(HttpContext http, string text, string contentType)
    {
        var etag = "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))[..12]) + "\"";
        if (http.Request.Headers.IfNoneMatch.Contains(etag)) return Results.StatusCode(StatusCodes.Status304NotModified);
        http.Response.Headers.ETag = etag;
        return Results.Text(text, contentType);
    }
}
