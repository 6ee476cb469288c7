using System.Reflection;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Worker.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EmbeddedAiReport.Worker.Review;

/// <summary>The editor's review page: <c>GET /review</c>, <c>/review/{window}</c> (a week, days or since-last), its actions and assets (design.md §9).</summary>
internal static class ReviewEndpoints
{
    /// <summary>Header the page's script sends: action replies become JSON instead of a redirect.</summary>
    public const string ScriptHeader = "X-Review";

    // No inline script or style, no other origin: even a value that escaped encoding could not run.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Registers what the page needs: anti-forgery (keys in memory: a restart only asks open pages to reload), access, actions.</summary>
    public static IServiceCollection AddReview(this IServiceCollection services)
    {
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        // ASP.NET Core still starts its key manager, which would write an unencrypted key under ~/.aspnet and warn of it (or
        // warn three times on a service without a home): nothing reads that key ring, so it stays in memory, unencrypted.
        services.Configure<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new MemoryKeyRepository();
            o.XmlEncryptor = new NullXmlEncryptor();
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "eair_antiforgery";
            o.Cookie.Path = "/review";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;   // Secure over https (the default never is)
            o.FormFieldName = ReviewPage.TokenField;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<ReviewNotices>();
        services.AddSingleton<ReviewAccess>();
        services.AddSingleton<ReviewPage>();
        services.AddTransient<ReviewActions>();
        return services;
    }

    // The line the daemon sent after a form post (ReviewNotices) and the entry it is about, shown there too, which page of a
    // section's entries out of the draft (ReviewMore), and the story whose members are all shown; the login page's is where to go next.
    private static readonly QueryParameters PageQuery = new(NoticeParameter, LandedParameter, ReviewMore.Parameter, StoryParameter);

    private const string StoryParameter = "story";
    // A form post's line shown once where it lands (ReviewNotices), and the row it acted on.
    private const string NoticeParameter = "msg", LandedParameter = "at";

    public static void Map(WebApplication app)
    {
        app.MapMethods("/review", ReportEndpoints.GetOrHead, (HttpContext http, LoadedConfig config, TimeProvider time, CancellationToken ct) =>
            PageAsync(http, PathWindow.Of(EditorialWeek.Containing(time.GetUtcNow(), config.Draft.Zone()), config.Draft.Zone()), ct)).WithMetadata(PageQuery);
        // A week, days (2020-05-01..2020-05-15) or since-last (PathWindow): an issue may cover two or three weeks.
        app.MapMethods("/review/{window}", ReportEndpoints.GetOrHead, async (string window, HttpContext http, CancellationToken ct) =>
        {
            var (named, problem, status) = await PathWindow.ResolveAsync(window, http.RequestServices, ct);
            if (named is not null) return await PageAsync(http, named, ct);
            if (status != StatusCodes.Status404NotFound) return PathWindow.Problem(problem, status);
            // No issue yet, or nothing since the last one (the page links here from every week): the current week, saying so,
            // after the line a form post sent here, if any (a plain Publish of since-last leaves it no window: "published issue …").
            var notices = http.RequestServices.GetRequiredService<ReviewNotices>();
            var line = notices.Shown(http.Request.Query[NoticeParameter].FirstOrDefault()) is { } sent ? $"{sent}; {problem}" : problem;
            return Results.Redirect($"/review?{NoticeParameter}={Uri.EscapeDataString(notices.Sent(line))}");
        }).WithMetadata(PageQuery);
        app.MapMethods("/review/assets/{name}", ReportEndpoints.GetOrHead, (string name) => Asset(name));
        app.MapMethods("/review/login", ReportEndpoints.GetOrHead, (HttpContext http, string? next) => LoginPage(http, next, null))
            .WithMetadata(new QueryParameters("next"));
        app.MapPost("/review/login", LoginAsync);
        // Any id segment: one that is no entry id (abc, a number past Int64) is answered as a missing entry is (ReviewActions).
        // A form of a page of entries out of the draft (?more=) names that page, where a plain post goes back to.
        app.MapPost("/review/{window}/entries/{id}", (string window, string id, HttpContext http, CancellationToken ct) =>
            ActAsync(http, window, RequestNumber.Parse<long>(id, out _), (actions, named, form) => actions.ApplyAsync(named, id, form, ct)))
            .WithMetadata(new QueryParameters(ReviewMore.Parameter));
        // An entry's edit form on a page of its own: the row links here (no script), the script fetches it into the row.
        app.MapMethods($"/review/{{window}}/entries/{{id}}/{ReviewPage.EditPath}", ReportEndpoints.GetOrHead, (string window, string id, HttpContext http, CancellationToken ct) =>
            EditPageAsync(http, window, id, ct)).WithMetadata(new QueryParameters(ReviewMore.Parameter));
        app.MapPost("/review/{window}/publish", (string window, HttpContext http, CancellationToken ct) =>
            ActAsync(http, window, null, (actions, named, form) => actions.PublishAsync(named, form, asked: http.Request.Headers.ContainsKey(ScriptHeader), ct)));
    }

