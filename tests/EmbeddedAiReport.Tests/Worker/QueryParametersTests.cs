using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// One rule for every route's query (README, HTTP): a parameter the route does not take, or one given twice, is a 400
/// problem naming it, as <c>/entries</c> answers; the drafts, issues and sources ignored them, so a script's typo there
/// (<c>?sectoin=</c>) went unnoticed.
/// </summary>
public sealed partial class QueryParametersTests
{
    // What the README's endpoint table and review section say each route takes.
    private static readonly Dictionary<string, string[]> Takes = new()
    {
        ["GET /entries"] = ["week", "from", "to", "tag", "section", "status", "limit"],
        ["GET /review"] = ["msg", "at", "more", "story"],
        ["GET /review/{window}"] = ["msg", "at", "more", "story"],
        ["GET /review/login"] = ["next"],
        ["POST /review/{window}/entries/{id}"] = ["more"],
        ["GET /review/{window}/entries/{id}/edit"] = ["more"],
    };

    [Fact]
    public async Task EveryRoute_AnUnknownQueryParameter_Is400NamingItAndWhatTheRouteTakes()
    {
        using var folder = new TempDirectory();
        var loaded = await ConfigAsync(folder);

        var (expected, answered) = await DaemonApplication.WithClientAsync(loaded, async (app, http) =>
        {
            // Every route the daemon maps, so a route added later is held to the rule too.
            var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .Select(e => (Pattern: e.RoutePattern.RawText!, Method: e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods[0]))
                .Distinct().OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal).ToList();
            Assert.Equal(["/drafts/latest.json", "/drafts/latest.md", "/drafts/{window}.json", "/drafts/{window}.md", "/entries", "/favicon.ico", "/healthz", "/issues",
                "/issues/{date}.md", "/metrics", "/review", "/review/assets/{name}", "/review/login", "/review/{window}", "/review/{window}/entries/{id}",
                "/review/{window}/entries/{id}/edit", "/review/{window}/publish", "/sources"], routes.Select(r => r.Pattern).Distinct());
            var expected = new List<string>();
            var answered = new List<string>();
            foreach (var (pattern, method) in routes)
            {
                var path = Parameter().Replace(pattern, m => m.Groups[1].Value switch
                {
                    "window" => "2020-W20", "id" => "1", "date" => "2020-05-15", "name" => "review.js", var other => throw new InvalidOperationException(other),
                });
                var takes = Takes.GetValueOrDefault($"{method} {pattern}", []);
                expected.Add($"{method} {path}: 400 unknown query parameter sectoin ({(takes.Length == 0 ? $"{path} takes none" : $"accepted: {string.Join(", ", takes)}")}) "
                    + $"unknown=sectoin accepted={string.Join(",", takes)}");
                using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/') + "?sectoin=papers"));
                var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                answered.Add($"{method} {path}: {(int)response.StatusCode} {body.GetProperty("detail").GetString()} "
                    + $"unknown={string.Join(",", body.GetProperty("unknown").EnumerateArray())} accepted={string.Join(",", body.GetProperty("accepted").EnumerateArray())}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
            return (expected, answered);
        });

        Assert.Equal(expected, answered);
    }

    [Theory]
    [InlineData("review?msg=a&msg=b", "msg: given 2 times; give it once")]
    [InlineData("drafts/latest.md?section=papers&section=news", "unknown query parameter section (/drafts/latest.md takes none)")]
    [InlineData("sources?Limit=1", "unknown query parameter Limit (/sources takes none)")]
    public async Task Route_ARepeatedOrUnknownParameter_Is400(string query, string detail)
    {
        using var folder = new TempDirectory();
        var loaded = await ConfigAsync(folder);

        var (status, body) = await DaemonApplication.WithClientAsync(loaded, async (_, http) =>
        {
            using var response = await http.GetAsync(query);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(detail, body.GetProperty("detail").GetString());
    }

    // ASP.NET Core reads a query's names ignoring case, so /entries reads ?WEEK= as its week: the name is not refused as
    // unknown, and with ?week= beside it the parameter is given twice.
    [Fact]
    public async Task Entries_AParameterNamedInOtherCase_IsReadAsThatParameter()
    {
        using var folder = new TempDirectory();
        var loaded = await ConfigAsync(folder);

        var answers = await DaemonApplication.WithClientAsync(loaded, async (_, http) =>
        {
            var answers = new List<string>();
            foreach (var query in new[] { "entries?WEEK=2020-W20", "entries?week=2020-W20&Week=2020-W21" })
            {
                using var response = await http.GetAsync(query);
                var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                answers.Add($"{(int)response.StatusCode} {(body.TryGetProperty("detail", out var detail) ? detail.GetString() : body.GetProperty("week").GetString())}");
            }
            return answers;
        });

        Assert.Equal(["200 2020-W20", "400 week: given 2 times; give it once"], answers);
    }

    // A config of no sources and its database, made by a poll as the daemon finds it.
    private static async Task<LoadedConfig> ConfigAsync(TempDirectory folder)
    {
        var config = folder.ConfigWithSources("""{"sources": []}""");
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--config", config, "--db", folder.File("report.db"))).ExitCode);
        var loaded = WorkerHost.LoadConfig(config, folder.File("report.db"));
        Assert.Empty(loaded.Problems);
        return loaded;
    }

    [GeneratedRegex(@"\{(\w+)(:\w+)?\}")]
    private static partial Regex Parameter();
}
