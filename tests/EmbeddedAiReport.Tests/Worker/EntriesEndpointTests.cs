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
        var (status, type, body) = await GetAsync("week=2020-W20", "lmit=5", "sectoin=papers");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.Equal(["lmit", "sectoin"], Strings(body, "unknown"));
        Assert.Equal(["week", "from", "to", "tag", "section", "status", "limit"], Strings(body, "accepted"));
        Assert.Equal("unknown query parameters lmit, sectoin (accepted: week, from, to, tag, section, status, limit)", body.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("week=2020-48", "week", "week: '2020-48' is not an ISO week such as 2020-W48", null)]
    [InlineData("section=nosuch", "section", "section: unknown section 'nosuch'", "papers")]
    [InlineData("status=publishd", "status", "status: unknown status 'publishd'", "published")]
    [InlineData("tag=quantisation", "tag", "tag: no tag 'quantisation' in tags.json", "quantization")]
    // The window as `entries --from/--to` reads it (README), its options named as query parameters.
    [InlineData("from=2020-11-23", "to", "from and to go together", "YYYY-MM-DD")]
    [InlineData("week=2020-W48&to=2020-11-29", "week", "use either week or from/to, not both", "YYYY-Www")]
    [InlineData("from=2020-11-23&to=29.11.2020", "to", "from/to: dates are yyyy-MM-dd", "YYYY-MM-DD")]
    [InlineData("from=2020-11-29&to=2020-11-23", "to", "to 2020-11-23 is before from 2020-11-29", "YYYY-MM-DD")]
    [InlineData("week=2025-W53", "week", "week: '2025-W53' is not an ISO week such as 2020-W48: 2025 has 52 ISO weeks (2025-W01 .. 2025-W52)", "YYYY-Www")]
    [InlineData("from=0001-01-01&to=2020-11-23", "from", "from 0001-01-01: dates run from 1990-01-01 to 9998-12-31", "YYYY-MM-DD")]
    [InlineData("limit=-1", "limit", "limit: '-1' is not a number of entries (0 lists them all)", "0")]
    [InlineData("limit=ten", "limit", "limit: 'ten' is not a number of entries", "N")]
    [InlineData("limit=", "limit", "limit: '' is not a number of entries (0 lists them all)", "N")]
    [InlineData("limit=99999999999", "limit", "limit: '99999999999' is more than the largest limit taken, 2147483647 (0 lists them all)", "N")]
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

    [Fact]
    public async Task Get_DaysAndLimit_ListTheDaysCutAtTheLimitAndSayHowManyMatch()
    {
        // Five papers dated Wednesday 2020-11-25 (16:00 in Shanghai), in 2020-W48 (Monday 23 .. Sunday 29), and one a week older.
        Server.MapFile("five.xml", System.Text.Encoding.UTF8.GetBytes(FaultFeeds.Rss(FaultFeeds.Items(5, "paper")
            + FaultFeeds.Item("An older paper", "https://example.org/older", "Summary of an older paper.", pubDate: "Wed, 18 Nov 2020 08:00:00 GMT"))));
        var sources = $$"""{"sources": [{"id": "papers", "kind": "feed", "url": "{{Server.Url("five.xml")}}", "schedule": "0 0 0 1 1 ? 2099", "allowPrivateNetwork": true}]}""";

        var day = await GetWithSourcesAsync(sources, "from=2020-11-25", "to=2020-11-25");
        var before = await GetWithSourcesAsync(sources, "from=2020-11-17", "to=2020-11-24");
        var cut = await GetWithSourcesAsync(sources, "week=2020-W48", "limit=2");
        var every = await GetWithSourcesAsync(sources, "week=2020-W48", "limit=0");
        var byDefault = await GetWithSourcesAsync(sources, "week=2020-W48");

        static (string? Week, string? From, string? To, long Total, int Listed) Shape((HttpStatusCode Status, string ContentType, JsonElement Body) reply)
        {
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            var body = reply.Body;
            return (body.GetProperty("week").GetString(), body.GetProperty("from").GetString(), body.GetProperty("to").GetString(),
                body.GetProperty("total").GetInt64(), body.GetProperty("entries").GetArrayLength());
        }
        Assert.Equal((null, "2020-11-25", "2020-11-25", 5L, 5), Shape(day));
        Assert.Equal((null, "2020-11-17", "2020-11-24", 1L, 1), Shape(before));
        Assert.Equal(("2020-W48", "2020-11-23", "2020-11-29", 5L, 2), Shape(cut));
        Assert.Equal(("2020-W48", "2020-11-23", "2020-11-29", 5L, 5), Shape(every));
        Assert.Equal(("2020-W48", "2020-11-23", "2020-11-29", 5L, 5), Shape(byDefault));
    }

    [Fact]
    public async Task Get_NoWindow_ListsTheCurrentWeekAndNamesIt()
    {
        // README: no window is the current week, and `week` is null only for a from/to window: the reply names the ISO
        // week its from (a Monday) .. to (the Sunday) are.
        var (status, _, body) = await GetAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        var from = DateOnly.ParseExact(body.GetProperty("from").GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var to = DateOnly.ParseExact(body.GetProperty("to").GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DayOfWeek.Monday, from.DayOfWeek);
        Assert.Equal(from.AddDays(6), to);
        var monday = from.ToDateTime(TimeOnly.MinValue);
        Assert.Equal($"{System.Globalization.ISOWeek.GetYear(monday)}-W{System.Globalization.ISOWeek.GetWeekOfYear(monday):00}", body.GetProperty("week").GetString());
    }

    [Fact]
    public async Task Get_TagAndLimit_TotalCountsTheMatchesOfTheTagOnly()
    {
        // README: `total` counts every match of the query, so a reply cut by `limit` shows what it left out; three of the
        // eight papers of 2020-W48 name quantization (tags.json: quantization, int8).
        var quantized = string.Concat(Enumerable.Range(0, 3).Select(i => FaultFeeds.Item($"INT8 quantization of detector {i}",
            $"https://example.org/quantized/{i}", $"Post-training quantization of detector {i}.", pubDate: "Wed, 25 Nov 2020 08:00:00 GMT")));
        Server.MapFile("eight.xml", System.Text.Encoding.UTF8.GetBytes(FaultFeeds.Rss(FaultFeeds.Items(5, "paper") + quantized)));
        var sources = $$"""{"sources": [{"id": "papers", "kind": "feed", "url": "{{Server.Url("eight.xml")}}", "schedule": "0 0 0 1 1 ? 2099", "allowPrivateNetwork": true}]}""";

        var (status, _, body) = await GetWithSourcesAsync(sources, "week=2020-W48", "tag=quantization", "limit=1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("total").GetInt64());
        Assert.Equal("INT8 quantization of detector", Assert.Single(body.GetProperty("entries").EnumerateArray()).GetProperty("title").GetString()![..29]);
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