    /// <param name="refused">An edit refused as stale, answered without the script: its line on the page, what was typed in its form, its status.</param>
    private static async Task<IResult> PageAsync(HttpContext http, PathWindow window, CancellationToken cancellationToken, ReviewActions.Outcome? refused = null)
    {
        var services = http.RequestServices;
        var access = services.GetRequiredService<ReviewAccess>();
        if (ReadRefusal(http, access, $"/review/{window.Token}") is { } unread) return unread;
        var config = services.GetRequiredService<LoadedConfig>();
        var more = More(http, out var badMore);
        if (badMore is not null) return badMore;
        var storyText = http.Request.Query[StoryParameter].FirstOrDefault();
        var story = RequestNumber.Parse<long>(storyText, out _);
        if (storyText is not null && story is null)
            return QueryParameters.Write(QueryProblem.Of($"{StoryParameter}: '{Echoed.Of(storyText)}' is not an entry id", StoryParameter, null, ["ID"]));
        var review = await services.GetRequiredService<DraftReview>().BuildAsync(window.Window, cancellationToken);
        var markdown = config.Renderer!.Render(review.Draft);
        var token = FormToken(http);
        // Only a line the daemon sent (ReviewNotices): a crafted link's text is not shown under the banner.
        var notice = refused?.Message ?? services.GetRequiredService<ReviewNotices>().Shown(http.Request.Query[NoticeParameter].FirstOrDefault());
        // The entry a form post acted on, where the editor lands (#e42): its line is shown there, not only at the top.
        var at = refused is null && notice is not null ? RequestNumber.Parse<long>(http.Request.Query[LandedParameter].ToString(), out _) : null;
        // Where a form post lands and a refused edit are shown whichever page of the entries out of the draft they are on.
        var keep = new HashSet<long>();
        if (at is { } landed) keep.Add(landed);
        if (refused?.Kept is { } kept) keep.Add(kept.Id);
        if (story is { } head) keep.Add(head);
        var sections = ReviewLayout.Paged(ReviewLayout.Of(review, config.Draft), more, keep);
        var view = new ReviewView(window, review, sections, markdown, token, access.CanWrite(http), notice, refused?.Kept, at, More: more, Story: story);
        // A late arrival says why on the page, not only on hover: an editor on a phone or a keyboard never sees a title. Only
        // the rows shown are looked up (a story's members past the first few are behind a link: ReviewPage.Shown), a query per
        // published window they were moved out of (they usually share one), not one a row.
        var late = new Dictionary<long, string>();
        var issues = services.GetRequiredService<Storage.IssueStore>();
        var issueEnding = Cli.LateArrival.Remembering(issues.PublishedWindowEndingAsync);
        foreach (var entry in ReviewPage.Shown(view).Select(r => r.Entry.Entry).Where(e => e.IsLateArrival))
            late[entry.Id] = await Cli.LateArrival.DescribeAsync(issueEnding, entry, config.Draft.Zone(), cancellationToken);
        // A week already published says so, as export does on stderr: reopened, its page otherwise shows a draft of what the
        // issue left out and a Publish, as if nothing had gone out.
        var published = await Cli.ExportCommand.PublishedFromAsync(issues, review.Window, config.Draft.Zone(), cancellationToken);
        view = view with { LateArrivals = late, PublishedFrom = published };
        return Html(http, services.GetRequiredService<ReviewPage>().Render(view), refused?.Status ?? StatusCodes.Status200OK);
    }

    // The page of one entry: its actions, its section and its edit form as its row showed them before rounds 39 and 40, with
    // what the entry says now and its fingerprint, each form posting to the row's action (a plain post lands back at the row,
    // on the ?more= page it came from). Answered in plain text when there is nothing to edit: the script shows that line on
    // the status line.
    private static async Task<IResult> EditPageAsync(HttpContext http, string window, string idText, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var access = services.GetRequiredService<ReviewAccess>();
        var here = $"/review/{Uri.EscapeDataString(window)}/entries/{Uri.EscapeDataString(idText)}/{ReviewPage.EditPath}";
        if (ReadRefusal(http, access, here) is { } unread) return unread;
        if (access.WriteRefusal(http) is { } refusal) return Plain($"read-only: {refusal.Message}", refusal.Status);
        var more = More(http, out var badMore);
        if (badMore is not null) return badMore;
        var (named, problem, status) = await PathWindow.ResolveAsync(window, services, cancellationToken);
        if (named is null) return PathWindow.Problem(problem, status);
        var entry = RequestNumber.Parse<long>(idText, out _) is { } id ? await services.GetRequiredService<Storage.EditorStore>().EntryAsync(id, cancellationToken) : null;
        if (entry is null) return Plain($"no entry with id {Echoed.Of(idText)}", StatusCodes.Status404NotFound);
        // As on the page: what an issue already carries is not edited there (its row has no Edit).
        if (entry.Entry.Status == "published" || entry.CoveredBy is not null)
            return Plain($"{entry.Entry.Id}: an issue already carries it{(entry.CoveredBy is { } date ? $" (the issue of {date})" : "")}: nothing to edit", StatusCodes.Status409Conflict);
        return Html(http, services.GetRequiredService<ReviewPage>().RenderEdit(named, entry, more, FormToken(http)));
    }

