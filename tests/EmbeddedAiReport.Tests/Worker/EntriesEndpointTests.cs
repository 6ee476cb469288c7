using System.Net;
using System.Text.Json;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// <c>GET /entries</c> refuses what the <c>entries</c> command refuses: an unknown query parameter, or an unknown week,
/// section, status or tag, is a 400 with one JSON shape naming the parameter and what it accepts; a section goes by its
/// slug or its name, as on the command line.
/// </summary>
public sealed class EntriesEndpointTests : LoopbackTest
{
    private int _runs;

    private Task<(HttpStatusCode Status, string ContentType, JsonElement Body)> GetAsync(params string[] queries) => GetWithSourcesAsync("""{"sources": []}""", queries);

    private async Task<(HttpStatusCode Status, string ContentType, JsonElement Body)> GetWithSourcesAsync(string sources, params string[] queries)
    {
        // Each request on a fresh config folder and database, made by a poll.
        var name = $"run{++_runs}";
        var config = Folder.ConfigWithSources(sources, name);
        var db = Folder.File($"{name}.db");
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--config", config, "--db", db)).ExitCode);
        var loaded = WorkerHost.LoadConfig(config, db);
        Assert.Empty(loaded.Problems);
        return await DaemonApplication.WithClientAsync(loaded, async (_, http) =>
        {
            using var response = await http.GetAsync("entries?" + string.Join('&', queries));
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", JsonDocument.Parse(body).RootElement.Clone());
        });
    }

    private static List<string> Strings(JsonElement body, string name) => body.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToList();

    [Fact]
    public async Task Get_UnknownQueryParameters_Is400NamingThemAndListingTheAcceptedOnes()
    {
        var (status, type, body) = await GetAsync("week=2020-W20", "limit=5", "sectoin=papers");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.Equal(["limit", "sectoin"], Strings(body, "unknown"));
        Assert.Equal(["week", "tag", "section", "status"], Strings(body, "accepted"));
        Assert.Equal("unknown query parameters limit, sectoin (accepted: week, tag, section, status)", body.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("week=2020-48", "week", "week: '2020-48' is not an ISO week such as 2020-W48", null)]
    [InlineData("section=nosuch", "section", "section: unknown section 'nosuch'", "papers")]
    [InlineData("status=publishd", "status", "status: unknown status 'publishd'", "published")]
    [InlineData("tag=quantisation", "tag", "tag: no tag 'quantisation' in tags.json", "quantization")]
    public async Task Get_UnknownValue_Is400NamingTheParameterAndWhatItAccepts(string query, string parameter, string detail, string? accepted)
    {
        var (status, type, body) = await GetAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(parameter, body.GetProperty("parameter").GetString());
        Assert.StartsWith(detail, body.GetProperty("detail").GetString());
        if (accepted is not null) Assert.Contains(accepted, Strings(body, "accepted"));
        Assert.False(body.TryGetProperty("unknown", out _));
    }

    [Fact]
    public async Task Get_SectionByName_ListsWhatItsSlugLists()
    {
        // Papers of 2020-W48 (the items are dated Wednesday 2020-11-25).
        Server.MapFile("papers.xml", System.Text.Encoding.UTF8.GetBytes(FaultFeeds.Rss(FaultFeeds.Items(2, "paper"))));
        var sources = $$"""{"sources": [{"id": "papers", "kind": "feed", "url": "{{Server.Url("papers.xml")}}", "section": "papers", "schedule": "0 0 0 1 1 ? 2099", "allowPrivateNetwork": true}]}""";

        var bySlug = await GetWithSourcesAsync(sources, "week=2020-W48", "section=papers");
        var byName = await GetWithSourcesAsync(sources, "week=2020-W48", "section=论文");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (bySlug.Status, byName.Status));
        Assert.NotEqual(0, bySlug.Body.GetProperty("entries").GetArrayLength());
        Assert.Equal(bySlug.Body.GetRawText(), byName.Body.GetRawText());
    }

    [Theory]
    [InlineData("section=papers")]
    [InlineData("section=论文")]
    [InlineData("status=published&tag=QUANTIZATION")]
    [InlineData("week=2020-W20&tag=ai-chips&section=News&status=candidate")]
    public async Task Get_KnownValues_Is200(string query)
    {
        var (status, _, body) = await GetAsync(query);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, body.GetProperty("entries").GetArrayLength());
    }
}
