using System.Text.Json;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using Microsoft.Net.Http.Headers;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>The daemon's read-only HTTP endpoints (design.md §9).</summary>
internal static partial class ReportEndpoints
{
    private static readonly JsonSerializerOptions JsonOptions = EndpointJson.Options;

    // HEAD too (uptime checkers use it): the same headers, no body (Kestrel sends none for HEAD).
    internal static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    public static void Map(WebApplication app)
    {
        // A refusal the routes do not word themselves (404 for a path nothing serves, 405 with Allow for another method, an
        // asset's 404) has a problem body too, as the routes' own refusals have, not an empty one.
        app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            var detail = http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => $"nothing is served at {Echoed.Of(http.Request.Path)}",
                StatusCodes.Status405MethodNotAllowed => $"{Echoed.Of(http.Request.Path)} does not take {http.Request.Method}: {http.Response.Headers.Allow}",
                _ => null,
            };
            return Results.Problem(detail, statusCode: http.Response.StatusCode).ExecuteAsync(http);
        });

        // The database down, refusing, locked past its timeout or replaced (ReportDatabase.FailureLine) fails every page alike: 503
        // and the one line that names it, as /healthz and poll say it, not an empty 500 and a stack trace in the log.
        app.Use(async (http, next) =>
        {
            // Every answer is what it says it is: a browser must not sniff a draft (text/markdown, feed text inside) or an
            // error as HTML. Set when the answer starts, so that the 503 below, which clears the headers, keeps it too.
            http.Response.OnStarting(() =>
            {
                http.Response.Headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            });
            try
            {
                await next(http);
            }
            catch (Exception ex) when (!http.Response.HasStarted && http.RequestServices.GetRequiredService<ReportDatabase>().FailureLine(ex) is { } failure)
            {
                DatabaseFailed(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReportEndpoints)), http.Request.Path, failure);
                http.Response.Clear();
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync($"database unavailable: {failure}\n", http.RequestAborted);
            }
        });

        // Report:ProtectReads: before the query is read, so that a client without the token learns nothing of the route.
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<ProtectedRead>() is not null
                && http.RequestServices.GetRequiredService<Review.ReviewAccess>().ProtectedReadRefusal(http) is { } refusal)
            {
                if (refusal.Status == StatusCodes.Status401Unauthorized) http.Response.Headers.WWWAuthenticate = "Bearer";
                await Results.Problem(refusal.Message, statusCode: refusal.Status).ExecuteAsync(http);
                return;
            }
            await next(http);
        });

        QueryParameters.Use(app);

        app.MapMethods("/healthz", GetOrHead, async (HealthCheck health, CancellationToken ct) =>
        {
            var (healthy, body) = await health.EvaluateAsync(ct);
            return Results.Json(body, JsonOptions.GetTypeInfo(body.GetType()), "application/json; charset=utf-8", healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

        // A browser asks for /favicon.ico beside a draft or JSON it opens: no content, cached for a day, rather than a 404 problem
        // on every look (the review page links an empty icon of its own, ReviewHtml.Head).
        app.MapMethods("/favicon.ico", GetOrHead, (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.NoContent();
        });

        // The gauges describe state; read it just before the exporter writes them.
        app.UseWhen(http => http.Request.Path == "/metrics", branch => branch.Use(async (http, next) =>
        {
            await http.RequestServices.GetRequiredService<ReportGauges>().RefreshAsync(http.RequestAborted);
            await next(http);
        }));
        // The exporter's endpoint answers any method; a POST is a 405 naming GET and HEAD, as on every other read-only route.
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new HttpMethodMetadata(GetOrHead));

        // The draft as markdown, or as the JSON `export --format json` writes, for other tools.
        foreach (var (extension, format, contentType) in new[] { ("md", "markdown", "text/markdown; charset=utf-8"), ("json", "json", "application/json; charset=utf-8") })
        {
            app.MapMethods($"/drafts/latest.{extension}", GetOrHead, async (HttpContext http, DraftFiles files, LoadedConfig config, TimeProvider time, CancellationToken ct) =>
            {
                var week = EditorialWeek.Containing(time.GetUtcNow(), config.Draft.Zone());
                var draftWindow = DraftWindow.Of(week, config.Draft.Zone());
                await NotePublishedAsync(http, draftWindow, ct);
                return Conditional(http, await files.RenderAsync(draftWindow, format, ct), contentType);
            }).WithMetadata(ProtectedRead.Instance);

            // A week, days (2020-05-01..2020-05-15) or since-last (PathWindow).
            app.MapMethods($"/drafts/{{window}}.{extension}", GetOrHead, async (string window, HttpContext http, DraftFiles files, CancellationToken ct) =>
            {
                var (named, problem, status) = await PathWindow.ResolveAsync(window, http.RequestServices, ct);
                if (named is null) return PathWindow.Problem(problem, status);
                // The body stays the draft exactly: the note export --since-last prints on stderr goes in a header.
                if (named.Token == PathWindow.SinceLast && LongSinceLast(named.Window, extension) is { } note) http.Response.Headers.Append(NoteHeader, note);
                await NotePublishedAsync(http, named.Window, ct);
                return Conditional(http, await files.RenderAsync(named.Window, format, ct), contentType);
            }).WithMetadata(ProtectedRead.Instance);
        }

        // The recorded issues, newest first, as `issue` lists them.
        app.MapMethods("/issues", GetOrHead, async (HttpContext http, IssueStore issues, CancellationToken ct) =>
            Json(http, (await issues.DatesAsync(ct)).Select(i => new IssueReply(i.Date, i.HasMarkdown ? $"/issues/{i.Date:yyyy-MM-dd}.md" : null)).ToList()))
            .WithMetadata(ProtectedRead.Instance);

        // A recorded issue as it went out (published: the draft rendered with the issue's date; imported: the file).
        app.MapMethods("/issues/{date}.md", GetOrHead, async (string date, HttpContext http, IssueStore issues, CancellationToken ct) =>
        {
            if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
                return Results.Problem($"'{Echoed.Of(date)}' is not a date such as 2020-05-15", statusCode: 400);
            var (exists, markdown) = await issues.MarkdownAsync(day, ct);
            if (markdown is null)
                return Results.Problem(exists ? $"the issue of {date} was recorded before issues kept their markdown" : $"no issue of {date} is recorded",
                    statusCode: 404);
            return Markdown(http, markdown);
        }).WithMetadata(ProtectedRead.Instance);

        // The query is read as strictly as the entries command reads its options (EntriesRequest): every refusal is a 400 of one
        // shape, the shape of every route's refused query (QueryParameters).
        app.MapMethods("/entries", GetOrHead, async (HttpContext http, EntryStore store, LoadedConfig config, TimeProvider time, CancellationToken ct) =>
        {
            if (!EntriesRequest.TryRead(http.Request.Query, config, time.GetUtcNow(), out var request, out var problem))
                return QueryParameters.Write(problem);
            var rows = await store.QueryAsync(request.Query, ct);
            var total = await store.TotalAsync(request.Query, rows.Count, ct);
            return Json(http, new EntriesReply(request.Week, request.Window.First, request.Window.Last, total, rows.Select(r => new EntryReply(r.Entry.Id, r.Entry.Title, r.Entry.Account,
                r.Entry.Url, r.Entry.Section, r.Entry.Status, r.Entry.Score, r.Entry.Published, r.Entry.CanonicalKey, r.Tags))));
        }).WithMetadata(EntriesRequest.Parameters, ProtectedRead.Instance);

        app.MapMethods("/sources", GetOrHead, async (HttpContext http, SourceStatuses statuses, LoadedConfig config, CancellationToken ct) =>
        {
            var zone = config.Draft.Zone();
            DateTimeOffset? Local(DateTimeOffset? value) => value is { } v ? TimeZoneInfo.ConvertTime(v, zone) : null;
            var result = new List<SourceReply>();
            foreach (var status in await statuses.LoadAsync(ct))
            {
                var h = status.Health;
                var requests = await statuses.RequestsAsync(status.Source, ct);
                result.Add(new SourceReply(status.Source.Id, status.Source.Kind, status.Source.Enabled, status.Source.Schedule,
                    status.State, UrlRedaction.Redact(status.Note), Local(status.PausedUntil), Local(status.NextPoll),
                    h is null ? null : new SourceHealthReply(Local(h.LastPoll), Local(h.LastSuccess), UrlRedaction.Redact(h.LastError),
                        UrlRedaction.Redact(h.LastWarning), h.LastLeftOut, h.ConsecutiveFailures, Local(h.PausedUntil), Local(h.LastNewEntry), Local(h.FirstPoll), h.Entries),
                    requests.Values.OrderBy(r => r.Label, StringComparer.Ordinal)
                        .Select(r => new RequestReply(r.Label, UrlRedaction.Redact(r.Error), r.ConsecutiveFailures, Local(r.PausedUntil)))));
            }
            return Json(http, result);
        }).WithMetadata(ProtectedRead.Instance);
    }

    /// <summary>Marks a route that needs the editor token when <c>Report:ProtectReads</c> is set (<see cref="Review.ReviewAccess.ProtectedReadRefusal"/>).</summary>
    private sealed class ProtectedRead
    {
        public static readonly ProtectedRead Instance = new();
    }

    /// <summary>The header that carries what the command says on stderr beside the draft (a since-last window of months, an issue published from the window).</summary>
    public const string NoteHeader = "X-Eair-Note";

    // A window an issue was published from drafts without that issue's items: export notes it on stderr and the review page
    // above its entries; a draft pulled over HTTP (a script, curl) says it in the header, one value an issue, the body the draft.
    private static async Task NotePublishedAsync(HttpContext http, DraftWindow window, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        foreach (var (date, note) in await Cli.ExportCommand.PublishedFromAsync(services.GetRequiredService<IssueStore>(), window,
                     services.GetRequiredService<LoadedConfig>().Draft.Zone(), cancellationToken))
            http.Response.Headers.Append(NoteHeader, $"{note}; /issues/{date:yyyy-MM-dd}.md is that issue as it went out");
    }

    // The note of ExportCommand.LongSinceLast, naming the narrower drafts to ask for (a header value: ASCII only).
    private static string? LongSinceLast(DraftWindow window, string extension)
    {
        var last = window.Last;
        var week = EditorialWeek.Containing(new DateTimeOffset(last.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero), TimeZoneInfo.Utc);
        return Cli.ExportCommand.LongSinceLast(window, $"ask for a week (/drafts/{week}.{extension}) or days (/drafts/{last.AddDays(-13):yyyy-MM-dd}..{last:yyyy-MM-dd}.{extension})");
    }

    private static IResult Markdown(HttpContext http, string text) => Conditional(http, text, "text/markdown; charset=utf-8");

    private static IResult Json<T>(HttpContext http, T value) =>
        Conditional(http, JsonSerializer.Serialize(value, JsonOptions.For<T>()), "application/json; charset=utf-8");

    // The body's hash is its ETag; an If-None-Match that names it (in a list, weak or strong, or *) gets 304 without the body,
    // with the ETag (RFC 9110 §13.1.2: GET compares weakly).
    private static IResult Conditional(HttpContext http, string text, string contentType)
    {
        var etag = new EntityTagHeaderValue("\"" + TextDigest.Sha256Hex(text, 12) + "\"");
        http.Response.Headers.ETag = etag.ToString();
        if (http.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } tags && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false)))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Text(text, contentType);
    }

    [LoggerMessage(EventId = 4204, Level = LogLevel.Error, Message = "{Path} answered 503, the database failed: {Error}")]
    private static partial void DatabaseFailed(ILogger logger, string path, string error);
}