    // A page (path) this client may not see: the login page while its wrong tokens lock it out (429), else a redirect to log
    // in. Either way the login leads back to the page as asked, its query too (the ?more= page, the ?story= unfolded), but
    // not a form post's one-time line and landing row (msg, at), which would show a stale line after logging in.
    private static IResult? ReadRefusal(HttpContext http, ReviewAccess access, string path)
    {
        var wait = access.RetryAfter(http);
        if (wait is null && access.CanRead(http)) return null;
        var here = path + new QueryBuilder(http.Request.Query.Where(p => p.Key is not (NoticeParameter or LandedParameter))).ToQueryString();
        return wait is { } locked
            ? LoginPage(http, here, ReviewAccess.TooManyFailures(http, locked), StatusCodes.Status429TooManyRequests)
            : Results.Redirect($"/review/login?next={Uri.EscapeDataString(here)}");
    }

    private static IResult Plain(string line, int status) => Results.Text(line + "\n", "text/plain; charset=utf-8", statusCode: status);

    private static async Task<IResult> ActAsync(HttpContext http, string window, long? id,
        Func<ReviewActions, PathWindow, IFormCollection, Task<ReviewActions.Outcome>> act)
    {
        var services = http.RequestServices;
        var access = services.GetRequiredService<ReviewAccess>();
        if (await access.CheckWriteAsync(http) is { } refused)
        {
            services.GetRequiredService<ILogger<ReviewActions>>().Refused(http.Request.Method, http.Request.Path, http.Connection.RemoteIpAddress?.ToString(), refused.Message);
            return http.Request.Headers.ContainsKey(ScriptHeader)
                ? Results.Json(new ActionReply(false, refused.Message), EndpointJson.Options.For<ActionReply>(), statusCode: refused.Status)
                : Plain(refused.Message, refused.Status);
        }
        var more = More(http, out var badMore);
        if (badMore is not null) return badMore;
        var (named, problem, status) = await PathWindow.ResolveAsync(window, services, http.RequestAborted);
        // since-last read on a page that had a window then: another editor published it, or the day turned. Said on the
        // page's status line (a plain form post goes to the current week's page, where GET /review/since-last sends it).
        if (named is null && status == StatusCodes.Status404NotFound)
            return Reply(http, null, id, new ReviewActions.Outcome(status, $"{problem}; nothing was {(id is null ? "published" : "changed")}: reload the page"));
        if (named is null) return PathWindow.Problem(problem, status);
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : FormCollection.Empty;
        var outcome = await act(services.GetRequiredService<ReviewActions>(), named, form);
        // An edit refused as stale, without the script: a redirect would lose what the editor typed (a 摘要 written for
        // minutes), so the answer is the page as it is now with that text in the entry's form, open, to save again.
        if (outcome.Kept is not null && !http.Request.Headers.ContainsKey(ScriptHeader)) return await PageAsync(http, named, http.RequestAborted, outcome);
        // A Publish without the script, not confirmed yet: what it would publish, and the button that does.
        if (outcome.Asked is { } asked)
        {
            return Html(http, services.GetRequiredService<ReviewPage>().RenderConfirmation(named, outcome.Message, asked, FormToken(http)));
        }
        return Reply(http, window, id, outcome, more);
    }

    // The page of a section's entries out of the draft asked for (?more=SECTION:OFFSET), by the page or a form posted from it;
    // a malformed one is refused as every query problem is.
    private static ReviewMore? More(HttpContext http, out IResult? refused)
    {
        var sections = http.RequestServices.GetRequiredService<LoadedConfig>().Draft.EffectiveSections;
        var more = ReviewMore.Parse(http.Request.Query[ReviewMore.Parameter].FirstOrDefault(), [.. sections.Select(s => s.Slug), ReviewLayout.OtherSlug], out var problem);
        refused = problem is null ? null : QueryParameters.Write(QueryProblem.Of(problem, ReviewMore.Parameter, null, ["SECTION:OFFSET"]));
        return more;
    }

