using System.Security.Cryptography;
using System.Text;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>The daemon's read-only HTTP endpoints (design.md §9).</summary>
internal static class ReportEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n", "text/plain; charset=utf-8"));

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

        app.MapGet("/sources", async (SourceStore store, LoadedConfig config, CancellationToken ct) =>
        {
            var health = (await store.ListHealthAsync(ct)).ToDictionary(h => h.Id);
            return Results.Json(config.Sources.Select(s => new
            {
                s.Id, s.Kind, s.Enabled, s.Schedule,
                health = health.GetValueOrDefault(s.Id),
            }));
        });
    }

    private static IResult Markdown(HttpContext http, string text)
    {
        var etag = "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))[..12]) + "\"";
        if (http.Request.Headers.IfNoneMatch.Contains(etag)) return Results.StatusCode(StatusCodes.Status304NotModified);
        http.Response.Headers.ETag = etag;
        return Results.Text(text, "text/markdown; charset=utf-8");
    }
}
