using System.Text;
using System.Text.Json;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Tests.Sources.Arxiv;

public sealed class ArxivApiSourceTests() : LoopbackTest(new TestServices(new DateTimeOffset(2025, 3, 10, 0, 0, 0, TimeSpan.Zero)))
{
    private const string Testing = "arxiv-api-atom/arxivpy_q_testing_m10.body.xml";
    private const string OneOfTwo = "arxiv-api-atom/arxivpy_idlist_2ids_one_missing.body.xml";

    // The real response was recorded on 2026-04-12; its newest papers were submitted 2025-03-07 and 2025-02-11.
    private SourceDefinition Source(string extra = "", TestServices? services = null) => Assert.Single((services ?? Services).Sources(
        $$"""{"sources": [{"id": "arxiv-q", "kind": "arxiv-api", "url": "{{Server.Url("api/query?search_query=all:testing&start=0&max_results=10")}}", "allowPrivateNetwork": true {{extra}}}]}"""));

    private Task<PollResult> PollAsync(SourceDefinition source) => Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);

    private static byte[] RecordedBody(string fixture) =>
        // arXiv.py's recorder stored the raw bytes decoded as latin-1 (Fixtures/SOURCES.md).
        Encoding.Latin1.GetBytes(JsonDocument.Parse(Fixtures.Text(fixture)).RootElement.GetProperty("body").GetString()!);

    [Fact]
    public async Task PollAsync_RealResponse_KeepsOnlyPapersInsideTheWindowAndStopsPaging()
    {
        Server.Serve("api/query", Fixtures.Bytes(Testing));

        var result = await PollAsync(Source(""", "days": 30"""));

        Assert.Null(result.Error);
        Assert.Equal(2, result.New);
        Assert.Equal(["arxiv:2502.07719", "arxiv:2503.05378"], (await Services.EntriesAsync()).Keys.Order());
        Assert.Single(Server.Requests);   // older papers on the page: nothing newer further on
    }

    [Fact]
    public async Task PollAsync_RealResponse_MapsIdVersionAuthorsAndDates()
    {
        Server.Serve("api/query", Fixtures.Bytes(Testing));

        await PollAsync(Source(""", "days": 30"""));

        var entry = (await Services.EntriesAsync())["arxiv:2503.05378"];
        Assert.Equal(("2503.05378v2", 2, "https://arxiv.org/abs/2503.05378v2", "papers"), (entry.Prefix, entry.Version, entry.Url, entry.Section));
        Assert.Equal(new DateTimeOffset(2025, 3, 7, 12, 39, 59, TimeSpan.Zero), entry.Published);
        // The fixture's four <author> names; its abstract cut after the last sentence that fits in 400 characters.
        Assert.Equal("Iva Kertusha, Gebremariem Assress, Onur Duman, Andrea Arcuri", entry.Account);
        Assert.Equal(
            "Web application testing is an essential practice to ensure the reliability, security, and performance of web systems in an " +
            "increasingly digital world. This paper presents a systematic literature survey focusing on web testing methodologies, tools, " +
            "and trends from 2014 to 2025.…", entry.Summary);
    }

    [Fact]
    public async Task PollAsync_MoreResultsThanOnePage_FollowsStartUntilTotalResults()
    {
        MapTwoPages(Fixtures.Bytes(OneOfTwo));
        Services.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 13, 0, 0, 0, TimeSpan.Zero));

        var result = await PollAsync(Source(""", "days": 36500"""));

        Assert.Null(result.Error);
        Assert.Equal(11, result.New);
        Assert.Equal(2, Server.Requests.Count);
        Assert.EndsWith("start=10&max_results=10", Server.Requests.Last().PathAndQuery);
        Assert.Contains("search_query=all:testing", Server.Requests.Last().PathAndQuery);
    }

    [Fact]
    public async Task PollAsync_EmptyPageInsideTotalResults_StoresWhatWasReadAndWarns()
    {
        // The real empty answer, but as arXiv sends it now and then for a page of a query that has results (arXiv.py's
        // UnexpectedEmptyPageError): totalResults is still the query's, 214881 as on the first page.
        var empty = Encoding.UTF8.GetString(RecordedBody("arxiv-api-atom/arxivpy_empty_result.recorded.json"))
            .Replace("<opensearch:totalResults>0<", "<opensearch:totalResults>214881<", StringComparison.Ordinal)
            .Replace("<opensearch:startIndex>0<", "<opensearch:startIndex>10<", StringComparison.Ordinal);
        MapTwoPages(Encoding.UTF8.GetBytes(empty));
        var logs = new CapturingLoggerProvider();
        using var services = new TestServices(new DateTimeOffset(2026, 4, 13, 0, 0, 0, TimeSpan.Zero), configure: s => s.AddSingleton<ILoggerProvider>(logs));

        var result = await services.Get<SourcePoller>().PollAsync(Source(""", "days": 36500""", services), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(10, result.New);
        Assert.Equal(2, Server.Requests.Count);
        Assert.Contains("arXiv sent an empty page at start=10 of 214881 results", result.Warning);
        // The operator's log line says what happened; the page was a whole, well-formed answer, not a broken feed.
        var line = Assert.Single(logs.Lines, l => l.EventId is 2007 or 2010);
        Assert.Equal(2010, line.EventId);
        Assert.StartsWith("arxiv-q: paging stopped at ", line.Message);
        Assert.EndsWith("start=10&max_results=10: arXiv sent an empty page at start=10 of 214881 results (its API does so now and then); the rest is read at the next poll", line.Message);
        Assert.DoesNotContain("broken", line.Message);
    }

    [Fact]
    public async Task PollAsync_Limit_StopsPagingEvenWhenMoreResultsExist()
    {
        Server.Serve("api/query", Fixtures.Bytes(Testing));
        Services.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 13, 0, 0, 0, TimeSpan.Zero));

        var result = await PollAsync(Source(""", "days": 36500, "limit": 10"""));

        Assert.Equal(10, result.New);
        Assert.Single(Server.Requests);
    }

    // The real page with the first abstract wrapped in inline elements, so that elements nest `depth` deep in all
    // (feed, entry, summary and depth - 3 <b>s).
    private static byte[] NestedPage(int depth)
    {
        var page = Fixtures.Text(Testing);
        var at = page.IndexOf("<summary>", StringComparison.Ordinal) + "<summary>".Length;
        var end = page.IndexOf("</summary>", at, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(page[..at] + string.Concat(Enumerable.Repeat("<b>", depth - 3)) + page[at..end]
            + string.Concat(Enumerable.Repeat("</b>", depth - 3)) + page[end..]);
    }

    [Fact]
    public async Task PollAsync_ElementsNested255Deep_AreReadAsAnyPage()
    {
        Server.Serve("api/query", NestedPage(255));
        Services.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 13, 0, 0, 0, TimeSpan.Zero));

        var result = await PollAsync(Source(""", "days": 36500, "limit": 10"""));

        Assert.Null(result.Error);
        Assert.Equal(10, result.New);
        Assert.StartsWith("Deep Learning (DL) has revolutionized the capabilities of vision-based systems (VBS)",
            (await Services.EntriesAsync())["arxiv:2202.12139"].Summary);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(20000)]
    public async Task PollAsync_ElementsNestedDeeperThanFeedsMay_IsRefusedAsMalformed(int depth)
    {
        // The feeds' cap (256): LINQ to XML, which reads API pages, takes time in the square of the depth.
        Server.Serve("api/query", NestedPage(depth));

        var result = await PollAsync(Source(""", "days": 36500, "limit": 10"""));

        Assert.Contains("malformed XML: elements nested more than 256 deep (not an arXiv API response)", result.Error);
        Assert.Equal(0, result.New);
    }

    [Fact]
    public async Task PollAsync_OldStyleId_KeysWithoutSubjectClassOrVersion()
    {
        Server.Serve("api/query", RecordedBody("arxiv-api-atom/arxivpy_oldstyle_id_astro-ph.recorded.json"));

        await PollAsync(Source(""", "days": 36500"""));

        var entry = Assert.Single((await Services.EntriesAsync()).Values);
        Assert.Equal(("arxiv:astro-ph/0601001", "astro-ph/0601001v1"), (entry.CanonicalKey, entry.Prefix));
    }

    [Fact]
    public async Task PollAsync_EmptyResult_SucceedsWithNoEntries()
    {
        Server.Serve("api/query", RecordedBody("arxiv-api-atom/arxivpy_empty_result.recorded.json"));

        var result = await PollAsync(Source());

        Assert.Null(result.Error);
        Assert.Equal(0, result.Seen);
    }

    [Fact]
    public async Task PollAsync_ErrorFeed_FailsWithArxivsMessage()
    {
        Server.Serve("api/query", Fixtures.Bytes("arxiv-api-atom/arxivpy_error_bad_id.body.xml"));

        var result = await PollAsync(Source());

        Assert.Contains("arXiv API error: incorrect id format for abc", result.Error);
    }

    [Fact]
    public async Task PollAsync_ErrorFeedWithHttp400_FailsWithTheStatus()
    {
        Server.Serve("api/query", Fixtures.Bytes("arxiv-api-atom/arxivpy_error_bad_id.body.xml"), status: 400);

        var result = await PollAsync(Source());

        Assert.Contains("HTTP 400", result.Error);
    }

    [Fact]
    public void Requests_Query_BuildsASortedExportApiUrl()
    {
        var source = Assert.Single(Services.Sources(
            """{"sources": [{"id": "a", "kind": "arxiv-api", "query": "(all:quantization OR all:pruning) AND cat:cs.LG", "maxResults": 50}]}"""));

        var request = Assert.Single(Services.Get<SourceCatalog>().Kinds["arxiv-api"].Requests(source));

        Assert.Equal("https://export.arxiv.org/api/query?search_query=%28all:quantization+OR+all:pruning%29+AND+cat:cs.LG&sortBy=submittedDate&sortOrder=descending&start=0&max_results=50",
            request.Uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("""{"id": "a", "kind": "arxiv-api"}""", "query: required")]
    [InlineData("""{"id": "a", "kind": "arxiv-api", "query": "all:nas", "maxResults": 5000}""", "maxResults: expected a page size from 1 to 2000")]
    [InlineData("""{"id": "a", "kind": "arxiv-api", "query": "all:nas", "days": 0}""", "days: expected a whole number of days")]
    [InlineData("""{"id": "a", "kind": "arxiv-api", "query": "all:nas", "limit": 40000}""", "limit: expected a whole number from 1 to 30000")]
    [InlineData("""{"id": "a", "kind": "arxiv-api", "query": "all:nas", "category": "cs.LG"}""", "category: unknown field")]
    public void Validate_BadFields_NameTheField(string source, string problem)
    {
        var problems = Services.Problems($$"""{"sources": [{{source}}]}""");

        Assert.Contains(problems, p => p.Contains("source 'a'") && p.Contains(problem));
    }

    // The query's first page is the Testing recording (10 results); start=10 answers secondPage.
    private void MapTwoPages(byte[] secondPage) =>
        Server.Map("api/query", async context =>
        {
            var body = context.Request.Query["start"] == "10" ? secondPage : Fixtures.Bytes(Testing);
            context.Response.ContentType = "application/atom+xml";
            await context.Response.Body.WriteAsync(body);
        });
}