    // The page's script gets JSON; a plain form post is sent back to the page (303; null: the current week's), the message
    // shown at its top, on the page of entries out of the draft it was posted from (more).
    private static IResult Reply(HttpContext http, string? window, long? id, ReviewActions.Outcome outcome, ReviewMore? more = null)
    {
        if (http.Request.Headers.ContainsKey(ScriptHeader)) return Results.Json(new ActionReply(outcome.Ok, outcome.Message), EndpointJson.Options.For<ActionReply>(), statusCode: outcome.Status);
        var anchor = id is { } entry && window is not null ? $"&{LandedParameter}={entry}#e{entry}" : "";
        var message = http.RequestServices.GetRequiredService<ReviewNotices>().Sent(outcome.Message);
        var page = window is null ? "/review" : $"/review/{Uri.EscapeDataString(window)}";
        var paged = more is not null && window is not null ? $"&{more.Query}" : "";
        http.Response.Headers.Location = $"{page}?{NoticeParameter}={Uri.EscapeDataString(message)}{paged}{anchor}";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static async Task<IResult> LoginAsync(HttpContext http, IAntiforgery antiforgery, ReviewAccess access)
    {
        if (await ReviewForm.ReadAsync(http) is { } unreadable) return LoginPage(http, null, unreadable.Message, unreadable.Status);
        if (!await antiforgery.IsRequestValidAsync(http)) return LoginPage(http, null, "The form was out of date; try again.", StatusCodes.Status400BadRequest);
        var form = http.Request.HasFormContentType ? http.Request.Form : FormCollection.Empty;
        var next = SafeNext(form["next"]);
        // A client past the limit is refused before its token is compared, the right one included (LoginThrottle).
        if (access.RetryAfter(http) is { } wait)
            return LoginPage(http, next, "The token was not checked: " + ReviewAccess.TooManyFailures(http, wait) + ".", StatusCodes.Status429TooManyRequests);
        if (!access.IsToken(form["token"]))
        {
            var locked = access.CountFailure(http);
            return LoginPage(http, next, locked is null ? "Wrong token." : $"Wrong token; {ReviewAccess.TooManyFailures(http, locked.Value)}.",
                StatusCodes.Status401Unauthorized);
        }
        access.LoginSucceeded(http);
        http.Response.Cookies.Append(ReviewAccess.CookieName, access.CookieValue(), new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Path = access.CookiePath, Secure = http.Request.IsHttps, MaxAge = TimeSpan.FromDays(30),
        });
        return Results.Redirect(next);
    }

    // The anti-forgery token a page's forms carry (its cookie half set on the response).
    private static string FormToken(HttpContext http) =>
        http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http).RequestToken ?? "";

    private static IResult LoginPage(HttpContext http, string? next, string? problem, int status = StatusCodes.Status200OK)
    {
        var token = FormToken(http);
        var html = new ReviewHtml().Head("Log in · review")
            .Raw("<body class=\"login\">")
            .Raw("<h1><span lang=\"zh-CN\">嵌入式AI简报</span> · review</h1><form method=\"post\" action=\"/review/login\"><p class=\"notice\">").Text(problem).Raw("</p>")
            .Raw("<input type=\"hidden\"").Attr("name", ReviewPage.TokenField).Attr("value", token).Raw(">")
            .Raw("<input type=\"hidden\" name=\"next\"").Attr("value", SafeNext(next)).Raw(">")
            .Raw("<label>Editor token <input type=\"password\" name=\"token\" autocomplete=\"current-password\" required autofocus></label> ")
            .Raw("<button>Log in</button></form></body></html>\n");
        return Html(http, html.ToString(), status);
    }

    // Only a path on this page: never another host (an open redirect).
    private static string SafeNext(string? next) =>
        next is { } path && path.StartsWith("/review", StringComparison.Ordinal) && !path.Contains("//", StringComparison.Ordinal) && !path.Contains('\\')
            ? path : "/review";

    private static IResult Html(HttpContext http, string html, int status = StatusCodes.Status200OK)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    private static IResult Asset(string name)
    {
        var type = Path.GetExtension(name) switch { ".js" => "text/javascript; charset=utf-8", ".css" => "text/css; charset=utf-8", _ => null };
        var stream = type is null ? null : Assembly.GetExecutingAssembly().GetManifestResourceStream("Review/" + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, type);
    }
}

/// <summary>The key manager's store, in memory: its ring dies with the process, as the anti-forgery keys do.</summary>
internal sealed class MemoryKeyRepository : IXmlRepository
{
    private readonly List<System.Xml.Linq.XElement> _elements = [];

    public IReadOnlyCollection<System.Xml.Linq.XElement> GetAllElements()
    {
        lock (_elements) return _elements.Select(e => new System.Xml.Linq.XElement(e)).ToList();
    }

    public void StoreElement(System.Xml.Linq.XElement element, string friendlyName)
    {
        lock (_elements) _elements.Add(new System.Xml.Linq.XElement(element));
    }
}
